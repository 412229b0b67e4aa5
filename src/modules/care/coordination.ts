// Care coordination (issue 5, item 4): a team coordinates a person's care. It is opened directly from
// the person record (a practitioner of the team, with `care:write` there) or from a front door
// decision (the hub decides "care coordination by this team": `openCoordinationFromDecision`, in the
// front door's own unit of work). It names a key worker from the team and a care team, and is closed
// with a reason. While it is open the team is involved with the person (the 'care' person source),
// so the team's practitioners may see the person (people module, item 9).
//
// `coordinationAccess` is the one check every care page about a coordination goes through (the plan,
// reviews, meetings, notes): see the README, "Care coordination and the shared plan".
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, authorize, GRANTS } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { accessTo, auditDenied, auditPeople, type Involvement, type InvolvementQuery, PEOPLE_WRITE, type PersonAccess, type TimelineEntry } from '../people/index.ts';
import { paths } from './paths.ts';
import {
  type CareTeamMember,
  type CoordinationRow,
  careTeamOf,
  coordinationById,
  coordinationsOf,
  insertCoordination,
  insertPlan,
  insertTeamMember,
  isCurrentMember,
  openCoordinationOf,
  openCoordinationsByTeams,
  personNameById,
  removeTeamMember,
  teamById,
  teamStaff,
  updateCoordination,
  userNames,
} from './plan-store.ts';
import { createTask, finishTask, openTasksFor } from './tasks.ts';

export const CARE_READ = 'care:read';
export const CARE_WRITE = 'care:write';
export type CarePermission = typeof CARE_READ | typeof CARE_WRITE;

/** The role a key worker has in the care team. */
export const KEY_WORKER_ROLE = 'key worker';
/** The task a team gets when a front door decision opens a coordination without a key worker. */
export const ALLOCATION_TASK_KIND = 'coordination-allocation';

export type UserActor = Extract<Actor, { kind: 'user' }>;
export type { CoordinationRow };

export interface CoordinationAccess {
  coordination: CoordinationRow;
  /** How the actor may see the person (their team's involvement, or break glass), with the role, team and purpose to audit. */
  access: PersonAccess;
}

function teamsWhereActorHolds(actor: UserActor, permission: string): Set<string> {
  return new Set(actor.memberships.filter((m) => m.teamId && GRANTS[m.role]?.includes(permission)).map((m) => m.teamId as string));
}

/**
 * Loads a coordination and checks the actor may see it (`care:read`) or change it (`care:write`);
 * throws NotFoundError when there is no such coordination or the actor may not (the same 404).
 *
 * - Seeing: the actor holds `care:read` and may see the person through the people module's check
 *   (one of their teams is involved with the person, or a break-glass grant is in force).
 * - Changing: the actor holds `care:write` and may change the person (people module, `people:write`),
 *   and either holds `care:write` in the coordinating team, is in its current care team, or is in
 *   through break glass. A practitioner of another involved team may read the plan but not change it.
 *
 * Commissioners, provider admins and admins hold no `care:*` permission: always 404. The audit role
 * and team are the coordinating team's when the actor is in it. The caller audits what it shows or
 * changes with `auditPeople(tx, now, result.access, action, [coordination.person_id], entity, address)`.
 */
export async function coordinationAccess(platform: Platform, db: Kysely<DB>, actor: Actor, coordinationId: string, permission: CarePermission = CARE_READ): Promise<CoordinationAccess> {
  if (actor.kind !== 'user' || !authorize(actor, permission)) throw new NotFoundError();
  const coordination = await coordinationById(db, coordinationId);
  if (!coordination) throw new NotFoundError();
  const access = await accessTo(platform, db, actor, coordination.person_id, permission === CARE_WRITE ? PEOPLE_WRITE : permission);
  if (!access) throw new NotFoundError();
  const inTeam = teamsWhereActorHolds(actor, permission).has(coordination.team_id);
  if (permission === CARE_WRITE && access.via !== 'break-glass' && !inTeam && !(await isCurrentMember(db, coordination.id, actor.userId))) throw new NotFoundError();
  if (inTeam && access.via === 'involvement') {
    const membership = actor.memberships.find((m) => m.teamId === coordination.team_id && GRANTS[m.role]?.includes(permission))!;
    return { coordination, access: { ...access, role: membership.role, teamId: coordination.team_id } };
  }
  return { coordination, access };
}

