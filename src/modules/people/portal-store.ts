// The queries of the person's portal (issue 5, item 3): their access log, and the subject access
// export, which reads every row about the person from every table that holds such rows. The export
// names its columns like every other query; `EXPORT_LEAVES_OUT` lists the few it leaves out and why,
// and portal.test.ts fails when a table gains a column (or a new table a person_id) the export does
// not account for.
import type { Kysely } from 'kysely';
import type {
  AuditEventsTable,
  BreakGlassGrantsTable,
  CareCoordinationsTable,
  CarePlanActionsTable,
  CarePlansTable,
  CarePlanVersionsTable,
  CareTeamMembersTable,
  CareMeetingInviteesTable,
  CareMeetingsTable,
  CareReviewRatingsTable,
  CareReviewsTable,
  CareNotesTable,
  CareNoteWithholdingsTable,
  CrisisEpisodeActionsTable,
  CrisisEpisodeRespondersTable,
  CrisisEpisodesTable,
  CrisisFeedbackTable,
  CrisisFollowUpsTable,
  CrisisPlaceEventsTable,
  CrisisPlaceHoldsTable,
  DB,
  FrontDoorDraftsTable,
  NetworkInvitesTable,
  NetworkLabelChangesTable,
  NetworkMembersTable,
  OutboxMessagesTable,
  PeopleTable,
  PersonEntriesTable,
  PersonDuplicateCandidatesTable,
  PersonMergesTable,
  ReferralsTable,
  RequestBreachesTable,
  RequestContactAttemptsTable,
  RequestEventsTable,
  RequestsTable,
  SafetyPlansTable,
  SafetyPlanVersionsTable,
  TasksTable,
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

/** One page of the messages sent to the person (their records given), newest first. */
export async function messagesPage(db: Kysely<DB>, personIds: readonly string[], page: { offset: number; limit: number }) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('outbox_messages')
    .select(['id', 'channel', 'kind', 'personalisation', 'status', 'created_at', 'sent_at'])
    .where('person_id', 'in', [...personIds])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
}

/** What the person wrote in their own words (their records given), newest first. */
export async function entriesOf(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('person_entries')
    .leftJoin('users', 'users.id', 'person_entries.written_by')
    .select(['person_entries.id', 'person_entries.person_id', 'person_entries.body', 'person_entries.written_at', 'users.display_name as written_by_name'])
    .where('person_entries.person_id', 'in', [...personIds])
    .orderBy('person_entries.written_at', 'desc')
    .orderBy('person_entries.id', 'desc')
    .execute();
}

