// Table types for Kysely: one interface per table, snake_case as in the database.
// Timestamps are ISO-8601 UTC strings; JSON columns are strings (parse with parseJson);
// flags are 0 or 1. Each module's tables are grouped under its heading.
import type { Generated } from 'kysely';

// ---- platform: accounts ----------------------------------------------------------------------

export interface OrganisationsTable {
  id: string;
  name: string;
  kind: string;
  description: string | null;
  website: string | null;
  created_at: string;
  updated_at: string;
}

export interface TeamsTable {
  id: string;
  organisation_id: string;
  name: string;
  kind: string;
  /** Opening hours as JSON (OpeningHours, see platform/time/calendar.ts); null means always open. */
  opening_hours: string | null;
  created_at: string;
}

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  display_name: string;
  /** argon2id PHC string; null for accounts that sign in only by one-time code or OpenID Connect. */
  password_hash: string | null;
  totp_secret: string | null;
  totp_enrolled_at: string | null;
  /** The last TOTP time step accepted: each code works once. */
  totp_last_step: number | null;
  disabled_at: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  /** For `person` accounts: the person record this account belongs to. */
  person_id: string | null;
  /** For `person` accounts: a UK mobile number (07…, no spaces) a sign-in code may be texted to. */
  mobile: Generated<string | null>;
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  id: string;
  user_id: string;
  organisation_id: string;
  team_id: string | null;
  role: string;
  created_at: string;
}

// ---- people ------------------------------------------------------------------------------------