/**
 * Audits a refused look at a coordination as denied for the person it is about (the caller still
 * answers 404). Its own unit of work: call it outside one, after `coordinationAccess` threw.
 */
export async function auditCoordinationDenied(platform: Platform, actor: Actor, coordinationId: string, action: string, address?: string | null): Promise<void> {
  const coordination = await coordinationById(platform.db.read, coordinationId);
  if (coordination) await auditDenied(platform, actor, coordination.person_id, action, address);
}

/** Audits a view or change of a coordination (or something in it) for the person it is about. */
export async function auditCoordination(tx: Kysely<DB>, now: Date, found: CoordinationAccess, action: string, entity?: { type: string; id: string }, address?: string | null): Promise<void> {
  await auditPeople(tx, now, found.access, action, [found.coordination.person_id], entity ?? { type: 'care-coordination', id: found.coordination.id }, address);
}

// ---- opening ----

export interface OpenInput {
  teamId: string;
  keyWorkerId: string;
  /** Other members of the care team (the key worker is added as one). */
  memberIds: readonly string[];
}

/** The teams in which the actor may open a coordination (they hold `care:write` there), with their staff to choose from. */
export async function teamsToOpenIn(db: Kysely<DB>, actor: Actor) {
  if (actor.kind !== 'user') return [];
  const ids = [...teamsWhereActorHolds(actor, CARE_WRITE)];
  const teams = await Promise.all(
    ids.map(async (id) => {
      const team = await teamById(db, id);
      return team ? { ...team, staff: await teamStaff(db, id) } : undefined;
    }),
  );
  return teams.filter((t) => t !== undefined);
}

/** What the "Open care coordination" page needs: the person (checked and audited) and the actor's teams. */
export async function openingForm(platform: Platform, actor: Actor, personId: string, address?: string | null) {
  const db = platform.db.read;
  if (actor.kind !== 'user' || !authorize(actor, CARE_WRITE)) throw new NotFoundError();
  const access = await accessTo(platform, db, actor, personId, PEOPLE_WRITE);
  if (!access || access.rootId !== personId) throw new NotFoundError();
  const teams = await teamsToOpenIn(db, actor);
  const [open, person] = await Promise.all([coordinationsOf(db, access.recordIds), personName(db, personId)]);
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'care.coordination.open-form.view', [personId], null, address));
  const openTeamIds = new Set(open.filter((c) => c.status === 'open').map((c) => c.team_id));
  return { access, person, teams: teams.filter((t) => !openTeamIds.has(t.id)) };
}

async function checkStaff(db: Kysely<DB>, teamId: string, keyWorkerId: string | null, memberIds: readonly string[]) {
  const staff = new Set((await teamStaff(db, teamId)).map((s) => s.id));
  if (keyWorkerId && !staff.has(keyWorkerId)) throw new InputError([{ field: 'keyWorkerId', message: 'Choose a key worker from the team' }]);
  if (memberIds.some((id) => !staff.has(id))) throw new InputError([{ field: 'memberIds', message: 'Choose care team members from the team' }]);
}

/**
 * Opens coordination by one of the actor's teams for a person they may change (directly, from the
 * person record). One open coordination a person and team: a second is refused.
 */