/** Keeps an entry the person wrote (in the caller's unit of work); entries are never changed. */
export async function insertEntry(tx: Kysely<DB>, entry: { id: string; personId: string; body: string; at: string; by: string }): Promise<void> {
  await tx.insertInto('person_entries').values({ id: entry.id, person_id: entry.personId, body: entry.body, written_at: entry.at, written_by: entry.by }).execute();
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
  care_meeting_invitees: {
    email: 'where an invitation to a meeting was sent: someone else’s contact details (yours are on your record, and your own messages are listed)',
    phone: 'where an invitation to a meeting was sent: someone else’s contact details (yours are on your record, and your own messages are listed)',
  },
  network_invites: { token_hash: 'the key of an invitation link sent to someone in your network: a secret of theirs' },
  crisis_feedback: { token_hash: 'the key of the link we sent you to answer one question: a secret, not information about you' },
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
  'id', 'reference', 'person_id', 'team_id', 'source', 'channel', 'referrer_user_id', 'referrer', 'person_agreed', 'form_token_hash', 'story', 'what_would_help', 'consent_to_share', 'urgency', 'risk_level', 'risk_flags', 'words_unscreened',
  'need_group', 'status', 'owner_user_id', 'contact_target_at', 'first_contact_at', 'failed_attempts', 'escalated_at', 'decision', 'decision_detail', 'outcome', 'closed_at', 'created_at', 'updated_at',
] as const satisfies Columns<RequestsTable>;
const EVENTS = ['id', 'request_id', 'at', 'actor_user_id', 'kind', 'detail'] as const satisfies Columns<RequestEventsTable>;
const ATTEMPTS = ['id', 'request_id', 'at', 'by_user_id', 'method', 'result', 'note'] as const satisfies Columns<RequestContactAttemptsTable>;
const BREACHES = ['id', 'request_id', 'kind', 'target_at', 'at', 'team_id', 'reviewed_by', 'reviewed_at', 'review_note'] as const satisfies Columns<RequestBreachesTable>;
const DRAFTS = ['id_hash', 'answers', 'submitted_request_id', 'created_at', 'updated_at', 'expires_at'] as const satisfies Columns<FrontDoorDraftsTable>;
const REFERRALS = ['id', 'request_id', 'person_id', 'service_id', 'referred_by', 'reason', 'status', 'status_note', 'created_at', 'updated_at'] as const satisfies Columns<ReferralsTable>;
const AUDIT = ['seq', 'at', 'actor_user_id', 'actor_role', 'actor_team_id', 'action', 'entity_type', 'entity_id', 'person_id', 'purpose', 'outcome'] as const satisfies Columns<AuditEventsTable>;
const OUTBOX = ['id', 'channel', 'recipient', 'kind', 'personalisation', 'status', 'attempts', 'provider_reference', 'dedupe_key', 'created_at', 'sent_at', 'last_error', 'person_id'] as const satisfies Columns<OutboxMessagesTable>;
const PERSON_ENTRIES = ['id', 'person_id', 'body', 'written_at', 'written_by'] as const satisfies Columns<PersonEntriesTable>;
const SAFETY_PLANS = ['id', 'person_id', 'version', 'created_by', 'created_at', 'updated_by', 'updated_at'] as const satisfies Columns<SafetyPlansTable>;
const SAFETY_PLAN_VERSIONS = ['id', 'plan_id', 'person_id', 'version', 'content', 'change_note', 'written_by', 'written_by_role', 'written_by_team_id', 'with_person', 'created_at'] as const satisfies Columns<SafetyPlanVersionsTable>;
const NETWORK_MEMBERS = [
  'id', 'person_id', 'relationship', 'relationship_detail', 'name', 'email', 'phone', 'labels', 'consent_at', 'consent_recorded_by', 'consent_given_by', 'consent_method', 'status', 'user_id', 'added_by', 'added_at',
  'invited_at', 'joined_at', 'removed_by', 'removed_at', 'removed_reason', 'version',
] as const satisfies Columns<NetworkMembersTable>;
const NETWORK_LABEL_CHANGES = ['id', 'member_id', 'person_id', 'labels_before', 'labels_after', 'changed_by', 'changed_by_role', 'consent_given_by', 'consent_method', 'changed_at'] as const satisfies Columns<NetworkLabelChangesTable>;
const NETWORK_INVITES = ['id', 'member_id', 'person_id', 'email', 'created_by', 'created_at', 'expires_at', 'used_at', 'used_by', 'revoked_at'] as const satisfies Columns<NetworkInvitesTable>;
// Notes (care module, item 7) and tasks about the person. A note withheld from the person with a lawful
// reason (and not released) is listed with its dates, but its text and the lead's explanation are
// replaced, as on their notes page: the same exemption applies to a subject access request.
const CARE_NOTES = ['id', 'person_id', 'coordination_id', 'team_id', 'thread_id', 'kind', 'seq', 'supersedes_id', 'change_reason', 'contact', 'occurred_at', 'body', 'privacy_label', 'author_id', 'written_at'] as const satisfies Columns<CareNotesTable>;
const CARE_NOTE_WITHHOLDINGS = [
  'id', 'note_id', 'person_id', 'team_id', 'reason_kind', 'explanation', 'person_explanation', 'withheld_by', 'withheld_at', 'confirm_by', 'status', 'decided_by', 'decided_at', 'decision_note', 'escalated_at', 'task_id', 'version',
] as const satisfies Columns<CareNoteWithholdingsTable>;
const TASKS = [
  'id', 'team_id', 'assignee_id', 'person_id', 'title', 'detail', 'due_at', 'status', 'source', 'source_kind', 'source_id', 'created_by', 'created_at', 'finished_by', 'finished_at', 'finish_note', 'version',
] as const satisfies Columns<TasksTable>;
// Care coordination and the shared plan (care module): the coordinations, their care teams, the plans, every version and the actions.
const CARE_COORDINATIONS = [
  'id', 'person_id', 'team_id', 'key_worker_id', 'request_id', 'status', 'opened_at', 'opened_by', 'closed_at', 'closed_by', 'close_reason', 'version',
] as const satisfies Columns<CareCoordinationsTable>;
const CARE_TEAM_MEMBERS = ['id', 'coordination_id', 'user_id', 'role', 'added_at', 'added_by', 'removed_at', 'removed_by'] as const satisfies Columns<CareTeamMembersTable>;
const CARE_PLANS = ['id', 'coordination_id', 'person_id', 'version', 'privacy_label', 'review_date', 'created_at', 'updated_at'] as const satisfies Columns<CarePlansTable>;
const CARE_PLAN_VERSIONS = [
  'id', 'plan_id', 'person_id', 'version', 'what_matters', 'strengths', 'goals', 'if_worse', 'review_date', 'privacy_label', 'actions', 'changes', 'note', 'saved_by', 'saved_at',
] as const satisfies Columns<CarePlanVersionsTable>;
const CARE_PLAN_ACTIONS = [
  'id', 'plan_id', 'person_id', 'position', 'what', 'who', 'assignee_id', 'due_on', 'status', 'task_id', 'created_at', 'created_by', 'finished_at', 'finished_by',
] as const satisfies Columns<CarePlanActionsTable>;
const WITHHELD_TEXT = 'Withheld from you for a reason the law allows (see care_note_withholdings)';
// Places held for the person, their stays and discharges (crisis module), and each entry of the place's history about them.
const PLACE_HOLDS = [
  'id', 'place_id', 'person_id', 'episode_id', 'status', 'team_id', 'note', 'held_by', 'held_at', 'expires_at', 'admitted_by', 'admitted_at', 'discharged_by', 'discharged_at', 'discharge_note',
  'released_by', 'released_at', 'release_reason', 'updated_at', 'version',
] as const satisfies Columns<CrisisPlaceHoldsTable>;
const PLACE_EVENTS = ['id', 'place_id', 'hold_id', 'kind', 'at', 'by_user_id', 'team_id', 'held_after', 'occupied_after', 'maximum_after', 'note'] as const satisfies Columns<CrisisPlaceEventsTable>;
// Crisis episodes (crisis module): each episode about the person, who responded, its action log, the
// follow-ups after discharge, and their answers to "Did you get the right response?".
const CRISIS_EPISODES = [
  'id', 'reference', 'person_id', 'caller_description', 'callback_phone', 'source', 'source_detail', 'request_id', 'priority', 'summary', 'first_contact_at', 'opened_at', 'opened_by',
  'target_at', 'warned_at', 'escalated_at', 'responded_at', 'responded_by', 'team_id', 'postcode_district', 'next_action', 'status', 'outcome', 'outcome_note', 'closed_at', 'closed_by',
  'updated_at', 'version',
] as const satisfies Columns<CrisisEpisodesTable>;
const CRISIS_EPISODE_RESPONDERS = ['id', 'episode_id', 'user_id', 'assigned_by', 'assigned_at', 'removed_by', 'removed_at'] as const satisfies Columns<CrisisEpisodeRespondersTable>;
const CRISIS_EPISODE_ACTIONS = ['id', 'episode_id', 'at', 'by_user_id', 'kind', 'text', 'detail'] as const satisfies Columns<CrisisEpisodeActionsTable>;
const CRISIS_FOLLOW_UPS = ['id', 'person_id', 'team_id', 'discharged_from', 'source_id', 'discharged_at', 'due_at', 'task_id', 'escalated_at', 'created_at'] as const satisfies Columns<CrisisFollowUpsTable>;
const CRISIS_FEEDBACK = ['id', 'episode_id', 'person_id', 'asked_at', 'expires_at', 'answer', 'comment', 'answered_at'] as const satisfies Columns<CrisisFeedbackTable>;
// Reviews and network meetings (care module, items 5 and 6): each review with its ratings, each meeting with its notes and who was invited.
const CARE_REVIEWS = ['id', 'coordination_id', 'person_id', 'reviewed_at', 'entered_by', 'entered_by_role', 'team_id', 'comment', 'items_version', 'privacy_label', 'created_at'] as const satisfies Columns<CareReviewsTable>;
const CARE_REVIEW_RATINGS = ['id', 'review_id', 'item_key', 'rating', 'wants_more_help'] as const satisfies Columns<CareReviewRatingsTable>;
const CARE_MEETINGS = [
  'id', 'coordination_id', 'person_id', 'team_id', 'starts_at', 'duration_minutes', 'place', 'video_link', 'purpose', 'status', 'scheduled_by', 'created_at', 'rescheduled_at', 'cancelled_at', 'cancelled_by',
  'cancel_reason', 'attendance_recorded_at', 'attendance_recorded_by', 'also_present', 'reflections', 'decisions', 'next_steps', 'notes_privacy_label', 'notes_written_by', 'notes_written_at', 'version',
] as const satisfies Columns<CareMeetingsTable>;
const CARE_MEETING_INVITEES = ['id', 'meeting_id', 'kind', 'network_member_id', 'user_id', 'name', 'invited_at', 'message_id', 'attendance'] as const satisfies Columns<CareMeetingInviteesTable>;
const ACCOUNTS = ['id', 'email', 'mobile', 'display_name', 'disabled_at', 'person_id', 'created_at', 'updated_at'] as const satisfies Columns<UsersTable>;

