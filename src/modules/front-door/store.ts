// Every query of the front door, each taking the database or a transaction first.
import type { ExpressionBuilder, Kysely, SelectQueryBuilder } from 'kysely';
import { accountsWithRole } from '../../platform/auth/store.ts';
import { newId, toJson } from '../../platform/db/ids.ts';
import type { DB, ReferralsTable, RequestContactAttemptsTable, RequestsTable } from '../../platform/db/tables.ts';
import { insertLater } from '../../platform/db/staging.ts';

// What the front door reads back about a request (the form token's hash is only ever matched, in SQL).
export type RequestRow = Omit<RequestsTable, 'form_token_hash'>;

/** Writes a new request at once: rows of the same unit point at it (a draft, a referral form's token). */
export async function insertRequest(db: Kysely<DB>, row: RequestsTable): Promise<void> {
  await db.insertInto('requests').values(row).execute();
}

export async function addEvent(db: Kysely<DB>, requestId: string, at: Date, actorUserId: string | null, kind: string, detail?: unknown): Promise<void> {
  // Timeline entries are only added, never read back in the same unit: written with the batch.
  await insertLater(db, 'request_events', { id: newId(), request_id: requestId, at: at.toISOString(), actor_user_id: actorUserId, kind, detail: detail === undefined ? null : toJson(detail) });
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
  'words_unscreened',
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
  // With the batch: a key taken by a request in the same batch fails the batch, and the units are
  // run again one by one, so the second finds the first's answer (api.ts).
  await insertLater(db, 'api_idempotency_keys', { key: row.key, request_hash: row.requestHash, status_code: row.statusCode, response: toJson(row.response), created_at: row.at.toISOString() });
}

/** The team that runs the front door: the first team of kind 'front-door'. */
export async function frontDoorTeam(db: Kysely<DB>) {
  return db.selectFrom('teams').select(['id', 'name', 'opening_hours']).where('kind', '=', 'front-door').orderBy('created_at').orderBy('id').executeTakeFirst();
}

/** Email addresses of a team's leads, for escalations. */
export async function teamLeadEmails(db: Kysely<DB>, teamId: string) {
  return accountsWithRole(db, { teamId }, ['team-lead']);
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
  // Names only: these lists are shown on pages.
  return (await accountsWithRole(db, { teamId }, ['practitioner', 'team-lead'])).map(({ id, display_name }) => ({ id, display_name }));
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
  source?: RequestsTable['source'];
  /** A need group, or 'none' for requests not yet given one. */
  needGroup?: NonNullable<RequestsTable['need_group']> | 'none';
  breached?: boolean;
}

/** Whose queue: the actor's teams (and requests no team runs), or every team's when null. */
export interface QueueScope {
  teamIds: string[] | null;
  userId: string;
  /** For "missed target": a request still waiting for contact is late once its target has passed. */
  now: Date;
}

type QueueBuilder = SelectQueryBuilder<DB, 'requests', object>;
type QueueExpressions = ExpressionBuilder<DB, 'requests'>;

// Every query of the queue reads requests_queue_idx (migration 2026-11-29T0900): open requests only,
// in queue order, with the filter columns and the listed columns in the index itself. The condition
// below is the index's own, so both engines know they may use it.
function openIn(db: Kysely<DB>, scope: QueueScope): QueueBuilder {
  let q = db.selectFrom('requests').where('requests.status', '<>', 'closed');
  if (scope.teamIds) {
    const ids = scope.teamIds.length ? scope.teamIds : [''];
    q = q.where((eb) => eb.or([eb('requests.team_id', 'in', ids), eb('requests.team_id', 'is', null)]));
  }
  return q;
}

/** Missed its contact target: still waiting past it, contacted after it, or escalated (as time-left.ts says). */
function missedTarget(eb: QueueExpressions, now: Date) {
  return eb.or([
    eb.and([eb('requests.first_contact_at', 'is', null), eb('requests.contact_target_at', '<=', now.toISOString())]),
    eb('requests.first_contact_at', '>', eb.ref('requests.contact_target_at')),
    eb('requests.escalated_at', 'is not', null),
  ]);
}

/** The filters as one condition, or null when none is set. */
function matching(eb: QueueExpressions, f: QueueFilters, scope: QueueScope) {
  const terms = [];
  if (f.urgency) terms.push(eb('requests.urgency', '=', f.urgency));
  if (f.status) terms.push(eb('requests.status', '=', f.status));
  if (f.owner === 'me') terms.push(eb('requests.owner_user_id', '=', scope.userId));
  if (f.owner === 'unassigned') terms.push(eb('requests.owner_user_id', 'is', null));
  if (f.source) terms.push(eb('requests.source', '=', f.source));
  if (f.needGroup === 'none') terms.push(eb('requests.need_group', 'is', null));
  else if (f.needGroup) terms.push(eb('requests.need_group', '=', f.needGroup));
  if (f.breached) terms.push(missedTarget(eb, scope.now));
  return terms.length ? eb.and(terms) : null;
}

