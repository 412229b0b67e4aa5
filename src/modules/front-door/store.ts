// Every query of the front door, each taking the database or a transaction first.
import type { Kysely } from 'kysely';
import { newId, toJson } from '../../platform/db/ids.ts';
import type { DB, RequestContactAttemptsTable, RequestsTable } from '../../platform/db/tables.ts';

export type RequestRow = RequestsTable;

export async function insertRequest(db: Kysely<DB>, row: RequestsTable): Promise<void> {
  await db.insertInto('requests').values(row).execute();
}

export async function addEvent(db: Kysely<DB>, requestId: string, at: Date, actorUserId: string | null, kind: string, detail?: unknown): Promise<void> {
  await db
    .insertInto('request_events')
    .values({ id: newId(), request_id: requestId, at: at.toISOString(), actor_user_id: actorUserId, kind, detail: detail === undefined ? null : toJson(detail) })
    .execute();
}

const REQUEST_COLUMNS = [
  'id',
  'reference',
  'person_id',
  'team_id',
  'source',
  'channel',
  'referrer_user_id',
  'referrer',
  'person_agreed',
  'story',
  'what_would_help',
  'consent_to_share',
  'urgency',
  'risk_level',
  'risk_flags',
  'need_group',
  'status',
  'owner_user_id',
  'contact_target_at',
  'first_contact_at',
  'failed_attempts',
  'escalated_at',
  'decision',
  'decision_detail',
  'outcome',
  'closed_at',
  'created_at',
  'updated_at',
] as const;

