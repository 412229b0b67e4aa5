// Who may see a person (issue 5, item 9). A practitioner or team lead sees a person only while their
// team is involved, as the modules say through their sources (sources.ts); otherwise only through a
// break-glass grant in force (break-glass.ts). Commissioners, provider admins and admins hold no
// `people:*` permission and never get this far. Not allowed and not found are the same to the caller.
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, authorize, GRANTS, type Membership } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import { type Involvement, type InvolvementQuery, involvementsOf, personSources, type UserActor } from './sources.ts';
import { activeGrant, mergeLinksOf, personById, recordsMergedInto } from './store.ts';

/** Merges never make a cycle (only a record of its own is merged, into a record of its own); this bounds a walk anyway. */
const MAX_MERGE_DEPTH = 50;

/** The record a person's record was merged into, followed to the end: the one shown. Undefined when there is no such record. */
export async function rootOf(db: Kysely<DB>, personId: string): Promise<string | undefined> {
  let id = personId;
  for (let i = 0; i < MAX_MERGE_DEPTH; i++) {
    const row = await personById(db, id);
    if (!row) return undefined;
    if (!row.merged_into_id) return row.id;
    id = row.merged_into_id;
  }
  throw new Error('The merge chain of a person record is too long.');
}

/** A record and every record merged into it, at any depth (the root first). */
export async function recordIdsOf(db: Kysely<DB>, rootId: string): Promise<string[]> {
  const ids = [rootId];
  let level = [rootId];
  for (let i = 0; i < MAX_MERGE_DEPTH && level.length > 0; i++) {
    level = await recordsMergedInto(db, level);
    ids.push(...level);
  }
  return ids;
}

/**
 * The record shown for a person and every record merged into it: `rootOf` and `recordIdsOf` in one
 * query for the usual record, which is neither merged into another nor has any merged into it (every
 * check of access starts here). Undefined when there is no such record.
 */
export async function recordOf(db: Kysely<DB>, personId: string): Promise<{ rootId: string; recordIds: string[] } | undefined> {
  const links = await mergeLinksOf(db, personId);
  const own = links.find((r) => r.id === personId);
  if (!own) return undefined;
  if (own.merged_into_id) {
    const rootId = await rootOf(db, own.merged_into_id);
    return rootId ? { rootId, recordIds: await recordIdsOf(db, rootId) } : undefined;
  }
  const children = links.filter((r) => r.merged_into_id === personId).map((r) => r.id);
  if (children.length === 0) return { rootId: personId, recordIds: [personId] };
  const recordIds = [personId, ...children];
  let level = children;
  for (let i = 1; i < MAX_MERGE_DEPTH && level.length > 0; i++) {
    level = await recordsMergedInto(db, level);
    recordIds.push(...level);
  }
  return { rootId: personId, recordIds };
}

/** The permissions the people module names; every one is granted in GRANTS only. */
export const READ = 'people:read';
export const WRITE = 'people:write';

export interface PersonAccess {
  /** The record shown: the given one, or the one it was merged into. */
  rootId: string;
  /** The root and every record merged into it. */
  recordIds: string[];
  via: 'involvement' | 'break-glass';
  /** The involvements that let the actor in: those of the first module that has any (`involvement` lists them all). */
  involvements: Involvement[];
  /** The break-glass grant in force, when that is the way in. */
  grant: { id: string; expiresAt: string } | null;
  user: UserActor;
  /** The role and team the actor acts in here, for the audit trail. */
  role: string;
  teamId: string | null;
  /** For the audit trail's purpose. */
  purpose: string;
}

export const PURPOSE_CARE = 'direct care';
/** The person's own portal: the permission of its pages (the `person` role holds it), and the purpose of their own looks. */
export const ME_READ = 'me:record:read';
export const PURPOSE_OWN = 'the person seeing their own record';
export const PURPOSE_BREAK_GLASS = 'emergency access (break glass)';

/** The actor's memberships that grant the permission, those with a team first. */
export function grantingMemberships(actor: UserActor, permission: string): Membership[] {
  return actor.memberships.filter((m) => GRANTS[m.role]?.includes(permission)).sort((a, b) => Number(b.teamId !== null) - Number(a.teamId !== null));
}

/**
 * The actor's teams' involvements with the person (the record and those merged into it), from every
 * module that registered a source. Empty for anyone without `people:read`, and for a record that
 * does not exist.
 */