export function hasQueueFilters(f: QueueFilters): boolean {
  return Boolean(f.urgency || f.status || f.owner || f.source || f.needGroup || f.breached);
}

/** The query of one page of the queue (exported for the test of its plan). */
export function queuePageQuery(db: Kysely<DB>, scope: QueueScope, f: QueueFilters, page: { limit: number; offset: number }) {
  let q = openIn(db, scope);
  if (hasQueueFilters(f)) q = q.where((eb) => matching(eb, f, scope)!);
  return q
    .select([
      'requests.id',
      'requests.reference',
      'requests.person_id',
      'requests.owner_user_id',
      'requests.source',
      'requests.urgency',
      'requests.risk_level',
      'requests.words_unscreened',
      'requests.status',
      'requests.need_group',
      'requests.contact_target_at',
      'requests.first_contact_at',
      'requests.escalated_at',
      'requests.failed_attempts',
      'requests.created_at',
    ])
    // The same expression as the index's first column, so the index serves the order.
    .orderBy((eb) => eb.parens(eb('requests.first_contact_at', 'is not', null)))
    .orderBy('requests.contact_target_at')
    .orderBy('requests.id')
    .limit(page.limit)
    .offset(page.offset);
}

/**
 * One page of open requests in queue order: those still waiting for a first contact first, by
 * time left to their contact target (so missed and nearly missed targets lead), then those
 * contacted, then by id. The page is a walk of requests_queue_idx that stops after it, reading
 * nothing but the index (never the story or other long columns); then one batched look-up each for
 * the people's names and the owners' (no query per row, and no join that a planner could run for
 * every open request before the limit).
 */
export async function openRequestsPage(db: Kysely<DB>, scope: QueueScope, f: QueueFilters, page: { limit: number; offset: number }) {
  const rows = await queuePageQuery(db, scope, f, page).execute();
  if (rows.length === 0) return [];
  const personIds = [...new Set(rows.map((r) => r.person_id))];
  const ownerIds = [...new Set(rows.map((r) => r.owner_user_id).filter((id): id is string => id !== null))];
  const [people, owners] = await Promise.all([
    db.selectFrom('people').select(['id', 'given_name', 'family_name']).where('id', 'in', personIds).execute(),
    ownerIds.length ? db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ownerIds).execute() : [],
  ]);
  const person = new Map(people.map((p) => [p.id, p]));
  const owner = new Map(owners.map((u) => [u.id, u.display_name]));
  return rows.map((r) => {
    const p = person.get(r.person_id);
    return { ...r, given_name: p?.given_name ?? '', family_name: p?.family_name ?? '', owner_name: r.owner_user_id ? (owner.get(r.owner_user_id) ?? null) : null };
  });
}

export interface QueueCounts {
  open: number;
  crisis: number;
  urgent: number;
  routine: number;
  missedTarget: number;
  /** Open requests that match the filters (all open ones when there are none). */
  matching: number;
}

/** The query of the queue's counts (exported for the test of its plan). */
export function queueCountsQuery(db: Kysely<DB>, scope: QueueScope, f: QueueFilters) {
  return (
    openIn(db, scope)
      .select((eb) => [
        eb.fn.countAll<number | string>().as('open'),
        eb.fn.countAll<number | string>().filterWhere('requests.urgency', '=', 'crisis').as('crisis'),
        eb.fn.countAll<number | string>().filterWhere('requests.urgency', '=', 'urgent').as('urgent'),
        eb.fn.countAll<number | string>().filterWhere(missedTarget(eb, scope.now)).as('missed'),
      ])
      // Without filters every open request matches: no fifth count.
      .$if(hasQueueFilters(f), (q) => q.select((eb) => eb.fn.countAll<number | string>().filterWhere(matching(eb, f, scope)!).as('matching')))
  );
}

