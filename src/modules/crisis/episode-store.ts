// Rows of crisis episodes: the episode, its responders and its action log. No access rules here:
// episodes.ts checks who may do what before it calls these.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { accountsWithRole } from '../../platform/auth/store.ts';
import { newId, toJson } from '../../platform/db/ids.ts';
import type { CrisisEpisodesTable, DB } from '../../platform/db/tables.ts';
import { ConflictError } from '../../platform/http/problems.ts';
import { publishLiveEvent } from '../../platform/realtime/publish.ts';

export type EpisodeRow = Omit<CrisisEpisodesTable, 'updated_at' | 'version'> & { updated_at: string; version: number };

// ---- references ----
// Episode references are read out on the phone, like the front door's, but are the crisis module's
// own (a module never imports another's internals): "CR-" and eight characters of the same
// 23-character alphabet (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V), seven random and one check character
// computed the ISO 7064 pure-system way (radix 2 modulo the prime 23), so one wrong character or two
// swapped ones are always caught.
export const REFERENCE_ALPHABET = 'ACDEFGHJKMNPQRTWXY34679';
const MODULUS = REFERENCE_ALPHABET.length;
const VALUES = new Map([...REFERENCE_ALPHABET].map((c, i) => [c, i]));

export function referenceCheckCharacter(body: string): string {
  let p = 0;
  for (const ch of body) {
    const v = VALUES.get(ch);
    if (v === undefined) throw new Error(`not a reference character: ${ch}`);
    p = ((p + v) * 2) % MODULUS;
  }
  return REFERENCE_ALPHABET[(MODULUS + 1 - p) % MODULUS]!;
}