export async function openCoordination(platform: Platform, actor: Actor, personId: string, input: OpenInput, address?: string | null): Promise<string> {
  return platform.db.write(async (tx) => {
    if (actor.kind !== 'user' || !authorize(actor, CARE_WRITE)) throw new NotFoundError();
    const access = await accessTo(platform, tx, actor, personId, PEOPLE_WRITE);
    if (!access || access.rootId !== personId) throw new NotFoundError();
    const membership = actor.memberships.find((m) => m.teamId === input.teamId && GRANTS[m.role]?.includes(CARE_WRITE));
    if (!membership) throw new InputError([{ field: 'teamId', message: 'Choose a team you work in' }]);
    await checkStaff(tx, input.teamId, input.keyWorkerId, input.memberIds);
    if (await openCoordinationOf(tx, access.recordIds, input.teamId)) {
      throw new InputError([{ field: 'teamId', message: 'This team already coordinates this person’s care: open it from the record' }]);
    }
    const now = platform.clock.now();
    const id = await insertCoordination(tx, { personId, teamId: input.teamId, keyWorkerId: input.keyWorkerId, requestId: null, by: actor.userId, at: now });
    await insertPlan(tx, { coordinationId: id, personId, at: now });
    await insertTeamMember(tx, { coordinationId: id, userId: input.keyWorkerId, role: KEY_WORKER_ROLE, by: actor.userId, at: now });
    for (const memberId of new Set(input.memberIds)) {
      if (memberId !== input.keyWorkerId) await insertTeamMember(tx, { coordinationId: id, userId: memberId, role: 'care team member', by: actor.userId, at: now });
    }
    await auditPeople(tx, now, { ...access, role: membership.role, teamId: input.teamId }, 'care.coordination.open', [personId], { type: 'care-coordination', id }, address);
    return id;
  });
}

export interface DecisionInput {
  personId: string;
  /** The team the front door decided should coordinate care. */
  teamId: string;
  /** The front door request decided. */
  requestId: string;
  reason: string;
  /** Who decided, as the front door audits them. */
  by: { userId: string; role: string; teamId: string | null };
  at: Date;
}

/**
 * Opens coordination from a front door decision, in the front door's unit of work (`tx`). The
 * front door has checked the decider may act on the request. The receiving team gets a team task to
 * name a key worker (finished when one is named). When the team already coordinates the person's care,
 * the open coordination is kept and returned (nothing is opened twice). Throws InputError for a team
 * that does not exist.
 */
export async function openCoordinationFromDecision(tx: Kysely<DB>, input: DecisionInput): Promise<{ coordinationId: string; opened: boolean }> {
  const team = await teamById(tx, input.teamId);
  if (!team) throw new InputError([{ field: 'teamId', message: 'Choose the team that will coordinate care' }]);
  const existing = await openCoordinationOf(tx, [input.personId], input.teamId);
  if (existing) return { coordinationId: existing.id, opened: false };
  const id = await insertCoordination(tx, { personId: input.personId, teamId: input.teamId, keyWorkerId: null, requestId: input.requestId, by: input.by.userId, at: input.at });
  await insertPlan(tx, { coordinationId: id, personId: input.personId, at: input.at });
  await createTask(tx, {
    teamId: input.teamId,
    personId: input.personId,
    title: 'Name a key worker for a new care coordination',
    detail: `From a front door decision: ${input.reason}`,
    source: 'care',
    sourceKind: ALLOCATION_TASK_KIND,
    sourceId: id,
    createdBy: input.by.userId,
    at: input.at,
  });
  await recordAudit(tx, {
    at: input.at,
    actorUserId: input.by.userId,
    actorRole: input.by.role,
    actorTeamId: input.by.teamId,
    action: 'care.coordination.open',
    entityType: 'care-coordination',
    entityId: id,
    personId: input.personId,
    purpose: 'direct care',
    outcome: 'success',
  });
  return { coordinationId: id, opened: true };
}

// ---- the coordination page and its changes ----

export interface CoordinationView {
  found: CoordinationAccess;
  person: { id: string; given_name: string; family_name: string };
  teamName: string;
  keyWorkerName: string | null;
  openedByName: string;
  closedByName: string | null;
  careTeam: CareTeamMember[];
  /** Staff of the team, to name a key worker or add a member (for those who may change it). */
  staff: { id: string; display_name: string }[];
  mayChange: boolean;
}

