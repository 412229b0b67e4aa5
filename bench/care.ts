// A community team for the care scenarios (issue 5, "Speed"): one practitioner, the people they hold
// (open coordinations with them as key worker), and colleagues' people around them, with notes, plan
// review dates and tasks; signed in with a session. Made once per engine and found again by the next
// scenario (each setup is idempotent: the team is looked up by name first).
import { findOrCreatePerson } from '../src/modules/people/index.ts';
import { createOrganisation, createTeam, createUser } from '../src/platform/auth/accounts.ts';
import { startSession } from '../src/platform/auth/sessions.ts';
import type { Database } from '../src/platform/db/database.ts';
import { refreshPlannerStatistics } from '../src/platform/db/dialect/statistics.ts';
import { newId } from '../src/platform/db/ids.ts';
import type { CareNotesTable } from '../src/platform/db/tables.ts';
import { cookieName } from '../src/platform/http/security.ts';
import type { BenchContext } from './scenario.ts';

const TEAM_NAME = 'Bench community team';
const DAY = 86_400_000;

export interface BenchTeam {
  teamId: string;
  practitionerId: string;
}

/** The bench's community team and its practitioner, made once. */
export async function ensureTeam(ctx: BenchContext): Promise<BenchTeam> {
  const db = ctx.db;
  const found = await db.read.selectFrom('teams').select(['id']).where('name', '=', TEAM_NAME).executeTakeFirst();
  if (found) {
    const p = await db.read.selectFrom('memberships').select(['user_id']).where('team_id', '=', found.id).where('role', '=', 'practitioner').orderBy('user_id').executeTakeFirstOrThrow();
    return { teamId: found.id, practitionerId: p.user_id };
  }
  return db.write(async (tx) => {
    const now = ctx.clock.now();
    const organisationId = await createOrganisation(tx, now, { name: 'Bench trust', kind: 'nhs' });
    const teamId = await createTeam(tx, now, { organisationId, name: TEAM_NAME, kind: 'community', openingHours: null });
    const practitionerId = await createUser(tx, now, { email: `bench-care-${newId()}@example.test`, displayName: 'Bench practitioner', passwordHash: null, memberships: [{ organisationId, teamId, role: 'practitioner' }] });
    return { teamId, practitionerId };
  });
}

/** A session cookie for the user. */
export async function sessionCookie(ctx: BenchContext, userId: string): Promise<string> {
  const id = await ctx.db.write((tx) => startSession(tx, ctx.config, ctx.clock.now(), { userId, stage: 'full' }));
  return `${cookieName(ctx.config, 'session')}=${id}`;
}

let people = 0;

/** A new person with an open coordination of the team, `keyWorkerId` as key worker, and a plan with a review date. */
export async function coordinatedPerson(db: Database, team: BenchTeam, keyWorkerId: string, now: Date): Promise<{ personId: string; coordinationId: string }> {
  const n = ++people;
  return db.write(async (tx) => {
    const { personId } = await findOrCreatePerson(tx, now, {
      givenName: 'Bench',
      familyName: `Person${n}x${process.pid}`,
      dateOfBirth: '1988-04-02',
      postcode: 'SE5 8AF',
      contactPreferences: { methods: [], safeTimes: null, mayLeaveMessage: null },
    });
    const coordinationId = newId();
    const at = new Date(now.getTime() - 60 * DAY).toISOString();
    await tx.insertInto('care_coordinations').values({ id: coordinationId, person_id: personId, team_id: team.teamId, key_worker_id: keyWorkerId, request_id: null, status: 'open', opened_at: at, opened_by: keyWorkerId, closed_at: null, closed_by: null, close_reason: null }).execute();
    const review = new Date(now.getTime() + ((n % 60) - 20) * DAY).toISOString().slice(0, 10);
    await tx.insertInto('care_plans').values({ id: newId(), coordination_id: coordinationId, person_id: personId, version: 1, privacy_label: 'mental-health', review_date: review, created_at: at, updated_at: at }).execute();
    return { personId, coordinationId };
  });
}

/** `count` notes about the person, one every few hours back from now, every third a contact. Inserted 100 at a time. */
export async function notesAbout(db: Database, team: BenchTeam, person: { personId: string; coordinationId: string }, count: number, now: Date, firstBody?: string): Promise<void> {
  const contacts = ['phone', 'none', 'none', 'face-to-face', 'none', 'video'] as const;
  for (let done = 0; done < count; done += 100) {
    const rows: CareNotesTable[] = Array.from({ length: Math.min(100, count - done) }, (_, i) => {
      const id = newId();
      const at = new Date(now.getTime() - (done + i + 1) * 5 * 3_600_000).toISOString();
      return {
        id,
        person_id: person.personId,
        coordination_id: person.coordinationId,
        team_id: team.teamId,
        thread_id: id,
        kind: 'original',
        seq: 1,
        supersedes_id: null,
        change_reason: null,
        contact: contacts[(done + i) % contacts.length]!,
        occurred_at: at,
        body: done + i === 0 && firstBody ? firstBody : `Note ${done + i + 1}: spoke about sleep, work and the walking group; agreed what happens next and when we speak again.`,
        privacy_label: 'mental-health',
        author_id: team.practitionerId,
        written_at: at,
      };
    });
    await db.write((tx) => tx.insertInto('care_notes').values(rows).execute());
  }
}

/** Open tasks about the person, assigned to the practitioner. */
export async function tasksAbout(db: Database, team: BenchTeam, personId: string, count: number, now: Date): Promise<void> {
  await db.write(async (tx) => {
    for (let i = 0; i < count; i++) {
      await tx
        .insertInto('tasks')
        .values({ id: newId(), team_id: team.teamId, assignee_id: team.practitionerId, person_id: personId, title: `Bench task ${i + 1}`, detail: null, due_at: new Date(now.getTime() + (i - 1) * DAY).toISOString(), status: 'open', source: 'care', source_kind: 'manual', source_id: null, created_by: team.practitionerId, created_at: now.toISOString(), finished_by: null, finished_at: null, finish_note: null })
        .execute();
    }
  });
}

export async function refreshCareStatistics(ctx: BenchContext): Promise<void> {
  await refreshPlannerStatistics(ctx.db.writer, ['people', 'care_coordinations', 'care_team_members', 'care_notes', 'care_plans', 'tasks', 'users']);
}