export function newEpisodeReference(random: (size: number) => Uint8Array = crypto.randomBytes): string {
  const limit = Math.floor(256 / MODULUS) * MODULUS;
  let body = '';
  while (body.length < 7) {
    for (const byte of random(16)) if (byte < limit && body.length < 7) body += REFERENCE_ALPHABET[byte % MODULUS];
  }
  const code = body + referenceCheckCharacter(body);
  return `CR-${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The canonical "CR-XXXX-XXXX" of a reference as typed or read out, or null when its check character is wrong. */
export function normaliseEpisodeReference(text: string): string | null {
  let s = text.normalize('NFKC').toUpperCase().replace(/[\s\-‐‑‒–—.]/g, '');
  if (s.length === 10 && s.startsWith('CR')) s = s.slice(2);
  if (s.length !== 8 || [...s].some((c) => !VALUES.has(c))) return null;
  let p = 0;
  for (const ch of s) p = ((p + VALUES.get(ch)!) * 2) % MODULUS;
  return p === 2 ? `CR-${s.slice(0, 4)}-${s.slice(4)}` : null;
}

// ---- episodes ----

export async function insertEpisode(tx: Kysely<DB>, row: Omit<EpisodeRow, 'updated_at' | 'version'>, at: Date): Promise<void> {
  await tx
    .insertInto('crisis_episodes')
    .values({ ...row, updated_at: at.toISOString(), version: 1 })
    .execute();
}

export async function episodeById(db: Kysely<DB>, id: string): Promise<EpisodeRow | undefined> {
  return (await db.selectFrom('crisis_episodes').selectAll().where('id', '=', id).executeTakeFirst()) as EpisodeRow | undefined;
}

export async function episodeByReference(db: Kysely<DB>, reference: string): Promise<EpisodeRow | undefined> {
  return (await db.selectFrom('crisis_episodes').selectAll().where('reference', '=', reference).executeTakeFirst()) as EpisodeRow | undefined;
}

/**
 * Changes an episode and counts the change. With `expectedVersion`, a change to an episode someone
 * else changed since the form was opened is refused (ConflictError).
 */
export async function updateEpisode(
  tx: Kysely<DB>,
  e: Pick<EpisodeRow, 'id' | 'version'>,
  at: Date,
  patch: Partial<Omit<EpisodeRow, 'id' | 'version' | 'updated_at'>>,
  expectedVersion?: number,
): Promise<number> {
  const version = (expectedVersion ?? e.version) + 1;
  const result = await tx
    .updateTable('crisis_episodes')
    .set({ ...patch, updated_at: at.toISOString(), version })
    .where('id', '=', e.id)
    .where('version', '=', expectedVersion ?? e.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new ConflictError('This episode changed since you opened it. Check what changed and try again.');
  return version;
}

// ---- the action log ----

/**
 * Adds an entry to an episode's action log. Every change to an episode writes one, so this is also
 * where the board hears of it: a live event on the board channel, in the same unit of work.
 */
export async function addAction(
  tx: Kysely<DB>,
  e: { id: string; team_id: string },
  at: Date,
  byUserId: string | null,
  kind: string,
  text: string | null = null,
  detail: unknown = null,
): Promise<void> {
  await tx
    .insertInto('crisis_episode_actions')
    .values({ id: newId(), episode_id: e.id, at: at.toISOString(), by_user_id: byUserId, kind, text, detail: detail === null ? null : toJson(detail) })
    .execute();
  await publishBoardChange(tx, { teamId: e.team_id, episodeId: e.id, change: kind }, at);
}

/** The live board's channel: every change to an open episode or a follow-up due. */
export const BOARD_CHANNEL = 'crisis:board';

/** Tells boards (in every server process) that something on them changed; by reference only, nothing personal. */
export async function publishBoardChange(tx: Kysely<DB>, change: { teamId: string; episodeId?: string; followUpId?: string; change: string }, at: Date): Promise<void> {
  await publishLiveEvent(tx, BOARD_CHANNEL, change, at);
}

export async function episodeActions(db: Kysely<DB>, episodeId: string) {
  return db
    .selectFrom('crisis_episode_actions')
    .leftJoin('users', 'users.id', 'crisis_episode_actions.by_user_id')
    .select(['crisis_episode_actions.id', 'crisis_episode_actions.at', 'crisis_episode_actions.kind', 'crisis_episode_actions.text', 'crisis_episode_actions.detail', 'users.display_name as by_name'])
    .where('crisis_episode_actions.episode_id', '=', episodeId)
    .orderBy('crisis_episode_actions.at', 'desc')
    .orderBy('crisis_episode_actions.id', 'desc')
    .execute();
}

// ---- responders ----

export async function activeResponders(db: Kysely<DB>, episodeIds: readonly string[]) {
  if (episodeIds.length === 0) return [];
  return db
    .selectFrom('crisis_episode_responders')
    .innerJoin('users', 'users.id', 'crisis_episode_responders.user_id')
    .select(['crisis_episode_responders.id', 'crisis_episode_responders.episode_id', 'crisis_episode_responders.user_id', 'crisis_episode_responders.assigned_at', 'users.display_name', 'users.email', 'users.disabled_at'])
    .where('crisis_episode_responders.episode_id', 'in', episodeIds)
    .where('crisis_episode_responders.removed_at', 'is', null)
    .orderBy('crisis_episode_responders.assigned_at')
    .execute();
}

export async function addResponder(tx: Kysely<DB>, episodeId: string, userId: string, by: string | null, at: Date): Promise<void> {
  await tx
    .insertInto('crisis_episode_responders')
    .values({ id: newId(), episode_id: episodeId, user_id: userId, assigned_by: by, assigned_at: at.toISOString(), removed_by: null, removed_at: null })
    .execute();
}

export async function removeResponder(tx: Kysely<DB>, episodeId: string, userId: string, by: string, at: Date): Promise<boolean> {
  const result = await tx
    .updateTable('crisis_episode_responders')
    .set({ removed_by: by, removed_at: at.toISOString() })
    .where('episode_id', '=', episodeId)
    .where('user_id', '=', userId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function isActiveResponder(db: Kysely<DB>, episodeId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('crisis_episode_responders')
    .select('id')
    .where('episode_id', '=', episodeId)
    .where('user_id', '=', userId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

// ---- teams and people around an episode ----

/** The members of a team who may respond (practitioners and team leads, not disabled), by name. */
export async function teamResponders(db: Kysely<DB>, teamId: string) {
  // Names only: these lists are shown on pages.
  return (await accountsWithRole(db, { teamId }, ['practitioner', 'team-lead'])).map(({ id, display_name }) => ({ id, display_name }));
}

export async function teamLeadEmails(db: Kysely<DB>, teamId: string): Promise<string[]> {
  return (await accountsWithRole(db, { teamId }, ['team-lead'])).map((r) => r.email);
}

/** Crisis teams (kind 'crisis'), those of the given organisation first, then by name. */
export async function crisisTeams(db: Kysely<DB>, preferOrganisationId?: string | null) {
  const rows = await db.selectFrom('teams').select(['id', 'name', 'organisation_id']).where('kind', '=', 'crisis').orderBy('name').orderBy('id').execute();
  return preferOrganisationId ? [...rows.filter((r) => r.organisation_id === preferOrganisationId), ...rows.filter((r) => r.organisation_id !== preferOrganisationId)] : rows;
}

/**
 * Teams are never changed or removed once made (no statement updates or deletes a team), so what a
 * team is can be remembered for good: only a team not seen before is read. Per database, for tests.
 */
const knownTeams = new WeakMap<object, Map<string, { id: string; name: string; kind: string; organisation_id: string }>>();

/** The crisis teams among these team ids, by name: read only for ids not seen before (`knownTeams`). */
export async function crisisTeamsAmong(db: Kysely<DB>, teamIds: readonly string[]): Promise<{ id: string; name: string; organisation_id: string }[]> {
  let known = knownTeams.get(db);
  if (!known) {
    known = new Map();
    knownTeams.set(db, known);
  }
  const unseen = teamIds.filter((id) => !known.has(id));
  if (unseen.length) {
    const rows = await db.selectFrom('teams').select(['id', 'name', 'kind', 'organisation_id']).where('id', 'in', unseen).execute();
    // Inside a transaction a team may be new and yet to commit: used, not remembered.
    if (!db.isTransaction) for (const r of rows) known.set(r.id, r);
    const found = new Map(rows.map((r) => [r.id, r]));
    return pickCrisis(teamIds.map((id) => known.get(id) ?? found.get(id)));
  }
  return pickCrisis(teamIds.map((id) => known.get(id)));
}

function pickCrisis(teams: ({ id: string; name: string; kind: string; organisation_id: string } | undefined)[]) {
  return teams
    .filter((t) => t !== undefined && t.kind === 'crisis')
    .map((t) => ({ id: t!.id, name: t!.name, organisation_id: t!.organisation_id }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function teamById(db: Kysely<DB>, teamId: string) {
  return db.selectFrom('teams').select(['id', 'name', 'kind', 'organisation_id']).where('id', '=', teamId).executeTakeFirst();
}

// ---- the person source ----

/** Open episodes of these people that belong to these teams or that the user is an active responder on. */
export async function openEpisodesInvolving(db: Kysely<DB>, personIds: readonly string[], teamIds: readonly string[], userId: string) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('crisis_episodes')
    .select(['id', 'reference', 'team_id'])
    .where('person_id', 'in', personIds)
    .where('status', '=', 'open')
    .where((w) =>
      w.or([
        w('team_id', 'in', teamIds.length ? teamIds : ['']),
        w('id', 'in', w.selectFrom('crisis_episode_responders').select('episode_id').where('user_id', '=', userId).where('removed_at', 'is', null)),
      ]),
    )
    .execute();
}

/** The open episodes of these records, with their teams (an entry the person writes goes on their action logs). */
export async function openEpisodesOfPeople(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db.selectFrom('crisis_episodes').select(['id', 'team_id']).where('person_id', 'in', personIds).where('status', '=', 'open').execute();
}

/** Every episode of these people, open or closed, for their timeline. */
export async function episodesOfPeople(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('crisis_episodes')
    .select(['id', 'reference', 'person_id', 'priority', 'source', 'opened_at', 'closed_at', 'outcome', 'outcome_note'])
    .where('person_id', 'in', personIds)
    .execute();
}
