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

/** What the person writes in their own words from the portal (issue 5, item 3); never changed, a new entry instead. */
export interface PersonEntriesTable {
  id: string;
  person_id: string;
  body: string;
  written_at: string;
  /** The person's own account. */
  written_by: string;
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

/** A note about a person (care, issue 5 item 7): never changed in place; a correction or an addendum is a new row of the same thread. */
export interface CareNotesTable {
  id: string;
  person_id: string;
  /** The coordination it was written in, when there is one. */
  coordination_id: string | null;
  /** The team the author wrote for: its leads confirm a withholding. */
  team_id: string;
  /** The first version's id (its own for the first version). */
  thread_id: string;
  kind: 'original' | 'correction' | 'addendum';
  /** 1 for the original, then 2, 3, … for each correction or addendum of the thread. */
  seq: number;
  /** For a correction: the version it replaces. */
  supersedes_id: string | null;
  /** Why a correction was made (required with supersedes_id). */
  change_reason: string | null;
  /** The contact the note records: 'face-to-face', 'phone', 'video', 'message', or 'none' (a note with no contact). */
  contact: 'face-to-face' | 'phone' | 'video' | 'message' | 'none';
  /** When the contact or event happened (may be before it was written). */
  occurred_at: string;
  body: string;
  privacy_label: 'general' | 'mental-health' | 'social-care' | 'safety-plan';
  author_id: string;
  written_at: string;
}

/** A note withheld from the person with a lawful reason, for a team lead to confirm within 5 working days. */
export interface CareNoteWithholdingsTable {
  id: string;
  /** The note thread withheld (all its versions and addenda). */
  note_id: string;
  person_id: string;
  team_id: string;
  reason_kind: 'third-party' | 'serious-harm';
  /** For the team lead: why (may name what is withheld; never shown to the person). */
  explanation: string;
  /** What the person is told, beyond the reason (optional; never the withheld information). */
  person_explanation: string | null;
  withheld_by: string;
  withheld_at: string;
  /** The end of the 5th working day after it was withheld. */
  confirm_by: string;
  status: 'awaiting-confirmation' | 'confirmed' | 'released';
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  /** When the timer found it unconfirmed past confirm_by and told the leads. */
  escalated_at: string | null;
  /** The team task for the leads. */
  task_id: string | null;
  version: Generated<number>;
}

/** A member of a person's network (people module, issue 5 item 2): who, what they may see, the consent. */
export interface NetworkMembersTable {
  id: string;
  person_id: string;
  relationship: 'family' | 'friend' | 'carer' | 'gp' | 'care-coordinator' | 'peer-worker' | 'clinician' | 'champion' | 'other';
  /** In words, for 'other' (and optionally any): "neighbour", "Mum". */
  relationship_detail: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  /** JSON array of privacy labels ('general', 'mental-health', 'social-care', 'safety-plan'). */
  labels: string;
  consent_at: string;
  /** The user who recorded the consent (the person, or a practitioner on their behalf). */
  consent_recorded_by: string;
  consent_given_by: 'person' | 'practitioner';
  consent_method: 'in-person' | 'phone' | 'in-writing' | 'online';
  /** added: in the network, not invited; invited: a link sent, no account yet; active: has an account; removed. */
  status: 'added' | 'invited' | 'active' | 'removed';
  /** The member's `network-member` account, once they have one. */
  user_id: string | null;
  added_by: string;
  added_at: Generated<string>;
  invited_at: string | null;
  joined_at: string | null;
  removed_by: string | null;
  removed_at: string | null;
  removed_reason: string | null;
  version: Generated<number>;
}

/** Every change of what a network member may see, kept for ever. */
export interface NetworkLabelChangesTable {
  id: string;
  member_id: string;
  person_id: string;
  /** JSON arrays of privacy labels. */
  labels_before: string;
  labels_after: string;
  changed_by: string;
  changed_by_role: string;
  consent_given_by: 'person' | 'practitioner';
  consent_method: 'in-person' | 'phone' | 'in-writing' | 'online';
  changed_at: string;
}

/** A link that lets a network member make their account: hashed, single use, expiring, dead once they are removed. */
export interface NetworkInvitesTable {
  id: string;
  member_id: string;
  person_id: string;
  /** SHA-256 (hex) of the token in the link. */
  token_hash: string;
  /** Where the link was sent (lower-cased). */
  email: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
  /** Set when a newer link replaces it or the member is removed. */
  revoked_at: string | null;
}

/** A team's coordination of a person's care (issue 5, item 4); open while the team coordinates. */
export interface CareCoordinationsTable {
  id: string;
  person_id: string;
  team_id: string;
  /** The named key worker (care coordinator), a user of the team; null until named. */
  key_worker_id: string | null;
  /** The front door request whose decision opened it; null when opened from the person record. */
  request_id: string | null;
  status: 'open' | 'closed';
  opened_at: string;
  opened_by: string;
  closed_at: string | null;
  closed_by: string | null;
  close_reason: string | null;
  /** 1, 2, 3, …: each change adds one (optimistic concurrency). */
  version: Generated<number>;
}

/** A member of a coordination's care team; removing sets removed_at (history is kept). */
export interface CareTeamMembersTable {
  id: string;
  coordination_id: string;
  user_id: string;
  /** In words: 'key worker', 'psychiatrist', 'peer worker', … */
  role: string;
  added_at: string;
  added_by: string | null;
  removed_at: string | null;
  removed_by: string | null;
}

/** A coordination's shared plan; `version` 0 until first saved. Its content is in its versions. */
export interface CarePlansTable {
  id: string;
  coordination_id: string;
  person_id: string;
  /** The current version (0: nothing saved yet); a save must name it (optimistic concurrency). */
  version: number;
  privacy_label: 'general' | 'mental-health' | 'social-care' | 'safety-plan';
  /** YYYY-MM-DD (London): the next review. */
  review_date: string | null;
  created_at: string;
  updated_at: string;
}

/** One saved version of a shared plan, never changed. */
export interface CarePlanVersionsTable {
  id: string;
  plan_id: string;
  person_id: string;
  version: number;
  what_matters: string;
  strengths: string;
  goals: string;
  if_worse: string;
  review_date: string | null;
  privacy_label: 'general' | 'mental-health' | 'social-care' | 'safety-plan';
  /** JSON: the actions after this save. */
  actions: string;
  /** JSON: the parts changed from the previous version, in words. */
  changes: string;
  note: string | null;
  saved_by: string;
  saved_at: string;
}

/** An action of a shared plan as it is now (who, what, by when), with its task. */
export interface CarePlanActionsTable {
  id: string;
  plan_id: string;
  person_id: string;
  position: number;
  what: string;
  who: string;
  assignee_id: string | null;
  /** YYYY-MM-DD (London). */
  due_on: string;
  status: 'open' | 'done' | 'removed';
  task_id: string | null;
  created_at: string;
  created_by: string;
  finished_at: string | null;
  finished_by: string | null;
}

/** A DIALOG-style review of a coordination (issue 5, item 5): the person's ratings at one moment. */
export interface CareReviewsTable {
  id: string;
  coordination_id: string;
  person_id: string;
  /** When the review took place. */
  reviewed_at: string;
  entered_by: string;
  /** 'person' when they entered it in their portal; otherwise the practitioner's role (entered with the person). */
  entered_by_role: string;
  /** The practitioner's team; null when the person entered it. */
  team_id: string | null;
  /** Anything else the person wanted to say, in their words. */
  comment: string | null;
  /** The version of dialog-items.json the questions came from. */
  items_version: string;
  privacy_label: 'general' | 'mental-health' | 'social-care' | 'safety-plan';
  created_at: Generated<string>;
}

/** One item of a review: its rating from 1 to 7 and whether the person wants more help with it. */
export interface CareReviewRatingsTable {
  id: string;
  review_id: string;
  /** The item's key in dialog-items.json ('mental-health', 'medication', …). */
  item_key: string;
  rating: number;
  /** 0 or 1. */
  wants_more_help: number;
}

/** A network meeting of a coordination (issue 5, item 6), with the notes written in the room. */
export interface CareMeetingsTable {
  id: string;
  coordination_id: string;
  person_id: string;
  /** The coordinating team (who holds the meeting and its follow-ups). */
  team_id: string;
  starts_at: string;
  duration_minutes: number;
  place: string | null;
  video_link: string | null;
  /** What the meeting is for, in a line. */
  purpose: string | null;
  status: 'scheduled' | 'held' | 'cancelled';
  scheduled_by: string;
  created_at: Generated<string>;
  rescheduled_at: string | null;
  cancelled_at: string | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  attendance_recorded_at: string | null;
  attendance_recorded_by: string | null;
  /** Others who came without an invitation, in words. */
  also_present: string | null;
  reflections: string | null;
  decisions: string | null;
  next_steps: string | null;
  notes_privacy_label: 'general' | 'mental-health' | 'social-care' | 'safety-plan';
  notes_written_by: string | null;
  notes_written_at: string | null;
  version: Generated<number>;
}

/** Someone invited to a network meeting: the person, a network member or a professional; whether they came. */
export interface CareMeetingInviteesTable {
  id: string;
  meeting_id: string;
  kind: 'person' | 'network-member' | 'professional';
  network_member_id: string | null;
  user_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  invited_at: string;
  /** The invitation in the outbox; null when there was no address to send it to. */
  message_id: string | null;
  attendance: 'attended' | 'apologies' | 'did-not-attend' | null;
}

// ---- crisis and rapid response (issue 6) -------------------------------------------------------

// (crisis tables: add below this line, one interface per table)

/** A person's safety plan (issue 6, item 4): one a person record; `version` is the number of its current version. */
export interface SafetyPlansTable {
  id: string;
  person_id: string;
  version: Generated<number>;
  created_by: string;
  created_at: Generated<string>;
  updated_by: string;
  updated_at: Generated<string>;
}

/** Each save of a safety plan, whole and never changed: the seven steps (JSON), who wrote it, and whether the person was there. */
export interface SafetyPlanVersionsTable {
  id: string;
  plan_id: string;
  person_id: string;
  version: number;
  /** JSON: the steps' entries, in the person's words (crisis/safety-plan.ts, PlanContent). */
  content: string;
  change_note: string | null;
  written_by: string;
  /** 'person' when the person saved it in their portal; otherwise the practitioner's role. */
  written_by_role: string;
  written_by_team_id: string | null;
  /** 1 when written with the person (always, when they wrote it themselves). */
  with_person: number;
  created_at: Generated<string>;
}

export type CrisisPriority = 'emergency' | 'very-urgent' | 'urgent' | 'routine';
export type CrisisOutcome = 'resolved-at-home' | 'home-treatment' | 'crisis-house' | 'sanctuary' | 'a-and-e' | 'admitted-informally' | 'detained' | 'other';

/** An episode of crisis care (issue 6, item 1): opened from a decision, a call, a walk-in, a referral or a discharge. */
export interface CrisisEpisodesTable {
  id: string;
  /** Read out on the phone: "CR-XXXX-XXXX" with a check character. */
  reference: string;
  /** Null while the caller is unnamed; linked later. */
  person_id: string | null;
  /** Who rang, while unnamed ("woman in her 30s, calling from a phone box"). */
  caller_description: string | null;
  callback_phone: string | null;
  source: 'front-door' | 'phone' | 'walk-in' | 'police' | 'a-and-e' | 'discharge';
  /** Which sanctuary, which police unit, which ward. */
  source_detail: string | null;
  request_id: string | null;
  priority: CrisisPriority;
  summary: string;
  /** When the person first reached services about this crisis (the request's receipt, or the call). */
  first_contact_at: string;
  opened_at: string;
  opened_by: string | null;
  /** Response due by: first contact plus the priority's target. */
  target_at: string;
  warned_at: string | null;
  escalated_at: string | null;
  responded_at: string | null;
  responded_by: string | null;
  team_id: string;
  /** Outward code only ("SE11"), for the board. */
  postcode_district: string | null;
  next_action: string | null;
  status: 'open' | 'closed';
  outcome: CrisisOutcome | null;
  outcome_note: string | null;
  closed_at: string | null;
  closed_by: string | null;
  updated_at: Generated<string>;
  version: Generated<number>;
}

export interface CrisisEpisodeRespondersTable {
  id: string;
  episode_id: string;
  user_id: string;
  assigned_by: string | null;
  assigned_at: string;
  removed_by: string | null;
  removed_at: string | null;
}

/** The action log of an episode, append-only. */
export interface CrisisEpisodeActionsTable {
  id: string;
  episode_id: string;
  at: string;
  by_user_id: string | null;
  kind: string;
  text: string | null;
  /** JSON. */
  detail: string | null;
}

/** Follow-up within 72 hours of a discharge (issue 6, item 5); done when its task is done. */
export interface CrisisFollowUpsTable {
  id: string;
  person_id: string;
  team_id: string;
  discharged_from: 'admission' | 'crisis-house' | 'episode' | 'sanctuary';
  source_id: string;
  discharged_at: string;
  due_at: string;
  task_id: string;
  escalated_at: string | null;
  created_at: Generated<string>;
}

/** A priority's response target when the alliance changed the default (targets.ts). */
export interface CrisisTargetsTable {
  priority: CrisisPriority;
  minutes: number;
  updated_by: string | null;
  updated_at: Generated<string>;
}

/** A shift on the crisis team's duty rota. */
export interface CrisisDutyTable {
  id: string;
  team_id: string;
  user_id: string;
  duty_role: 'duty-senior' | 'responder' | 'call-handler' | 'doctor' | 'peer-worker';
  starts_at: string;
  ends_at: string;
  /** The UK mobile (07…, no spaces) the person on duty carries for the shift: texted when an episode goes unanswered. */
  phone: Generated<string | null>;
  created_by: string | null;
  created_at: Generated<string>;
  removed_by: string | null;
  removed_at: string | null;
}

/** "Did you get the right response?": asked after an episode closes, with the person's answer. */
export interface CrisisFeedbackTable {
  id: string;
  episode_id: string;
  person_id: string;
  /** SHA-256 of the one-time link's token. */
  token_hash: string;
  asked_at: string;
  expires_at: string;
  answer: 'yes' | 'partly' | 'no' | null;
  comment: string | null;
  answered_at: string | null;
}

/** A place that is an alternative to admission (issue 6, item 3), with its capacity counters. */
export interface CrisisPlacesTable {
  id: string;
  name: string;
  kind: 'crisis-house' | 'sanctuary' | 'crisis-cafe' | 'respite' | 'home-treatment';
  /** HSDS 3.1 capacity unit: "beds", "places", "seats", "slots". */
  unit: string;
  description: string | null;
  /** Where, in words ("Brixton, SW9"). */
  area: string | null;
  team_id: string;
  organisation_id: string;
  directory_service_id: string | null;
  maximum: number;
  held: Generated<number>;
  occupied: Generated<number>;
  /** OpeningHours JSON (platform/time/calendar.ts); null: open 24 hours. */
  opening_hours: string | null;
  /** How long a hold lasts unless the person holding chooses otherwise. */
  hold_hours: Generated<number>;
  status: Generated<'active' | 'closed'>;
  /** HSDS 3.1 capacity `updated`: when held, occupied or maximum last changed. */
  capacity_updated_at: string;
  created_at: Generated<string>;
  updated_at: string;
  version: Generated<number>;
}

/** A hold on a place for a named person, then their admission and discharge, or its release. */
export interface CrisisPlaceHoldsTable {
  id: string;
  place_id: string;
  person_id: string;
  episode_id: string | null;
  status: 'held' | 'admitted' | 'discharged' | 'cancelled' | 'expired';
  team_id: string | null;
  note: string | null;
  held_by: string;
  held_at: string;
  expires_at: string;
  admitted_by: string | null;
  admitted_at: string | null;
  discharged_by: string | null;
  discharged_at: string | null;
  discharge_note: string | null;
  released_by: string | null;
  released_at: string | null;
  release_reason: string | null;
  updated_at: string;
  version: Generated<number>;
}

/** A place's occupancy history, append-only, with the counters after each event. */
export interface CrisisPlaceEventsTable {
  id: string;
  place_id: string;
  hold_id: string | null;
  kind: 'opened' | 'changed' | 'hold' | 'admit' | 'discharge' | 'cancel' | 'expire';
  at: string;
  by_user_id: string | null;
  team_id: string | null;
  held_after: number;
  occupied_after: number;
  maximum_after: number;
  note: string | null;
}

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
  /** 1 when the words are in a language or alphabet the risk phrases cannot read (language-check.ts): brought forward, shown as not screened. */
  words_unscreened: number;
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

/** What changed on a live page, for its server-sent events (src/platform/realtime/); pruned after a day. */
export interface LiveEventsTable {
  /** Assigned in commit order: the server-sent event id a client resumes from (Last-Event-ID). */
  id: Generated<number>;
  channel: string;
  /** JSON: what changed, by reference; never more than the live page shows. */
  payload: string;
  created_at: string;
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
  /** The team that answers referrals to the service through Mutual; null: anyone of its organisation (migration 2026-11-30T0200). */
  referral_team_id: string | null;
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
  /** 1 when Mutual keeps this figure itself (a crisis place linked to the service): a record written again leaves it alone. */
  live: Generated<number>;
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
  person_entries: PersonEntriesTable;
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
  live_events: LiveEventsTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  sign_in_codes: SignInCodesTable;
  // care coordination (issue 5)
  network_members: NetworkMembersTable;
  network_label_changes: NetworkLabelChangesTable;
  network_invites: NetworkInvitesTable;
  tasks: TasksTable;
  care_coordinations: CareCoordinationsTable;
  care_team_members: CareTeamMembersTable;
  care_plans: CarePlansTable;
  care_plan_versions: CarePlanVersionsTable;
  care_plan_actions: CarePlanActionsTable;
  care_notes: CareNotesTable;
  care_note_withholdings: CareNoteWithholdingsTable;
  care_reviews: CareReviewsTable;
  care_review_ratings: CareReviewRatingsTable;
  care_meetings: CareMeetingsTable;
  care_meeting_invitees: CareMeetingInviteesTable;
  // crisis and rapid response (issue 6)
  safety_plans: SafetyPlansTable;
  safety_plan_versions: SafetyPlanVersionsTable;
  crisis_episodes: CrisisEpisodesTable;
  crisis_episode_responders: CrisisEpisodeRespondersTable;
  crisis_episode_actions: CrisisEpisodeActionsTable;
  crisis_follow_ups: CrisisFollowUpsTable;
  crisis_targets: CrisisTargetsTable;
  crisis_duty: CrisisDutyTable;
  crisis_feedback: CrisisFeedbackTable;
  crisis_places: CrisisPlacesTable;
  crisis_place_holds: CrisisPlaceHoldsTable;
  crisis_place_events: CrisisPlaceEventsTable;
}

export type { Generated };