export interface PeopleTable {
  id: string;
  given_name: string;
  family_name: string;
  /** YYYY-MM-DD */
  date_of_birth: string;
  /** Normalised ("SW9 9SL"). */
  postcode: string | null;
  /** Ten digits, no spaces. */
  nhs_number: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  preferred_language: string | null;
  interpreter_needed: number;
  access_needs: string | null;
  /** JSON: { methods, safeTimes, mayLeaveMessage }. */
  contact_preferences: string | null;
  /** JSON: NHS Data Dictionary equality categories, each may be "prefer-not-to-say". */
  equality: string | null;
  /** lower(given)|lower(family)|date of birth|postcode, for finding possible duplicates. */
  match_key: string;
  merged_into_id: string | null;
  /** 1, 2, 3, …: each change of the record's details or merges adds one (optimistic concurrency). */
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface PersonDuplicateCandidatesTable {
  id: string;
  person_id: string;
  candidate_id: string;
  reason: string;
  status: 'open' | 'confirmed' | 'rejected';
  decided_by: string | null;
  decided_at: string | null;
  /** How the practitioner checked (or why a merge was undone). */
  decision_note: string | null;
  created_at: string;
}

/** A merge of one person record into another, kept for ever; undoing it sets unmerged_at. */
export interface PersonMergesTable {
  id: string;
  merged_id: string;
  survivor_id: string;
  duplicate_candidate_id: string | null;
  merged_by: string;
  merged_at: string;
  reason: string;
  unmerged_by: string | null;
  unmerged_at: string | null;
  unmerge_reason: string | null;
}

/** Access to a person without an involvement ("break glass"): reasoned, time-limited, reviewed. */
export interface BreakGlassGrantsTable {
  id: string;
  person_id: string;
  user_id: string;
  role: string;
  team_id: string | null;
  organisation_id: string;
  reason_kind: 'urgent-care' | 'safeguarding' | 'joining-care' | 'other';
  reason: string;
  granted_at: string;
  expires_at: string;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
}

// ---- care coordination (issue 5) -------------------------------------------------------------

export interface TasksTable {
  id: string;
  /** The team the task belongs to. */
  team_id: string;
  /** Who does it; null: the team's (anyone in it may take it). */
  assignee_id: string | null;
  /** Who it is about, if anyone. */
  person_id: string | null;
  title: string;
  detail: string | null;
  due_at: string | null;
  status: 'open' | 'done' | 'cancelled';
  /** The module that made it: 'care', 'crisis', 'people'. */
  source: string;
  /** What made it, within the module: 'plan-action', 'meeting-follow-up', 'note-confirmation', 'crisis-follow-up'. */
  source_kind: string;
  /** The row that made it (the plan, the meeting, the note, the episode). */
  source_id: string | null;
  created_by: string | null;
  created_at: Generated<string>;
  finished_by: string | null;
  finished_at: string | null;
  finish_note: string | null;
  version: Generated<number>;
}

// (care coordination tables: add below this line, one interface per table)

// ---- crisis and rapid response (issue 6) -------------------------------------------------------

// (crisis tables: add below this line, one interface per table)

// ---- front door --------------------------------------------------------------------------------

export interface RequestsTable {
  id: string;
  reference: string;
  person_id: string;
  team_id: string | null;
  source: 'self' | 'family-or-friend' | 'professional' | 'champion';
  channel: 'web' | 'api' | 'referral';
  referrer_user_id: string | null;
  /** JSON: { name, role, organisation, phone, email } for someone asking on another's behalf. */
  referrer: string | null;
  person_agreed: number;
  /** The key of the referral form that made this request: SHA-256 of its one-time token and content (unique); null otherwise. */
  form_token_hash: string | null;
  story: string;
  what_would_help: string | null;
  consent_to_share: number;
  urgency: 'crisis' | 'urgent' | 'routine';
  risk_level: 'high' | 'medium' | 'none';
  /** JSON: the risk-phrase flags (categories and positions, not the words). */
  risk_flags: string | null;
  need_group: 'getting-advice' | 'getting-help' | 'getting-more-help' | 'getting-risk-support' | null;
  status: 'received' | 'contacted' | 'arranging' | 'closed';
  owner_user_id: string | null;
  contact_target_at: string;
  first_contact_at: string | null;
  failed_attempts: number;
  escalated_at: string | null;
  decision: string | null;
  decision_detail: string | null;
  outcome: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RequestContactAttemptsTable {
  id: string;
  request_id: string;
  at: string;
  by_user_id: string;
  method: 'phone' | 'sms' | 'email' | 'letter' | 'in-person';
  result: 'reached' | 'no-answer' | 'message-left' | 'wrong-number';
  note: string | null;
}

export interface RequestEventsTable {
  id: string;
  request_id: string;
  at: string;
  actor_user_id: string | null;
  kind: string;
  detail: string | null;
}

export interface RequestBreachesTable {
  id: string;
  request_id: string;
  kind: 'warning' | 'breach';
  target_at: string;
  at: string;
  team_id: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_note: string | null;
}

export interface ReferralsTable {
  id: string;
  request_id: string | null;
  person_id: string;
  service_id: string;
  referred_by: string | null;
  reason: string | null;
  status: 'sent' | 'accepted' | 'declined' | 'completed' | 'withdrawn';
  status_note: string | null;
  created_at: string;
  updated_at: string;
}

export interface FrontDoorDraftsTable {
  id_hash: string;
  /** JSON: the answers so far (see src/modules/front-door/journey.ts). */
  answers: string;
  submitted_request_id: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

export interface ApiIdempotencyKeysTable {
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: string;
}

// ---- platform: sessions and sign-in (src/platform/auth/) --------------------------------------

export interface SessionsTable {
  /** SHA-256 (hex) of the session id; the id itself is only ever in the cookie. */
  id_hash: string;
  user_id: string;
  stage: 'mfa' | 'enrol' | 'full';
  /** A local path to go to once signed in. */
  return_to: string | null;
  created_at: string;
  last_seen_at: string;
  /** The absolute end of the session. */
  expires_at: string;
}

export interface SignInFailuresTable {
  id: string;
  /** SHA-256 of the lower-cased email typed (whether or not an account has it). */
  email_hash: string;
  /** SHA-256 of the caller's address. */
  address_hash: string;
  at: string;
}

/** One-time sign-in codes for `person` accounts (src/platform/auth/one-time-code.ts). */
export interface SignInCodesTable {
  id: string;
  /** SHA-256 of the random token the browser holds (a cookie) for this sign-in. */
  token_hash: string;
  /** Null when the email or number typed has no person account: the code is never sent. */
  user_id: string | null;
  contact_hash: string;
  channel: 'sms' | 'email';
  /** HMAC-SHA-256 of the code, keyed by the row's token. */
  code_hash: string;
  failed_attempts: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

// ---- platform: machinery ---------------------------------------------------------------------

/** Append-only and hash-chained (see src/platform/access/audit.ts); triggers refuse UPDATE and DELETE. */
export interface AuditEventsTable {
  /** 1, 2, 3, … assigned in the writing transaction; no gaps. */
  seq: number;
  at: string;
  actor_user_id: string | null;
  actor_role: string | null;
  /** The team the actor acted for; null when none (and on events written before the column). */
  actor_team_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  person_id: string | null;
  purpose: string | null;
  outcome: 'success' | 'failure' | 'denied';
  address: string | null;
  /** The previous event's hash (64 zeros for the first). */
  prev_hash: string;
  /** SHA-256 (hex) of this event's canonical form, prev_hash included. */
  hash: string;
}

/** Durable timers (src/platform/jobs/): run once by the worker when due. */
export interface TimersTable {
  id: string;
  kind: string;
  due_at: string;
  /** JSON. */
  payload: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  /** The error's kind only: never a message that could carry personal data. */
  last_error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  dedupe_key: string | null;
  created_at: Generated<string>;
  done_at: string | null;
}

/** SMS and email waiting to be sent, sent, or failed (src/platform/notify/). */
export interface OutboxMessagesTable {
  id: string;
  channel: 'sms' | 'email';
  recipient: string;
  kind: string;
  /** JSON: the template's personalisation ({ subject?, body }). */
  personalisation: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  provider_reference: string | null;
  dedupe_key: string | null;
  created_at: string;
  sent_at: string | null;
  last_error: string | null;
  /** The person the message was sent to, when it went to a person (for their subject access export). */
  person_id: string | null;
}

// ---- directory (HSDS 3.0 / Open Referral UK shaped; see src/modules/directory/README.md) --------

export interface DirectoryOrganisationsTable {
  id: string;
  name: string;
  description: string;
  email: string | null;
  website: string | null;
  logo: string | null;
  uri: string | null;
  parent_organisation_id: string | null;
  /** JSON: HSDS organization_identifier rows. */
  identifiers: string | null;
  /** The alliance organisation whose provider admins maintain these services. */
  platform_organisation_id: string | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export interface DirectoryTaxonomiesTable {
  id: string;
  name: string;
  description: string;
  uri: string | null;
  version: string | null;
}

export interface DirectoryTaxonomyTermsTable {
  id: string;
  code: string | null;
  name: string;
  description: string;
  parent_id: string | null;
  taxonomy_id: string | null;
  taxonomy: string | null;
  term_uri: string | null;
  /** THRIVE-style group for needs terms: getting-advice | getting-help | getting-more-help | getting-risk-support. */
  need_group: string | null;
}

export interface DirectoryServicesTable {
  id: string;
  organisation_id: string;
  name: string;
  alternate_name: string | null;
  description: string | null;
  url: string | null;
  email: string | null;
  status: string;
  interpretation_services: string | null;
  application_process: string | null;
  fees_description: string | null;
  wait_time: string | null;
  accreditations: string | null;
  eligibility_description: string | null;
  minimum_age: number | null;
  maximum_age: number | null;
  alert: string | null;
  /** YYYY-MM-DD: last reviewed. */
  assured_date: string | null;
  assurer_email: string | null;
  last_modified: string;
  access_self_referral: number;
  access_front_door: number;
  access_professional: number;
  access_mutual: number;
  accepting_new_referrals: number;
  bank_holidays: string;
  is_free: number;
  located: number;
  complex_hours: number;
  /** JSON: HSDS cost_option rows. */
  cost_options: string | null;
  /** JSON: HSDS funding rows. */
  funding: string | null;
  archived_at: string | null;
  version: number;
  content_hash: string;
  search_key: number | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export interface DirectoryLocationsTable {
  id: string;
  location_type: string;
  name: string | null;
  alternate_name: string | null;
  description: string | null;
  transportation: string | null;
  latitude: number | null;
  longitude: number | null;
  external_identifier: string | null;
  external_identifier_type: string | null;
  /** JSON: HSDS address rows. */
  addresses: string | null;
  /** JSON: HSDS accessibility rows. */
  accessibility: string | null;
  postcode: string | null;
}

export interface DirectoryServiceAtLocationsTable {
  id: string;
  service_id: string;
  location_id: string;
  description: string | null;
}

export interface DirectorySchedulesTable {
  id: string;
  service_id: string;
  service_at_location_id: string | null;
  freq: string | null;
  interval: number | null;
  byday: string | null;
  bymonthday: string | null;
  dtstart: string | null;
  valid_from: string | null;
  valid_to: string | null;
  opens_at: string | null;
  closes_at: string | null;
  description: string | null;
  attending_type: string | null;
  notes: string | null;
  schedule_link: string | null;
  position: number;
}

export interface DirectoryOpeningSlotsTable {
  service_id: string;
  /** 0 = Monday … 6 = Sunday. */
  day: number;
  origin_day: number;
  spill: number;
  opens_min: number;
  closes_min: number;
  valid_from: string | null;
  valid_to: string | null;
  bank_holidays: string;
}

export interface DirectoryContactsTable {
  id: string;
  service_id: string;
  name: string | null;
  title: string | null;
  department: string | null;
  email: string | null;
  position: number;
}

export interface DirectoryPhonesTable {
  id: string;
  service_id: string;
  contact_id: string | null;
  number: string;
  extension: number | null;
  type: string | null;
  description: string | null;
  /** JSON: language names. */
  languages: string | null;
  position: number;
}

export interface DirectoryLanguagesTable {
  id: string;
  service_id: string;
  name: string;
  code: string | null;
  note: string | null;
  position: number;
}

export interface DirectoryServiceAreasTable {
  id: string;
  service_id: string;
  name: string | null;
  description: string | null;
  extent: string | null;
  extent_type: string | null;
  uri: string | null;
  position: number;
}

export interface DirectoryServiceTaxonomyTermsTable {
  id: string;
  service_id: string;
  taxonomy_term_id: string;
  link_type: string | null;
  position: number;
}

export interface DirectoryServiceCapacityTable {
  id: string;
  service_id: string;
  available: number;
  maximum: number | null;
  unit: string;
  description: string | null;
  updated: string;
}

export interface DirectoryServiceHistoryTable {
  id: string;
  service_id: string;
  version: number;
  change: string;
  actor_user_id: string | null;
  recorded_at: string;
  /** JSON: the whole ServiceRecord as written. */
  snapshot: string;
}

export interface PostcodesTable {
  /** Normalised: "SW9 9SL". */
  postcode: string;
  outcode: string;
  latitude: number;
  longitude: number;
}

export interface OutcodeCentroidsTable {
  outcode: string;
  latitude: number;
  longitude: number;
  postcodes: number;
}

export interface DB {
  organisations: OrganisationsTable;
  teams: TeamsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  people: PeopleTable;
  person_duplicate_candidates: PersonDuplicateCandidatesTable;
  person_merges: PersonMergesTable;
  break_glass_grants: BreakGlassGrantsTable;
  requests: RequestsTable;
  request_contact_attempts: RequestContactAttemptsTable;
  request_events: RequestEventsTable;
  request_breaches: RequestBreachesTable;
  referrals: ReferralsTable;
  api_idempotency_keys: ApiIdempotencyKeysTable;
  front_door_drafts: FrontDoorDraftsTable;
  directory_organisations: DirectoryOrganisationsTable;
  directory_taxonomies: DirectoryTaxonomiesTable;
  directory_taxonomy_terms: DirectoryTaxonomyTermsTable;
  directory_services: DirectoryServicesTable;
  directory_locations: DirectoryLocationsTable;
  directory_service_at_locations: DirectoryServiceAtLocationsTable;
  directory_schedules: DirectorySchedulesTable;
  directory_opening_slots: DirectoryOpeningSlotsTable;
  directory_contacts: DirectoryContactsTable;
  directory_phones: DirectoryPhonesTable;
  directory_languages: DirectoryLanguagesTable;
  directory_service_areas: DirectoryServiceAreasTable;
  directory_service_taxonomy_terms: DirectoryServiceTaxonomyTermsTable;
  directory_service_capacity: DirectoryServiceCapacityTable;
  directory_service_history: DirectoryServiceHistoryTable;
  postcodes: PostcodesTable;
  outcode_centroids: OutcodeCentroidsTable;
  audit_events: AuditEventsTable;
  timers: TimersTable;
  outbox_messages: OutboxMessagesTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  sign_in_codes: SignInCodesTable;
  // care coordination (issue 5)
  tasks: TasksTable;
  // crisis and rapid response (issue 6)
}

export type { Generated };