/** Every row about these records (the person's, and those merged into it), table by table. */
export async function subjectAccessRows(db: Kysely<DB>, personIds: readonly string[]) {
  const ids = [...personIds];
  const requests = await db.selectFrom('requests').select(REQUESTS).where('person_id', 'in', ids).orderBy('created_at').execute();
  const requestIds = requests.map((r) => r.id);
  const ofRequests = requestIds.length > 0;
  const accounts = await db.selectFrom('users').select(ACCOUNTS).where('person_id', 'in', ids).orderBy('created_at').execute();
  const accountIds = accounts.map((a) => a.id);
  // The person's network (network.ts): its members, every change of what they may see, and the invitations sent.
  const [networkMembers, networkLabelChanges, networkInvites] = await Promise.all([
    db.selectFrom('network_members').select(NETWORK_MEMBERS).where('person_id', 'in', ids).orderBy('added_at').orderBy('id').execute(),
    db.selectFrom('network_label_changes').select(NETWORK_LABEL_CHANGES).where('person_id', 'in', ids).orderBy('changed_at').orderBy('id').execute(),
    db.selectFrom('network_invites').select(NETWORK_INVITES).where('person_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
  ]);
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
  // What the person wrote in their own words (portal).
  const personEntries = await db.selectFrom('person_entries').select(PERSON_ENTRIES).where('person_id', 'in', ids).orderBy('written_at').orderBy('id').execute();
  // Safety plans (crisis module): the plan and every version of it.
  const [safetyPlans, safetyPlanVersions] = await Promise.all([
    db.selectFrom('safety_plans').select(SAFETY_PLANS).where('person_id', 'in', ids).orderBy('created_at').execute(),
    db.selectFrom('safety_plan_versions').select(SAFETY_PLAN_VERSIONS).where('person_id', 'in', ids).orderBy('created_at').orderBy('version').execute(),
  ]);
  const [careNotes, careNoteWithholdings, tasks] = await Promise.all([
    db.selectFrom('care_notes').select(CARE_NOTES).where('person_id', 'in', ids).orderBy('written_at').orderBy('seq').execute(),
    db.selectFrom('care_note_withholdings').select(CARE_NOTE_WITHHOLDINGS).where('person_id', 'in', ids).orderBy('withheld_at').execute(),
    db.selectFrom('tasks').select(TASKS).where('person_id', 'in', ids).orderBy('created_at').execute(),
  ]);
  const [careReviews, careMeetings] = await Promise.all([
    db.selectFrom('care_reviews').select(CARE_REVIEWS).where('person_id', 'in', ids).orderBy('reviewed_at').orderBy('id').execute(),
    db.selectFrom('care_meetings').select(CARE_MEETINGS).where('person_id', 'in', ids).orderBy('starts_at').orderBy('id').execute(),
  ]);
  const [careReviewRatings, careMeetingInvitees] = await Promise.all([
    careReviews.length > 0 ? db.selectFrom('care_review_ratings').select(CARE_REVIEW_RATINGS).where('review_id', 'in', careReviews.map((r) => r.id)).orderBy('review_id').orderBy('item_key').execute() : [],
    careMeetings.length > 0 ? db.selectFrom('care_meeting_invitees').select(CARE_MEETING_INVITEES).where('meeting_id', 'in', careMeetings.map((m) => m.id)).orderBy('invited_at').orderBy('id').execute() : [],
  ]);
  const [careCoordinations, carePlans, carePlanVersions, carePlanActions] = await Promise.all([
    db.selectFrom('care_coordinations').select(CARE_COORDINATIONS).where('person_id', 'in', ids).orderBy('opened_at').orderBy('id').execute(),
    db.selectFrom('care_plans').select(CARE_PLANS).where('person_id', 'in', ids).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('care_plan_versions').select(CARE_PLAN_VERSIONS).where('person_id', 'in', ids).orderBy('plan_id').orderBy('version').execute(),
    db.selectFrom('care_plan_actions').select(CARE_PLAN_ACTIONS).where('person_id', 'in', ids).orderBy('plan_id').orderBy('position').execute(),
  ]);
  const careTeamMembers =
    careCoordinations.length > 0 ? await db.selectFrom('care_team_members').select(CARE_TEAM_MEMBERS).where('coordination_id', 'in', careCoordinations.map((c) => c.id)).orderBy('added_at').orderBy('id').execute() : [];
  const placeHolds = await db.selectFrom('crisis_place_holds').select(PLACE_HOLDS).where('person_id', 'in', ids).orderBy('held_at').orderBy('id').execute();
  const placeEvents = placeHolds.length > 0 ? await db.selectFrom('crisis_place_events').select(PLACE_EVENTS).where('hold_id', 'in', placeHolds.map((h) => h.id)).orderBy('at').orderBy('id').execute() : [];
  const [crisisEpisodes, crisisFollowUps, crisisFeedback] = await Promise.all([
    db.selectFrom('crisis_episodes').select(CRISIS_EPISODES).where('person_id', 'in', ids).orderBy('opened_at').orderBy('id').execute(),
    db.selectFrom('crisis_follow_ups').select(CRISIS_FOLLOW_UPS).where('person_id', 'in', ids).orderBy('discharged_at').orderBy('id').execute(),
    db.selectFrom('crisis_feedback').select(CRISIS_FEEDBACK).where('person_id', 'in', ids).orderBy('asked_at').orderBy('id').execute(),
  ]);
  const episodeIds = crisisEpisodes.map((e) => e.id);
  const [crisisResponders, crisisActions] =
    episodeIds.length > 0
      ? await Promise.all([
          db.selectFrom('crisis_episode_responders').select(CRISIS_EPISODE_RESPONDERS).where('episode_id', 'in', episodeIds).orderBy('assigned_at').orderBy('id').execute(),
          db.selectFrom('crisis_episode_actions').select(CRISIS_EPISODE_ACTIONS).where('episode_id', 'in', episodeIds).orderBy('at').orderBy('id').execute(),
        ])
      : [[], []];
  const withheld = new Set(careNoteWithholdings.filter((w) => w.status !== 'released').map((w) => w.note_id));
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
    person_entries: personEntries,
    safety_plans: safetyPlans,
    safety_plan_versions: safetyPlanVersions,
    users: accounts,
    care_notes: careNotes.map((n) => (withheld.has(n.thread_id) ? { ...n, body: WITHHELD_TEXT, change_reason: n.change_reason === null ? null : WITHHELD_TEXT } : n)),
    care_note_withholdings: careNoteWithholdings.map((w) => ({ ...w, version: Number(w.version), explanation: w.status === 'released' ? w.explanation : WITHHELD_TEXT })),
    tasks: tasks.map((r) => ({ ...r, version: Number(r.version) })),
    care_reviews: careReviews,
    care_review_ratings: careReviewRatings.map((r) => ({ ...r, rating: Number(r.rating), wants_more_help: Number(r.wants_more_help) })),
    care_meetings: careMeetings.map((m) => ({ ...m, duration_minutes: Number(m.duration_minutes), version: Number(m.version) })),
    care_meeting_invitees: careMeetingInvitees,
    network_members: networkMembers.map((r) => ({ ...r, version: Number(r.version) })),
    network_label_changes: networkLabelChanges,
    network_invites: networkInvites,
    crisis_place_holds: placeHolds.map((r) => ({ ...r, version: Number(r.version) })),
    crisis_place_events: placeEvents,
    crisis_episodes: crisisEpisodes.map((r) => ({ ...r, version: Number(r.version) })),
    crisis_episode_responders: crisisResponders,
    crisis_episode_actions: crisisActions,
    crisis_follow_ups: crisisFollowUps,
    crisis_feedback: crisisFeedback,
    care_coordinations: careCoordinations.map((r) => ({ ...r, version: Number(r.version) })),
    care_team_members: careTeamMembers,
    care_plans: carePlans.map((r) => ({ ...r, version: Number(r.version) })),
    care_plan_versions: carePlanVersions.map((r) => ({ ...r, version: Number(r.version) })),
    care_plan_actions: carePlanActions.map((r) => ({ ...r, position: Number(r.position) })),
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