export async function involvement(platform: Platform, personId: string, actor: Actor, db: Kysely<DB> = platform.db.read): Promise<Involvement[]> {
  if (actor.kind !== 'user' || !authorize(actor, READ)) return [];
  const record = await recordOf(db, personId);
  if (!record) return [];
  return involvementsOf(platform, db, involvementQuery(actor, record.recordIds));
}

function involvementQuery(actor: UserActor, personIds: string[], permission: string = READ, firstOnly = false): InvolvementQuery {
  const teams = grantingMemberships(actor, permission).flatMap((m) => (m.teamId ? [{ teamId: m.teamId, organisationId: m.organisationId }] : []));
  return { personIds, teams, actor, firstOnly };
}

/**
 * Whether the actor may see (READ) or change (WRITE) the person, and how: through an involvement of
 * one of their teams, or a break-glass grant in force. Null when not, or when there is no such person.
 */
export async function accessTo(platform: Platform, db: Kysely<DB>, actor: Actor, personId: string, permission: string = READ): Promise<PersonAccess | null> {
  if (actor.kind !== 'user' || !authorize(actor, permission)) return null;
  const record = await recordOf(db, personId);
  if (!record) return null;
  const { rootId, recordIds } = record;
  const granting = grantingMemberships(actor, permission);
  // Only an involvement of a team in which the actor holds the permission counts (or one that is everyone's).
  const teamIds = new Set(granting.map((m) => m.teamId));
  const involvements = await firstInvolvement(platform, db, involvementQuery(actor, recordIds, permission, true), (i) => i.teamId === null || teamIds.has(i.teamId));
  if (involvements.length > 0) {
    const through = involvements.find((i) => i.teamId !== null);
    const membership = granting.find((m) => through && m.teamId === through.teamId) ?? granting[0]!;
    return { rootId, recordIds, via: 'involvement', involvements, grant: null, user: actor, role: membership.role, teamId: membership.teamId, purpose: PURPOSE_CARE };
  }
  const grant = await activeGrant(db, recordIds, actor.userId, platform.clock.now());
  if (grant) {
    return { rootId, recordIds, via: 'break-glass', involvements: [], grant: { id: grant.id, expiresAt: grant.expires_at }, user: actor, role: grant.role, teamId: grant.team_id, purpose: PURPOSE_BREAK_GLASS };
  }
  return null;
}

/**
 * The involvements that let the actor in, from the first source that has any: one check of access
 * asks the sources in turn and stops there, instead of asking every module every time (the record
 * page lists them all, through `involvement`). A team with a person in several modules' care is let
 * in by whichever source comes first; the audit event names that team's membership either way.
 */
async function firstInvolvement(platform: Platform, db: Kysely<DB>, query: InvolvementQuery, counts: (i: Involvement) => boolean): Promise<Involvement[]> {
  for (const source of personSources(platform)) {
    const found = (await source.involvement?.(db, query))?.filter(counts) ?? [];
    if (found.length > 0) return found;
  }
  return [];
}

/** One audit event for each record shown or changed, with the person's id, so each person's access log has it. */
export async function auditPeople(
  tx: Kysely<DB>,
  now: Date,
  who: { user: UserActor; role: string; teamId: string | null; purpose: string },
  action: string,
  personIds: readonly string[],
  entity: { type: string; id: string | null } | null,
  address?: string | null,
  outcome: 'success' | 'denied' = 'success',
): Promise<void> {
  for (const personId of personIds) {
    await recordAudit(tx, {
      at: now,
      actorUserId: who.user.userId,
      actorRole: who.role,
      actorTeamId: who.teamId,
      action,
      entityType: entity?.type ?? 'person',
      entityId: entity ? entity.id : personId,
      personId,
      purpose: who.purpose,
      outcome,
      address: address ?? null,
    });
  }
}

/** A refused look at an existing record: audited as denied (the caller still sees only "not found"). */
export async function auditDenied(platform: Platform, actor: Actor, personId: string, action: string, address?: string | null): Promise<void> {
  if (actor.kind !== 'user') return;
  const rootId = await rootOf(platform.db.read, personId);
  if (!rootId) return;
  const membership = grantingMemberships(actor, READ)[0] ?? actor.memberships[0];
  await platform.db.write((tx) =>
    auditPeople(tx, platform.clock.now(), { user: actor, role: membership?.role ?? 'unknown', teamId: membership?.teamId ?? null, purpose: PURPOSE_CARE }, action, [rootId], null, address, 'denied'),
  );
}