/** The counts at the top of the queue and the number of matching requests, in one pass over the index. */
export async function queueCounts(db: Kysely<DB>, scope: QueueScope, f: QueueFilters): Promise<QueueCounts> {
  const row = await queueCountsQuery(db, scope, f).executeTakeFirstOrThrow();
  // PostgreSQL answers count(*) as a bigint, which pg reads as a string.
  const open = Number(row.open);
  const crisis = Number(row.crisis);
  const urgent = Number(row.urgent);
  // Urgency is one of the three (a check constraint), so the rest are routine.
  return { open, crisis, urgent, routine: open - crisis - urgent, missedTarget: Number(row.missed), matching: row.matching === undefined ? open : Number(row.matching) };
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

// ---- referrals by signed-in professionals and champions ----

export async function organisationName(db: Kysely<DB>, organisationId: string): Promise<string | undefined> {
  const row = await db.selectFrom('organisations').select(['name']).where('id', '=', organisationId).executeTakeFirst();
  return row?.name;
}

/** The requests a user referred, newest first: what the referrer may see, and nothing of the person. */
export async function referralsBy(db: Kysely<DB>, userId: string, limit: number) {
  return db
    .selectFrom('requests')
    .select(['id', 'reference', 'status', 'created_at', 'contact_target_at'])
    .where('referrer_user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** One request this user referred, or nothing (another's referral looks the same as none). */
export async function referralBy(db: Kysely<DB>, userId: string, requestId: string) {
  return db
    .selectFrom('requests')
    .select(['id', 'reference', 'person_id', 'source', 'status', 'urgency', 'risk_level', 'created_at', 'contact_target_at'])
    .where('id', '=', requestId)
    .where('referrer_user_id', '=', userId)
    .executeTakeFirst();
}

/** The request a referral form's one-time token made, if any. */
export async function requestIdByFormToken(db: Kysely<DB>, formTokenHash: string): Promise<string | undefined> {
  const row = await db.selectFrom('requests').select(['id']).where('form_token_hash', '=', formTokenHash).executeTakeFirst();
  return row?.id;
}

// ---- referrals received by partner services ----

export type ReferralStatus = ReferralsTable['status'];

/** Referrals to these services in these statuses, with the person's name and the request's reference: the partner's inbox. */
export async function referralsToServices(db: Kysely<DB>, serviceIds: readonly string[], statuses: readonly ReferralStatus[], order: 'oldest' | 'newest', limit: number) {
  if (serviceIds.length === 0) return [];
  return db
    .selectFrom('referrals as f')
    .innerJoin('people as p', 'p.id', 'f.person_id')
    .leftJoin('requests as r', 'r.id', 'f.request_id')
    .select(['f.id', 'f.service_id', 'f.person_id', 'f.status', 'f.created_at', 'f.updated_at', 'p.given_name', 'p.family_name', 'p.date_of_birth', 'r.reference'])
    .where('f.service_id', 'in', serviceIds)
    .where('f.status', 'in', statuses)
    .orderBy('f.created_at', order === 'oldest' ? 'asc' : 'desc')
    .orderBy('f.id')
    .limit(limit)
    .execute();
}

/** Counts of referrals to these services by status. */
export async function referralCountsToServices(db: Kysely<DB>, serviceIds: readonly string[]): Promise<Record<ReferralStatus, number>> {
  const counts: Record<ReferralStatus, number> = { sent: 0, accepted: 0, declined: 0, completed: 0, withdrawn: 0 };
  if (serviceIds.length === 0) return counts;
  const rows = await db.selectFrom('referrals').select(['status', (eb) => eb.fn.countAll<string | number>().as('n')]).where('service_id', 'in', serviceIds).groupBy('status').execute();
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** One referral with what the receiving service needs: the reason, who referred from which team, the request it came from. */
export async function referralWithRequest(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('referrals as f')
    .leftJoin('requests as r', 'r.id', 'f.request_id')
    .leftJoin('users as u', 'u.id', 'f.referred_by')
    .leftJoin('teams as t', 't.id', 'r.team_id')
    .select([
      'f.id',
      'f.request_id',
      'f.person_id',
      'f.service_id',
      'f.referred_by',
      'f.reason',
      'f.status',
      'f.status_note',
      'f.created_at',
      'f.updated_at',
      'r.reference',
      'r.team_id as request_team_id',
      'r.status as request_status',
      'r.first_contact_at',
      'r.story',
      'r.what_would_help',
      'r.risk_level',
      'r.consent_to_share',
      'u.display_name as referred_by_name',
      't.name as referring_team_name',
    ])
    .where('f.id', '=', id)
    .executeTakeFirst();
}

/** Moves a referral on from one of `from`; false when it had already moved (another person acted first). */
export async function moveReferral(tx: Kysely<DB>, id: string, from: readonly ReferralStatus[], set: { status: ReferralStatus; status_note: string | null; updated_at: string }): Promise<boolean> {
  const result = await tx.updateTable('referrals').set(set).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The latest referral made from a request, if any. */
export async function referralOfRequest(db: Kysely<DB>, requestId: string) {
  return db.selectFrom('referrals').select(['id', 'service_id', 'status', 'status_note', 'created_at', 'updated_at']).where('request_id', '=', requestId).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
}