export async function requestById(db: Kysely<DB>, id: string): Promise<RequestRow | undefined> {
  return db.selectFrom('requests').select(REQUEST_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function requestByReference(db: Kysely<DB>, reference: string): Promise<RequestRow | undefined> {
  return db.selectFrom('requests').select(REQUEST_COLUMNS).where('reference', '=', reference).executeTakeFirst();
}

/** Status look-up: the reference and the person's date of birth must both match. */
export async function requestStatusFor(db: Kysely<DB>, reference: string, dateOfBirth: string) {
  return db
    .selectFrom('requests')
    .innerJoin('people', 'people.id', 'requests.person_id')
    .select(['requests.reference', 'requests.status', 'requests.decision'])
    .where('requests.reference', '=', reference)
    .where('people.date_of_birth', '=', dateOfBirth)
    .executeTakeFirst();
}

export async function updateRequest(db: Kysely<DB>, id: string, now: Date, changes: Partial<Omit<RequestsTable, 'id' | 'reference' | 'created_at'>>): Promise<void> {
  await db
    .updateTable('requests')
    .set({ ...changes, updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** Records a breach or warning once: a second attempt for the same request and kind inserts nothing. */
export async function recordBreachOnce(
  db: Kysely<DB>,
  row: { requestId: string; kind: 'warning' | 'breach'; targetAt: string; at: Date; teamId: string | null },
): Promise<boolean> {
  const existing = await db
    .selectFrom('request_breaches')
    .select(['id'])
    .where('request_id', '=', row.requestId)
    .where('kind', '=', row.kind)
    .executeTakeFirst();
  if (existing) return false;
  await db
    .insertInto('request_breaches')
    .values({
      id: newId(),
      request_id: row.requestId,
      kind: row.kind,
      target_at: row.targetAt,
      at: row.at.toISOString(),
      team_id: row.teamId,
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
    })
    .execute();
  return true;
}

export async function idempotentResponse(db: Kysely<DB>, key: string) {
  return db.selectFrom('api_idempotency_keys').select(['request_hash', 'status_code', 'response']).where('key', '=', key).executeTakeFirst();
}

export async function saveIdempotentResponse(db: Kysely<DB>, row: { key: string; requestHash: string; statusCode: number; response: unknown; at: Date }): Promise<void> {
  await db
    .insertInto('api_idempotency_keys')
    .values({ key: row.key, request_hash: row.requestHash, status_code: row.statusCode, response: toJson(row.response), created_at: row.at.toISOString() })
    .execute();
}

/** The team that runs the front door: the first team of kind 'front-door'. */
export async function frontDoorTeam(db: Kysely<DB>) {
  return db.selectFrom('teams').select(['id', 'name', 'opening_hours']).where('kind', '=', 'front-door').orderBy('created_at').orderBy('id').executeTakeFirst();
}

/** Email addresses of a team's leads, for escalations. */
export async function teamLeadEmails(db: Kysely<DB>, teamId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email'])
    .where('memberships.team_id', '=', teamId)
    .where('memberships.role', '=', 'team-lead')
    .where('users.disabled_at', 'is', null)
    .execute();
}

export async function userEmail(db: Kysely<DB>, userId: string) {
  return db.selectFrom('users').select(['email', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
}

export async function insertAttempt(
  db: Kysely<DB>,
  a: { requestId: string; at: Date; byUserId: string; method: RequestContactAttemptsTable['method']; result: RequestContactAttemptsTable['result']; note?: string | null },
): Promise<void> {
  await db
    .insertInto('request_contact_attempts')
    .values({ id: newId(), request_id: a.requestId, at: a.at.toISOString(), by_user_id: a.byUserId, method: a.method, result: a.result, note: a.note ?? null })
    .execute();
}

export async function insertReferral(
  db: Kysely<DB>,
  r: { requestId: string | null; personId: string; serviceId: string; referredBy: string | null; reason: string | null; at: Date },
): Promise<string> {
  const id = newId();
  const at = r.at.toISOString();
  await db
    .insertInto('referrals')
    .values({ id, request_id: r.requestId, person_id: r.personId, service_id: r.serviceId, referred_by: r.referredBy, reason: r.reason, status: 'sent', status_note: null, created_at: at, updated_at: at })
    .execute();
  return id;
}

/** Practitioners and team leads of a team, who may own its requests. */
export async function teamMembers(db: Kysely<DB>, teamId: string | null) {
  if (!teamId) return [];
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.display_name'])
    .where('memberships.team_id', '=', teamId)
    .where('memberships.role', 'in', ['practitioner', 'team-lead'])
    .where('users.disabled_at', 'is', null)
    .orderBy('users.display_name')
    .execute();
}

// ---- drafts of the "Get help" journey ----

export async function draftByHash(db: Kysely<DB>, idHash: string, now: Date) {
  return db
    .selectFrom('front_door_drafts')
    .select(['id_hash', 'answers', 'submitted_request_id'])
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
}

export async function saveDraft(db: Kysely<DB>, idHash: string, answers: unknown, now: Date, expiresAt: Date): Promise<void> {
  const json = toJson(answers);
  const updated = await db
    .updateTable('front_door_drafts')
    .set({ answers: json, updated_at: now.toISOString(), expires_at: expiresAt.toISOString() })
    .where('id_hash', '=', idHash)
    .where('submitted_request_id', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('front_door_drafts')
    .values({ id_hash: idHash, answers: json, submitted_request_id: null, created_at: now.toISOString(), updated_at: now.toISOString(), expires_at: expiresAt.toISOString() })
    .execute();
}

/** Marks a draft submitted and forgets its answers; false when it was already submitted (a double click). */
export async function claimDraft(db: Kysely<DB>, idHash: string, requestId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('front_door_drafts')
    .set({ submitted_request_id: requestId, answers: '{}', updated_at: now.toISOString() })
    .where('id_hash', '=', idHash)
    .where('submitted_request_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteExpiredDrafts(db: Kysely<DB>, now: Date): Promise<number> {
  const result = await db.deleteFrom('front_door_drafts').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ---- the queue ----

export interface QueueFilters {
  urgency?: 'crisis' | 'urgent' | 'routine';
  status?: 'received' | 'contacted' | 'arranging';
  owner?: 'me' | 'unassigned';
  breached?: boolean;
  teamIds: string[] | null;
  userId: string;
  limit: number;
  offset: number;
}

/** Open requests by time left to their contact target (the index on status and target serves it). */
export async function openRequests(db: Kysely<DB>, f: QueueFilters) {
  let q = db
    .selectFrom('requests')
    .innerJoin('people', 'people.id', 'requests.person_id')
    .leftJoin('users as owner', 'owner.id', 'requests.owner_user_id')
    .where('requests.status', 'in', f.status ? [f.status] : ['received', 'contacted', 'arranging']);
  if (f.teamIds) q = q.where((eb) => eb.or([eb('requests.team_id', 'in', f.teamIds!.length ? f.teamIds! : ['']), eb('requests.team_id', 'is', null)]));
  if (f.urgency) q = q.where('requests.urgency', '=', f.urgency);
  if (f.owner === 'me') q = q.where('requests.owner_user_id', '=', f.userId);
  if (f.owner === 'unassigned') q = q.where('requests.owner_user_id', 'is', null);
  if (f.breached) q = q.where('requests.escalated_at', 'is not', null);
  const [rows, total] = await Promise.all([
    q
      .select([
        'requests.id',
        'requests.reference',
        'requests.source',
        'requests.urgency',
        'requests.risk_level',
        'requests.status',
        'requests.need_group',
        'requests.contact_target_at',
        'requests.first_contact_at',
        'requests.escalated_at',
        'requests.failed_attempts',
        'requests.created_at',
        'people.given_name',
        'people.family_name',
        'people.date_of_birth',
        'owner.display_name as owner_name',
      ])
      .orderBy('requests.contact_target_at')
      .orderBy('requests.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function requestEvents(db: Kysely<DB>, requestId: string) {
  return db
    .selectFrom('request_events')
    .leftJoin('users', 'users.id', 'request_events.actor_user_id')
    .select(['request_events.at', 'request_events.kind', 'request_events.detail', 'users.display_name as actor_name'])
    .where('request_events.request_id', '=', requestId)
    .orderBy('request_events.at')
    .orderBy('request_events.id')
    .execute();
}

export async function requestAttempts(db: Kysely<DB>, requestId: string) {
  return db
    .selectFrom('request_contact_attempts')
    .innerJoin('users', 'users.id', 'request_contact_attempts.by_user_id')
    .select(['request_contact_attempts.at', 'request_contact_attempts.method', 'request_contact_attempts.result', 'request_contact_attempts.note', 'users.display_name as by_name'])
    .where('request_contact_attempts.request_id', '=', requestId)
    .orderBy('request_contact_attempts.at')
    .execute();
}

export async function breachesForReview(db: Kysely<DB>, teamIds: string[] | null, limit: number) {
  let q = db
    .selectFrom('request_breaches')
    .innerJoin('requests', 'requests.id', 'request_breaches.request_id')
    .leftJoin('users as reviewer', 'reviewer.id', 'request_breaches.reviewed_by')
    .select([
      'request_breaches.id',
      'request_breaches.kind',
      'request_breaches.target_at',
      'request_breaches.at',
      'request_breaches.reviewed_at',
      'request_breaches.review_note',
      'reviewer.display_name as reviewer_name',
      'requests.id as request_id',
      'requests.reference',
      'requests.urgency',
      'requests.first_contact_at',
      'requests.status',
    ])
    .where('request_breaches.kind', '=', 'breach');
  if (teamIds) q = q.where((eb) => eb.or([eb('request_breaches.team_id', 'in', teamIds.length ? teamIds : ['']), eb('request_breaches.team_id', 'is', null)]));
  return q.orderBy('request_breaches.reviewed_at', (o) => o.nullsFirst()).orderBy('request_breaches.at', 'desc').limit(limit).execute();
}

export async function reviewBreach(db: Kysely<DB>, breachId: string, userId: string, note: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('request_breaches')
    .set({ reviewed_by: userId, reviewed_at: now.toISOString(), review_note: note })
    .where('id', '=', breachId)
    .where('reviewed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function breachById(db: Kysely<DB>, id: string) {
  return db.selectFrom('request_breaches').select(['id', 'team_id', 'request_id']).where('id', '=', id).executeTakeFirst();
}