/** Whether the actor may change this coordination (the same rules as `coordinationAccess` with `care:write`). */
async function mayChange(platform: Platform, db: Kysely<DB>, actor: Actor, coordinationId: string): Promise<boolean> {
  try {
    await coordinationAccess(platform, db, actor, coordinationId, CARE_WRITE);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

/** A coordination as its page shows it; not audited here (the caller audits with what else it shows). */
export async function describeCoordination(platform: Platform, db: Kysely<DB>, actor: Actor, found: CoordinationAccess): Promise<CoordinationView> {
  const c = found.coordination;
  const [person, team, careTeam, names, staff, change] = await Promise.all([
    personName(db, c.person_id),
    teamById(db, c.team_id),
    careTeamOf(db, c.id),
    userNames(db, [c.key_worker_id, c.opened_by, c.closed_by]),
    teamStaff(db, c.team_id),
    c.status === 'open' ? mayChange(platform, db, actor, c.id) : Promise.resolve(false),
  ]);
  return {
    found,
    person,
    teamName: team?.name ?? 'Unknown team',
    keyWorkerName: c.key_worker_id ? (names.get(c.key_worker_id) ?? null) : null,
    openedByName: names.get(c.opened_by) ?? 'Unknown',
    closedByName: c.closed_by ? (names.get(c.closed_by) ?? null) : null,
    careTeam,
    staff: staff.map((s) => ({ id: s.id, display_name: s.display_name })),
    mayChange: change,
  };
}

function conflict(): never {
  throw new ConflictError('This care coordination changed since you opened it, so nothing was saved. Open it again to see the change, then make yours.');
}

/** Names (or changes) the key worker; they join the care team as key worker. Finishes the team's "name a key worker" task. */
export async function changeKeyWorker(platform: Platform, actor: Actor, coordinationId: string, input: { keyWorkerId: string; version: number }, address?: string | null): Promise<void> {
  await platform.db.write(async (tx) => {
    const found = await coordinationAccess(platform, tx, actor, coordinationId, CARE_WRITE);
    const c = found.coordination;
    if (c.status !== 'open') throw new ConflictError('This care coordination is closed.');
    await checkStaff(tx, c.team_id, input.keyWorkerId, []);
    const now = platform.clock.now();
    if (!(await updateCoordination(tx, c.id, input.version, { key_worker_id: input.keyWorkerId }))) conflict();
    const team = await careTeamOf(tx, c.id);
    for (const m of team.filter((m) => !m.removed_at && m.role === KEY_WORKER_ROLE && m.user_id !== input.keyWorkerId)) {
      await removeTeamMember(tx, m.id, c.id, found.access.user.userId, now);
      await insertTeamMember(tx, { coordinationId: c.id, userId: m.user_id, role: 'care team member', by: found.access.user.userId, at: now });
    }
    const current = team.find((m) => !m.removed_at && m.user_id === input.keyWorkerId);
    if (current?.role !== KEY_WORKER_ROLE) {
      if (current) await removeTeamMember(tx, current.id, c.id, found.access.user.userId, now);
      await insertTeamMember(tx, { coordinationId: c.id, userId: input.keyWorkerId, role: KEY_WORKER_ROLE, by: found.access.user.userId, at: now });
    }
    for (const task of await openTasksFor(tx, 'care', ALLOCATION_TASK_KIND, c.id)) {
      await finishTask(tx, { taskId: task.id, status: 'done', by: found.access.user.userId, at: now, note: 'Key worker named' });
    }
    await auditCoordination(tx, now, found, 'care.coordination.key-worker.change', undefined, address);
  });
}

/** Adds a member of the team to the care team, with their role in words. */
export async function addCareTeamMember(platform: Platform, actor: Actor, coordinationId: string, input: { userId: string; role: string }, address?: string | null): Promise<void> {
  await platform.db.write(async (tx) => {
    const found = await coordinationAccess(platform, tx, actor, coordinationId, CARE_WRITE);
    const c = found.coordination;
    if (c.status !== 'open') throw new ConflictError('This care coordination is closed.');
    await checkStaff(tx, c.team_id, null, [input.userId]);
    if (await isCurrentMember(tx, c.id, input.userId)) throw new InputError([{ field: 'userId', message: 'This person is already in the care team' }]);
    const now = platform.clock.now();
    const memberId = await insertTeamMember(tx, { coordinationId: c.id, userId: input.userId, role: input.role, by: found.access.user.userId, at: now });
    await auditCoordination(tx, now, found, 'care.coordination.member.add', { type: 'care-team-member', id: memberId }, address);
  });
}

/** Removes a member from the care team (kept in its history). The key worker is changed, not removed. */
export async function removeCareTeamMember(platform: Platform, actor: Actor, coordinationId: string, memberRowId: string, address?: string | null): Promise<void> {
  await platform.db.write(async (tx) => {
    const found = await coordinationAccess(platform, tx, actor, coordinationId, CARE_WRITE);
    const c = found.coordination;
    if (c.status !== 'open') throw new ConflictError('This care coordination is closed.');
    const member = (await careTeamOf(tx, c.id)).find((m) => m.id === memberRowId && !m.removed_at);
    if (!member) throw new NotFoundError();
    if (member.user_id === c.key_worker_id && member.role === KEY_WORKER_ROLE) throw new ConflictError('Name another key worker before removing this one from the care team.');
    const now = platform.clock.now();
    if (!(await removeTeamMember(tx, memberRowId, c.id, found.access.user.userId, now))) throw new NotFoundError();
    await auditCoordination(tx, now, found, 'care.coordination.member.remove', { type: 'care-team-member', id: memberRowId }, address);
  });
}

/** Hooks run in the closing unit of work (the plan cancels its open action and review tasks and timers). */
export type OnClose = (tx: Kysely<DB>, coordination: CoordinationRow, by: string, at: Date) => Promise<void>;

/**
 * Closes a coordination with a reason, if it is still at `version`. The team stops being involved
 * through it (practitioners of that team lose access unless something else involves them).
 */
export async function closeCoordination(
  platform: Platform,
  actor: Actor,
  coordinationId: string,
  input: { reason: string; version: number },
  onClose: OnClose,
  address?: string | null,
): Promise<{ personId: string; personName: string; teamName: string; stillInvolved: boolean }> {
  const closed = await platform.db.write(async (tx) => {
    const found = await coordinationAccess(platform, tx, actor, coordinationId, CARE_WRITE);
    const c = found.coordination;
    if (c.status !== 'open') throw new ConflictError('This care coordination is already closed.');
    const reason = input.reason.trim();
    if (!reason) throw new InputError([{ field: 'reason', message: 'Enter why care coordination is closing' }]);
    const now = platform.clock.now();
    const by = found.access.user.userId;
    if (!(await updateCoordination(tx, c.id, input.version, { status: 'closed', closed_at: now.toISOString(), closed_by: by, close_reason: reason }))) conflict();
    for (const task of await openTasksFor(tx, 'care', ALLOCATION_TASK_KIND, c.id)) {
      await finishTask(tx, { taskId: task.id, status: 'cancelled', by, at: now, note: 'Care coordination closed' });
    }
    await onClose(tx, c, by, now);
    await auditCoordination(tx, now, found, 'care.coordination.close', undefined, address);
    const [person, team] = await Promise.all([personName(tx, c.person_id), teamById(tx, c.team_id)]);
    return { personId: c.person_id, personName: `${person.given_name} ${person.family_name}`, teamName: team?.name ?? 'the team' };
  });
  // Whether the closer may still see the person (another involvement, or break glass): the page links to the record only then.
  return { ...closed, stillInvolved: (await accessTo(platform, platform.db.read, actor, closed.personId, CARE_READ)) !== null };
}

// ---- the person source: involvement and timeline ----

/** Open coordinations make their team involved with the person. */
export async function coordinationInvolvements(db: Kysely<DB>, query: InvolvementQuery): Promise<Involvement[]> {
  const rows = await openCoordinationsByTeams(
    db,
    query.personIds,
    query.teams.map((t) => t.teamId),
  );
  return rows.map((r) => ({ source: 'care', kind: 'coordination', teamId: r.team_id, text: `Care coordination by ${r.team_name}`, href: paths.coordination(r.id) }));
}

/** Coordinations opened and closed, for the person's timeline. */
export async function coordinationTimeline(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const rows = await coordinationsOf(db, personIds);
  if (rows.length === 0) return [];
  const names = await userNames(db, rows.flatMap((r) => [r.opened_by, r.closed_by]));
  const teams = new Map<string, string>();
  for (const r of rows) if (!teams.has(r.team_id)) teams.set(r.team_id, (await teamById(db, r.team_id))?.name ?? 'a team');
  return rows.flatMap((r) => [
    {
      at: r.opened_at,
      source: 'care',
      kind: 'coordination-opened',
      title: `Care coordination by ${teams.get(r.team_id)} opened${r.request_id ? ' from a front door decision' : ''}`,
      by: names.get(r.opened_by) ?? null,
      href: paths.coordination(r.id),
      personId: r.person_id,
    },
    ...(r.closed_at
      ? [{ at: r.closed_at, source: 'care', kind: 'coordination-closed', title: `Care coordination by ${teams.get(r.team_id)} closed`, detail: r.close_reason, by: r.closed_by ? (names.get(r.closed_by) ?? null) : null, href: paths.coordination(r.id), personId: r.person_id }]
      : []),
  ]);
}

/** The person's coordinations (for the record page's "Care coordination" section), for someone who may see the person. */
export async function coordinationsForRecord(db: Kysely<DB>, personIds: readonly string[]) {
  const rows = await coordinationsOf(db, personIds);
  const names = await userNames(db, rows.map((r) => r.key_worker_id));
  return Promise.all(
    rows.map(async (r) => ({ id: r.id, status: r.status, openedAt: r.opened_at, closedAt: r.closed_at, teamName: (await teamById(db, r.team_id))?.name ?? 'Unknown team', keyWorkerName: r.key_worker_id ? (names.get(r.key_worker_id) ?? null) : null, href: paths.coordination(r.id) })),
  );
}

/** The person's coordinations, open and closed, and whether the actor may open one. Audited. */
export async function personCoordinationsPage(platform: Platform, actor: Actor, personId: string, address?: string | null) {
  const db = platform.db.read;
  if (actor.kind !== 'user' || !authorize(actor, CARE_READ)) throw new NotFoundError();
  const access = await accessTo(platform, db, actor, personId, CARE_READ);
  if (!access) {
    await auditDenied(platform, actor, personId, 'care.coordinations.view', address);
    throw new NotFoundError();
  }
  if (access.rootId !== personId) throw new NotFoundError();
  const [coordinations, person, teams] = await Promise.all([coordinationsForRecord(db, access.recordIds), personName(db, personId), authorize(actor, CARE_WRITE) ? teamsToOpenIn(db, actor) : Promise.resolve([])]);
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'care.coordinations.view', access.recordIds, null, address));
  const openTeams = new Set(coordinations.filter((c) => c.status === 'open').map((c) => c.teamName));
  return { access, person, coordinations, mayOpen: teams.some((t) => !openTeams.has(t.name)) };
}

/** The person's name for page titles (only after the caller checked access). */
export async function personName(db: Kysely<DB>, personId: string): Promise<{ id: string; given_name: string; family_name: string }> {
  const row = await personNameById(db, personId);
  if (!row) throw new NotFoundError();
  return row;
}
