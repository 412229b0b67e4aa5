// The queries of the person's portal (issue 5, item 3): their access log, and the subject access
// export, which reads every row about the person from every table that holds such rows. The export
// names its columns like every other query; `EXPORT_LEAVES_OUT` lists the few it leaves out and why,
// and portal.test.ts fails when a table gains a column (or a new table a person_id) the export does
// not account for.
import type { Kysely } from 'kysely';
import type {
  AuditEventsTable,
  BreakGlassGrantsTable,
  DB,
  FrontDoorDraftsTable,
  OutboxMessagesTable,
  PeopleTable,
  PersonDuplicateCandidatesTable,
  PersonMergesTable,
  ReferralsTable,
  RequestBreachesTable,
  RequestContactAttemptsTable,
  RequestEventsTable,
  RequestsTable,
  UsersTable,
} from '../../platform/db/tables.ts';

/** One page of a person's access log (the records given: theirs and those merged into it), newest first, with names in place of ids. */
export async function accessLogPage(db: Kysely<DB>, personIds: readonly string[], page: { before?: number; limit: number }) {
  if (personIds.length === 0) return [];
  let q = db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_user_id')
    .leftJoin('teams', 'teams.id', 'audit_events.actor_team_id')
    .leftJoin('break_glass_grants', (join) => join.onRef('break_glass_grants.id', '=', 'audit_events.entity_id').on('audit_events.entity_type', '=', 'break-glass-grant'))
    .select([
      'audit_events.seq',
      'audit_events.at',
      'audit_events.actor_user_id',
      'audit_events.actor_role',
      'audit_events.action',
      'audit_events.purpose',
      'audit_events.outcome',
      'users.display_name as actor_name',
      'teams.name as team_name',
      'break_glass_grants.reason_kind as grant_reason_kind',
      'break_glass_grants.reason as grant_reason',
    ])
    .where('audit_events.person_id', 'in', personIds);
  if (page.before !== undefined) q = q.where('audit_events.seq', '<', page.before);
  const rows = await q.orderBy('audit_events.seq', 'desc').limit(page.limit).execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** Every emergency access (break glass) to the records, newest first, with who, their team and the review. */
export async function breakGlassGrantsOf(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('break_glass_grants')
    .innerJoin('users', 'users.id', 'break_glass_grants.user_id')
    .leftJoin('teams', 'teams.id', 'break_glass_grants.team_id')
    .select([
      'break_glass_grants.id',
      'break_glass_grants.role',
      'break_glass_grants.reason_kind',
      'break_glass_grants.reason',
      'break_glass_grants.granted_at',
      'break_glass_grants.expires_at',
      'break_glass_grants.reviewed_at',
      'users.display_name as user_name',
      'teams.name as team_name',
    ])
    .where('break_glass_grants.person_id', 'in', personIds)
    .orderBy('break_glass_grants.granted_at', 'desc')
    .execute();
}

/** The person's front door requests, for the portal's home page: what they asked and where it is. */
export async function requestsOf(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('requests')
    .select(['id', 'reference', 'status', 'created_at', 'closed_at'])
    .where('person_id', 'in', personIds)
    .orderBy('created_at', 'desc')
    .execute();
}

// ---- the subject access export ----

type Columns<T> = readonly (keyof T & string)[];

/** Columns the export leaves out, and why: each is about someone else, or is a secret, or is derived. */
export const EXPORT_LEAVES_OUT: Record<string, Record<string, string>> = {
  people: { match_key: 'derived from the name, date of birth and postcode shown' },
  audit_events: {
    address: 'the network address of whoever looked: about them, not you',
    prev_hash: 'the audit trail’s tamper seal, not information about you',
    hash: 'the audit trail’s tamper seal, not information about you',
  },
  users: {
    password_hash: 'a secret',
    totp_secret: 'a secret',
    totp_enrolled_at: 'person accounts have no authenticator',
    totp_last_step: 'person accounts have no authenticator',
    oidc_issuer: 'person accounts do not sign in this way',
    oidc_subject: 'person accounts do not sign in this way',
  },
};

const PEOPLE = ['id', 'given_name', 'family_name', 'date_of_birth', 'postcode', 'nhs_number', 'phone', 'email', 'address', 'preferred_language', 'interpreter_needed', 'access_needs', 'contact_preferences', 'equality', 'merged_into_id', 'version', 'created_at', 'updated_at'] as const satisfies Columns<PeopleTable>;
const DUPLICATES = ['id', 'person_id', 'candidate_id', 'reason', 'status', 'decided_by', 'decided_at', 'decision_note', 'created_at'] as const satisfies Columns<PersonDuplicateCandidatesTable>;
const MERGES = ['id', 'merged_id', 'survivor_id', 'duplicate_candidate_id', 'merged_by', 'merged_at', 'reason', 'unmerged_by', 'unmerged_at', 'unmerge_reason'] as const satisfies Columns<PersonMergesTable>;
const GRANTS = ['id', 'person_id', 'user_id', 'role', 'team_id', 'organisation_id', 'reason_kind', 'reason', 'granted_at', 'expires_at', 'reviewed_by', 'reviewed_at', 'review_note'] as const satisfies Columns<BreakGlassGrantsTable>;
const REQUESTS = [
  'id', 'reference', 'person_id', 'team_id', 'source', 'channel', 'referrer_user_id', 'referrer', 'person_agreed', 'form_token_hash', 'story', 'what_would_help', 'consent_to_share', 'urgency', 'risk_level', 'risk_flags',
  'need_group', 'status', 'owner_user_id', 'contact_target_at', 'first_contact_at', 'failed_attempts', 'escalated_at', 'decision', 'decision_detail', 'outcome', 'closed_at', 'created_at', 'updated_at',
] as const satisfies Columns<RequestsTable>;
const EVENTS = ['id', 'request_id', 'at', 'actor_user_id', 'kind', 'detail'] as const satisfies Columns<RequestEventsTable>;
const ATTEMPTS = ['id', 'request_id', 'at', 'by_user_id', 'method', 'result', 'note'] as const satisfies Columns<RequestContactAttemptsTable>;
const BREACHES = ['id', 'request_id', 'kind', 'target_at', 'at', 'team_id', 'reviewed_by', 'reviewed_at', 'review_note'] as const satisfies Columns<RequestBreachesTable>;
const DRAFTS = ['id_hash', 'answers', 'submitted_request_id', 'created_at', 'updated_at', 'expires_at'] as const satisfies Columns<FrontDoorDraftsTable>;
const REFERRALS = ['id', 'request_id', 'person_id', 'service_id', 'referred_by', 'reason', 'status', 'status_note', 'created_at', 'updated_at'] as const satisfies Columns<ReferralsTable>;
const AUDIT = ['seq', 'at', 'actor_user_id', 'actor_role', 'actor_team_id', 'action', 'entity_type', 'entity_id', 'person_id', 'purpose', 'outcome'] as const satisfies Columns<AuditEventsTable>;
const OUTBOX = ['id', 'channel', 'recipient', 'kind', 'personalisation', 'status', 'attempts', 'provider_reference', 'dedupe_key', 'created_at', 'sent_at', 'last_error', 'person_id'] as const satisfies Columns<OutboxMessagesTable>;
const ACCOUNTS = ['id', 'email', 'mobile', 'display_name', 'disabled_at', 'person_id', 'created_at', 'updated_at'] as const satisfies Columns<UsersTable>;

/** Every row about these records (the person's, and those merged into it), table by table. */
export async function subjectAccessRows(db: Kysely<DB>, personIds: readonly string[]) {
  const ids = [...personIds];
  const requests = await db.selectFrom('requests').select(REQUESTS).where('person_id', 'in', ids).orderBy('created_at').execute();
  const requestIds = requests.map((r) => r.id);
  const ofRequests = requestIds.length > 0;
  const accounts = await db.selectFrom('users').select(ACCOUNTS).where('person_id', 'in', ids).orderBy('created_at').execute();
  const accountIds = accounts.map((a) => a.id);
  const [people, duplicates, merges, grants, events, attempts, breaches, drafts, referrals, audit, outbox] = await Promise.all([
    db.selectFrom('people').select(PEOPLE).where('id', 'in', ids).orderBy('created_at').execute(),
    db.selectFrom('person_duplicate_candidates').select(DUPLICATES).where((eb) => eb.or([eb('person_id', 'in', ids), eb('candidate_id', 'in', ids)])).orderBy('created_at').execute(),
    db.selectFrom('person_merges').select(MERGES).where((eb) => eb.or([eb('merged_id', 'in', ids), eb('survivor_id', 'in', ids)])).orderBy('merged_at').execute(),
    db.selectFrom('break_glass_grants').select(GRANTS).where('person_id', 'in', ids).orderBy('granted_at').execute(),
    ofRequests ? db.selectFrom('request_events').select(EVENTS).where('request_id', 'in', requestIds).orderBy('at').execute() : [],
    ofRequests ? db.selectFrom('request_contact_attempts').select(ATTEMPTS).where('request_id', 'in', requestIds).orderBy('at').execute() : [],
    ofRequests ? db.selectFrom('request_breaches').select(BREACHES).where('request_id', 'in', requestIds).orderBy('at').execute() : [],
    ofRequests ? db.selectFrom('front_door_drafts').select(DRAFTS).where('submitted_request_id', 'in', requestIds).orderBy('created_at').execute() : [],
    db.selectFrom('referrals').select(REFERRALS).where('person_id', 'in', ids).orderBy('created_at').execute(),
    // Events about the person's records, and what their own account did (signing in, asking for codes).
    db
      .selectFrom('audit_events')
      .select(AUDIT)
      .where((eb) => (accountIds.length > 0 ? eb.or([eb('person_id', 'in', ids), eb('actor_user_id', 'in', accountIds)]) : eb('person_id', 'in', ids)))
      .orderBy('seq')
      .execute(),
    db.selectFrom('outbox_messages').select(OUTBOX).where('person_id', 'in', ids).orderBy('created_at').execute(),
  ]);
  return {
    people,
    person_duplicate_candidates: duplicates,
    person_merges: merges,
    break_glass_grants: grants,
    requests,
    request_events: events,
    request_contact_attempts: attempts,
    request_breaches: breaches,
    front_door_drafts: drafts,
    referrals,
    audit_events: audit.map((a) => ({ ...a, seq: Number(a.seq) })),
    outbox_messages: outbox,
    users: accounts,
  };
}

/** Display names of the users these rows name, so the readable export says who rather than an id. */
export async function userNames(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

export async function teamNames(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('teams').select(['id', 'name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

// ---- inviting a person to the portal ----

/** The person account of any of these records, if there is one. */
export async function portalAccountOf(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return undefined;
  return db.selectFrom('users').select(['id', 'email', 'mobile', 'created_at', 'disabled_at']).where('person_id', 'in', [...personIds]).orderBy('created_at').executeTakeFirst();
}

/** Whether an account already uses this email address or mobile number. */
export async function accountUsing(db: Kysely<DB>, by: { email: string } | { mobile: string }): Promise<boolean> {
  const q = db.selectFrom('users').select(['id']);
  const row = await ('email' in by ? q.where('email', '=', by.email) : q.where('mobile', '=', by.mobile)).executeTakeFirst();
  return row !== undefined;
}
