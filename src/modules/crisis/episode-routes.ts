// Pages of crisis episodes (issue 6, item 1): the quick crisis-line form (also for a walk-in, a police
// or A&E referral, or a discharge), the episode page with its actions, the duty rota, the response
// targets, and the one-question form the person is sent after closure. Also registers the module's
// person source (an open episode or a follow-up due makes its team involved; timeline entries) and
// the episode and follow-up timers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../platform/access/audit.ts';
import { authorize, GRANTS } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { CrisisPriority, DB } from '../../platform/db/tables.ts';
import { dateOfBirthParts, freeText, nhsNumber, optional, personName, postcode, ukMobile, ukPhone } from '../../platform/http/fields.ts';
import { fromLondonWallClock } from '../../platform/time/calendar.ts';
import { ConflictError, type FormErrors, formErrors, InputError, NotFoundError, parseInput } from '../../platform/http/problems.ts';
import { addedRef, type EntryAdded, type EntryNotice, type Involvement, peoplePaths, registerPersonSource, type TimelineEntry } from '../people/index.ts';
import { addShift, DUTY_MANAGE, DUTY_ROLE_TEXT, DUTY_ROLES, dutyRota, FROM_TEXT, PRIORITY_TAG, removeShift, timeLeft } from './board.ts';
import { addAction, crisisTeams, crisisTeamsAmong, episodesOfPeople, openEpisodesInvolving, openEpisodesOfPeople, teamResponders } from './episode-store.ts';
import { followUpsOfPeople, openFollowUpsOfPeople } from './follow-up-store.ts';
import {
  ACT,
  actorCrisisTeams,
  addNote,
  answerFeedback,
  assignResponder,
  changePriority,
  closeEpisode,
  feedbackByToken,
  linkPerson,
  markResponded,
  OUTCOME_TEXT,
  OUTCOMES,
  openEpisode,
  postcodeDistrict,
  READ,
  recordHospitalDischarge,
  registerEpisodeTimers,
  SOURCE_TEXT,
  setNextAction,
  unassignResponder,
  viewEpisode,
} from './episodes.ts';
import { registerFollowUpTimers } from './follow-up.ts';
import { paths } from './paths.ts';
import { availabilityBoard } from './places.ts';
import { DEFAULT_TARGET_MINUTES, MAX_TARGET_MINUTES, PRIORITIES, PRIORITY_TEXT, saveTargets, targetMinutes, targetText } from './targets.ts';

export const TARGETS_MANAGE = 'crisis:targets:manage';

// ---- what the forms accept ----

const priority = z.enum(PRIORITIES as [CrisisPriority, ...CrisisPriority[]], { error: 'Choose the priority' });
const district = z
  .string()
  .trim()
  .refine((v) => postcodeDistrict(v) !== null, 'Enter a postcode or the first half of one, like SE11 or SE11 5QY')
  .transform((v) => postcodeDistrict(v) as string);

export const openSchema = z.object({
  source: z.enum(['phone', 'walk-in', 'police', 'a-and-e', 'discharge'], { error: 'Choose how the person came to us' }),
  sourceDetail: optional(freeText({ max: 200, what: 'where from' })),
  priority,
  summary: freeText({ required: 'Enter what is happening', max: 2000, what: 'what is happening' }),
  callerDescription: optional(freeText({ max: 300, what: 'who is calling' })),
  callbackPhone: optional(ukPhone),
  postcode: optional(district),
  teamId: optional(z.string().max(64)),
  nextAction: optional(freeText({ max: 300, what: 'the next action' })),
  respondMyself: optional(z.enum(['yes'])),
});

const noteSchema = z.object({
  kind: z.enum(['note', 'contact'], { error: 'Choose what you are recording' }),
  text: freeText({ required: 'Enter what happened', max: 4000, what: 'the note' }),
});
const respondSchema = z.object({ how: freeText({ required: 'Enter how you responded (for example: visited at home with a colleague)', max: 1000, what: 'how you responded' }) });
const nextActionSchema = z.object({ nextAction: optional(freeText({ max: 300, what: 'the next action' })) });
const prioritySchema = z.object({ priority, reason: freeText({ required: 'Enter why the priority changes', max: 1000, what: 'the reason' }) });
const responderSchema = z.object({ responder: z.string({ error: 'Choose someone in the crisis team' }).trim().min(1, 'Choose someone in the crisis team') });
const closeSchema = z.object({
  outcome: optional(z.enum(OUTCOMES as [string, ...string[]], { error: 'Choose the outcome from the list' })),
  note: optional(freeText({ max: 2000, what: 'the note' })),
  version: z.coerce.number({ error: 'Open the page again: the form is missing its version' }).int().min(1),
});
const dischargeSchema = z.object({
  dischargedAt: z
    .string({ error: 'Enter when the person was discharged' })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'Enter the date and time of discharge, like 2026-12-01T14:30')
    .refine((v) => !Number.isNaN(Date.parse(`${v}:00Z`)), 'Enter a real date and time'),
});
function linkSchema(now: () => Date) {
  const dob = dateOfBirthParts('dateOfBirth', 'their date of birth', now);
  const fields = z.object({
    givenName: personName('their first name'),
    familyName: personName('their last name'),
    nhsNumber: optional(nhsNumber),
    postcode: optional(postcode),
    phone: optional(ukPhone),
  });
  return z.looseObject({}).transform((input, ctx) => {
    const f = fields.safeParse(input);
    const d = dob.safeParse(input);
    for (const issue of [...(f.success ? [] : f.error.issues), ...(d.success ? [] : d.error.issues)]) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    if (!f.success || !d.success) return z.NEVER;
    return { ...f.data, dateOfBirth: d.data };
  });
}
const dutySchema = z.object({
  teamId: z.string({ error: 'Choose the team' }).trim().min(1, 'Choose the team'),
  userId: z.string({ error: 'Choose who is on duty' }).trim().min(1, 'Choose who is on duty'),
  role: z.enum(DUTY_ROLES as [string, ...string[]], { error: 'Choose their role on the shift' }),
  starts: z.string({ error: 'Enter when the shift starts' }).trim().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'Enter when the shift starts, like 2026-12-01T20:00'),
  ends: z.string({ error: 'Enter when the shift ends' }).trim().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'Enter when the shift ends, like 2026-12-02T08:00'),
  phone: optional(ukMobile),
});
const feedbackSchema = z.object({
  answer: z.enum(['yes', 'partly', 'no'], { error: 'Choose yes, partly or no' }),
  comment: optional(freeText({ max: 2000, what: 'your comment' })),
});

/** A local date and time typed in a form ("2026-12-01T20:00", Europe/London) as an instant; the form's schema has checked its shape. */
function londonDateTime(value: string, field: string): Date {
  const at = fromLondonWallClock(value);
  if (!at) throw new InputError([{ field, message: 'Enter a real date and time' }]);
  return at;
}
function londonOffsetMinutes(at: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'shortOffset' }).formatToParts(at);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d+)?/.exec(name);
  return m?.[1] ? Number(m[1]) * 60 : 0;
}
/** An instant as the value of a datetime-local input, in London time. */
export function localInputValue(at: Date): string {
  const shifted = new Date(at.getTime() + londonOffsetMinutes(at) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

function inputErrors(error: InputError): FormErrors {
  return formErrors(error.errors);
}

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

// ---- the person source ----

/** An open episode of a team, a follow-up it has to make, or an episode the actor responds to, makes them involved. */
async function involvementOf(db: Kysely<DB>, q: { personIds: readonly string[]; teams: readonly { teamId: string }[]; actor: { userId: string } }): Promise<Involvement[]> {
  if (q.personIds.length === 0 || q.teams.length === 0) return [];
  const teamIds = q.teams.map((t) => t.teamId);
  const episodes = await openEpisodesInvolving(db, q.personIds, teamIds, q.actor.userId);
  const found: Involvement[] = episodes.map((e) => ({
    source: 'crisis',
    kind: 'episode',
    teamId: teamIds.includes(e.team_id) ? e.team_id : teamIds[0]!,
    text: `Open crisis episode ${e.reference}`,
    href: paths.episode(e.id),
  }));
  const followUps = await openFollowUpsOfPeople(db, q.personIds, teamIds);
  for (const f of followUps) found.push({ source: 'crisis', kind: 'follow-up', teamId: f.team_id, text: 'Follow-up after discharge due', href: paths.board });
  return found;
}

async function timelineOf(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  if (personIds.length === 0) return [];
  const episodes = await episodesOfPeople(db, personIds);
  const entries: TimelineEntry[] = [];
  for (const e of episodes) {
    entries.push({ at: e.opened_at, source: 'crisis', kind: 'crisis-episode', title: `Crisis episode ${e.reference} opened (${PRIORITY_TEXT[e.priority].toLowerCase()}, ${SOURCE_TEXT[e.source].toLowerCase()})`, href: paths.episode(e.id), personId: e.person_id! });
    if (e.closed_at && e.outcome) {
      entries.push({ at: e.closed_at, source: 'crisis', kind: 'crisis-episode-closed', title: `Crisis episode ${e.reference} closed: ${OUTCOME_TEXT[e.outcome].toLowerCase()}`, detail: e.outcome_note, href: paths.episode(e.id), personId: e.person_id! });
    }
  }
  const followUps = await followUpsOfPeople(db, personIds);
  for (const f of followUps) {
    entries.push({ at: f.discharged_at, source: 'crisis', kind: 'crisis-follow-up', title: `Discharged from ${FROM_TEXT[f.discharged_from].toLowerCase()}: follow-up due within 72 hours`, personId: f.person_id });
  }
  return entries;
}

/**
 * The person wrote in their own record (hazard H19): each of their open episodes says so on its action
 * log, and the board hears of it, where responders look. Never the words: they are on the record.
 */
async function entryOnEpisodes(tx: Kysely<DB>, entry: EntryAdded): Promise<EntryNotice> {
  const episodes = await openEpisodesOfPeople(tx, entry.recordIds);
  // Words that may mean risk are named on the line (the categories, not the words), where the crisis team looks.
  const text =
    entry.kind === 'review'
      ? 'In a review they entered online, they rated their personal safety low (on their record’s timeline)'
      : entry.risk.level === 'none'
        ? null
        : `The words may mean ${entry.risk.level} risk: ${entry.risk.summary}`;
  for (const e of episodes) await addAction(tx, e, entry.at, entry.by, 'person-entry', text, { ...addedRef(entry), riskLevel: entry.risk.level });
  // A crisis team works round the clock: an open episode watches the person.
  return { roundTheClock: episodes.length > 0 };
}

// ---- routes ----

export default async function episodeRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  registerEpisodeTimers(platform);
  registerFollowUpTimers(platform);
  registerPersonSource(platform, { name: 'crisis', involvement: involvementOf, timeline: timelineOf, entryAdded: entryOnEpisodes });

  const act = { permission: ACT } as const;

  // The quick form: a crisis-line call (the default), a walk-in, a police or A&E referral, a discharge.
  async function renderNew(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number } = {}) {
    const own = await actorCrisisTeams(platform.db.read, request.actor, ACT);
    const teams = own.length ? own : await crisisTeams(platform.db.read);
    const minutes = await targetMinutes(platform.db.read);
    const query = request.query as { source?: string };
    const source = ['phone', 'walk-in', 'police', 'a-and-e', 'discharge'].includes(query.source ?? '') ? query.source : 'phone';
    return reply.code(extra.status ?? 200).view('crisis/views/episodes/new.njk', {
      title: 'Open a crisis episode',
      hideCrisisPanel: true,
      teams,
      member: own.length > 0,
      priorities: PRIORITIES.map((p) => ({ value: p, text: PRIORITY_TEXT[p], hint: { text: `Respond within ${targetText(minutes[p])}` } })),
      sources: (['phone', 'walk-in', 'police', 'a-and-e', 'discharge'] as const).map((s) => ({ value: s, text: SOURCE_TEXT[s] })),
      values: extra.values ?? { source },
      errors: extra.errors,
      backHref: paths.board,
    });
  }
  app.get(paths.episodeNew, { config: act }, async (request, reply) => renderNew(request, reply));
  app.post(paths.episodeNew, { config: act }, async (request, reply) => {
    const parsed = parseInput(openSchema, request.body);
    if (!parsed.ok) return renderNew(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    try {
      const { respondMyself, ...rest } = parsed.data;
      const opened = await openEpisode(platform, request.actor, { ...rest, respondMyself: respondMyself === 'yes' }, request.ip);
      return reply.redirect(paths.episode(opened.id), 303);
    } catch (error) {
      if (error instanceof InputError) return renderNew(request, reply, { errors: inputErrors(error), values: request.body as Record<string, unknown>, status: 400 });
      throw error;
    }
  });

  // The episode page.
  async function renderEpisode(request: IdRequest, reply: FastifyReply, extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number; form?: string } = {}) {
    const view = await viewEpisode(platform, request.actor, request.params.id, request.ip);
    const now = platform.clock.now();
    // Somewhere to go: places open now with room, each a step from holding it for this person and episode.
    const placesNow = view.e.person_id && view.e.status === 'open' ? (await availabilityBoard(platform)).places.filter((p) => p.status === 'active' && p.open && !p.full) : [];
    return reply.code(extra.status ?? 200).view('crisis/views/episodes/episode.njk', {
      title: `Crisis episode ${view.e.reference}`,
      hideCrisisPanel: true,
      ...view,
      canAct: authorize(request.actor, ACT),
      now: now.toISOString(),
      timeLeft: timeLeft(view.e, now),
      priorityText: PRIORITY_TEXT[view.e.priority],
      priorityTag: PRIORITY_TAG[view.e.priority],
      sourceText: SOURCE_TEXT[view.e.source],
      outcomeText: view.e.outcome ? OUTCOME_TEXT[view.e.outcome] : null,
      outcomes: OUTCOMES.map((o) => ({ value: o, text: OUTCOME_TEXT[o] })),
      priorities: PRIORITIES.map((p) => ({ value: p, text: PRIORITY_TEXT[p] })),
      respondersIds: view.responders.map((r) => r.user_id),
      admitted: view.e.outcome === 'admitted-informally' || view.e.outcome === 'detained',
      dischargeDefault: localInputValue(now),
      // The person's safety plan, one step from the episode (issue 6, item 4: shown to any responder).
      placesNow: placesNow.map((p) => ({ name: p.name, kindText: p.kindText, availableText: p.availableText, area: p.area, holdHref: `${paths.placeHoldNew(p.id)}?person=${view.e.person_id}&episode=${view.e.id}` })),
      safetyPlanHref: view.e.person_id ? paths.safetyPlanEdit(view.e.person_id) : null,
      personHref: view.e.person_id ? peoplePaths.person(view.e.person_id) : null,
      paths,
      errors: extra.errors,
      values: extra.values ?? {},
      failedForm: extra.form ?? null,
      backHref: paths.board,
    });
  }
  app.get(paths.episode(), { config: { permission: READ } }, async (request: IdRequest, reply) => renderEpisode(request, reply));

  /** A form on the episode page: parse, act, return to the page; on bad input the page again with the errors and what was typed. */
  function action<S extends z.ZodType>(name: string, schema: S, run: (request: IdRequest, data: z.output<S>) => Promise<unknown>) {
    app.post(paths.episodeAction(':id', name), { config: act }, async (request: IdRequest, reply) => {
      const parsed = parseInput(schema, request.body);
      if (!parsed.ok) return renderEpisode(request, reply, { errors: parsed.errors, values: parsed.values, status: 400, form: name });
      try {
        await run(request, parsed.data);
      } catch (error) {
        if (error instanceof InputError) return renderEpisode(request, reply, { errors: inputErrors(error), values: request.body as Record<string, unknown>, status: 400, form: name });
        if (error instanceof ConflictError) {
          return renderEpisode(request, reply, { errors: { summary: [{ text: error.message, href: `#${name}` }], fields: {} }, values: request.body as Record<string, unknown>, status: 409, form: name });
        }
        throw error;
      }
      return reply.redirect(paths.episode(request.params.id), 303);
    });
  }
  action('respond', respondSchema, (r, d) => markResponded(platform, r.actor, r.params.id, d, r.ip));
  action('notes', noteSchema, (r, d) => addNote(platform, r.actor, r.params.id, d, r.ip));
  action('next-action', nextActionSchema, (r, d) => setNextAction(platform, r.actor, r.params.id, d.nextAction ?? '', r.ip));
  action('priority', prioritySchema, (r, d) => changePriority(platform, r.actor, r.params.id, d, r.ip));
  action('responders', responderSchema, (r, d) => assignResponder(platform, r.actor, r.params.id, d.responder, r.ip));
  action('responders-remove', responderSchema, (r, d) => unassignResponder(platform, r.actor, r.params.id, d.responder, r.ip));
  action('person', linkSchema(() => platform.clock.now()), (r, d) => linkPerson(platform, r.actor, r.params.id, d, r.ip));
  action('close', closeSchema, (r, d) => closeEpisode(platform, r.actor, r.params.id, { outcome: (d.outcome as never) ?? null, note: d.note ?? null, expectedVersion: d.version }, r.ip));
  action('discharge', dischargeSchema, (r, d) => recordHospitalDischarge(platform, r.actor, r.params.id, londonDateTime(d.dischargedAt, 'dischargedAt'), r.ip));

  // The duty rota: team leads of a crisis team add and remove shifts; the board shows tonight's.
  async function renderDuty(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number } = {}) {
    const actor = request.actor;
    if (actor.kind !== 'user') throw new NotFoundError();
    const managed = new Set(actor.memberships.filter((m) => m.teamId && GRANTS[m.role]?.includes(DUTY_MANAGE)).map((m) => m.teamId));
    const teams = await crisisTeamsAmong(platform.db.read, [...managed].filter((id): id is string => id !== null));
    const now = platform.clock.now();
    const rota = await Promise.all(
      teams.map(async (t) => ({
        ...t,
        members: await teamResponders(platform.db.read, t.id),
        shifts: (await dutyRota(platform.db.read, t.id, now)).map((s) => ({ ...s, roleText: DUTY_ROLE_TEXT[s.duty_role] })),
      })),
    );
    const tonight = new Date(now);
    return reply.code(extra.status ?? (teams.length ? 200 : 403)).view('crisis/views/board/duty.njk', {
      title: 'Duty rota',
      hideCrisisPanel: true,
      rota,
      roles: DUTY_ROLES.map((r) => ({ value: r, text: DUTY_ROLE_TEXT[r] })),
      values: extra.values ?? { teamId: teams[0]?.id, starts: localInputValue(tonight).slice(0, 11) + '20:00', ends: localInputValue(new Date(tonight.getTime() + 86_400_000)).slice(0, 11) + '08:00' },
      errors: extra.errors,
      paths,
      backHref: paths.board,
    });
  }
  app.get(paths.duty, { config: { permission: DUTY_MANAGE } }, async (request, reply) => renderDuty(request, reply));
  app.post(paths.duty, { config: { permission: DUTY_MANAGE } }, async (request, reply) => {
    const parsed = parseInput(dutySchema, request.body);
    if (!parsed.ok) return renderDuty(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    const actor = request.actor;
    if (actor.kind !== 'user') throw new NotFoundError();
    const d = parsed.data;
    try {
      await platform.db.write(async (tx) => {
        if (!authorize(actor, DUTY_MANAGE) || !actor.memberships.some((m) => m.teamId === d.teamId && GRANTS[m.role]?.includes(DUTY_MANAGE))) {
          throw new InputError([{ field: 'teamId', message: 'Choose a team you lead' }]);
        }
        if (!(await teamResponders(tx, d.teamId)).some((m) => m.id === d.userId)) throw new InputError([{ field: 'userId', message: 'Choose someone in the team' }]);
        const now = platform.clock.now();
        const id = await addShift(tx, { teamId: d.teamId, userId: d.userId, role: d.role as never, startsAt: londonDateTime(d.starts, 'starts'), endsAt: londonDateTime(d.ends, 'ends'), phone: d.phone ?? null, by: actor.userId, at: now });
        await recordAudit(tx, { at: now, actorUserId: actor.userId, actorRole: 'team-lead', actorTeamId: d.teamId, action: 'crisis.duty.add', entityType: 'crisis-duty', entityId: id, outcome: 'success', address: request.ip });
      });
    } catch (error) {
      if (error instanceof InputError) return renderDuty(request, reply, { errors: inputErrors(error), values: request.body as Record<string, unknown>, status: 400 });
      throw error;
    }
    return reply.redirect(paths.duty, 303);
  });
  app.post<{ Params: { id: string } }>(paths.dutyRemove(), { config: { permission: DUTY_MANAGE } }, async (request, reply) => {
    const actor = request.actor;
    if (actor.kind !== 'user') throw new NotFoundError();
    const teamIds = actor.memberships.filter((m) => m.teamId && GRANTS[m.role]?.includes(DUTY_MANAGE)).map((m) => m.teamId as string);
    await platform.db.write(async (tx) => {
      const now = platform.clock.now();
      await removeShift(tx, { id: request.params.id, teamIds, by: actor.userId, at: now });
      await recordAudit(tx, { at: now, actorUserId: actor.userId, actorRole: 'team-lead', action: 'crisis.duty.remove', entityType: 'crisis-duty', entityId: request.params.id, outcome: 'success', address: request.ip });
    });
    return reply.redirect(paths.duty, 303);
  });

  // Response targets: the alliance's, changed by a crisis team lead; a change applies to episodes opened after it.
  /** Only a lead of a crisis team changes the targets (a lead of another team holds the permission but not the say). */
  async function assertCrisisLead(request: FastifyRequest): Promise<void> {
    const actor = request.actor;
    if (actor.kind !== 'user') throw new NotFoundError();
    const led = new Set(actor.memberships.filter((m) => m.teamId && GRANTS[m.role]?.includes(TARGETS_MANAGE)).map((m) => m.teamId));
    if ((await crisisTeamsAmong(platform.db.read, [...led].filter((id): id is string => id !== null))).length === 0) throw new NotFoundError();
  }
  async function renderTargets(request: FastifyRequest, reply: FastifyReply, extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number; saved?: boolean } = {}) {
    await assertCrisisLead(request);
    const minutes = await targetMinutes(platform.db.read);
    return reply.code(extra.status ?? 200).view('crisis/views/board/targets.njk', {
      title: 'Crisis response targets',
      hideCrisisPanel: true,
      rows: PRIORITIES.map((p) => ({ priority: p, text: PRIORITY_TEXT[p], minutes: minutes[p], defaultText: targetText(DEFAULT_TARGET_MINUTES[p]) })),
      values: extra.values ?? Object.fromEntries(PRIORITIES.map((p) => [p, String(minutes[p])])),
      errors: extra.errors,
      saved: extra.saved ?? false,
      backHref: paths.board,
    });
  }
  const targetsSchema = z.object(
    Object.fromEntries(
      PRIORITIES.map((p) => [
        p,
        z.coerce
          .number({ error: `Enter the ${PRIORITY_TEXT[p].toLowerCase()} target in minutes` })
          .int(`Enter the ${PRIORITY_TEXT[p].toLowerCase()} target in whole minutes`)
          .min(5, `The ${PRIORITY_TEXT[p].toLowerCase()} target must be at least 5 minutes`)
          .max(MAX_TARGET_MINUTES, `The ${PRIORITY_TEXT[p].toLowerCase()} target must be 7 days (10,080 minutes) or less`),
      ]),
    ) as Record<CrisisPriority, z.ZodCoercedNumber>,
  );
  app.get<{ Querystring: { saved?: string } }>(paths.targets, { config: { permission: TARGETS_MANAGE } }, async (request, reply) => renderTargets(request, reply, { saved: request.query.saved === '1' }));
  app.post(paths.targets, { config: { permission: TARGETS_MANAGE } }, async (request, reply) => {
    await assertCrisisLead(request);
    const parsed = parseInput(targetsSchema, request.body);
    if (!parsed.ok) return renderTargets(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    const t = parsed.data as Record<CrisisPriority, number>;
    const order = PRIORITIES.map((p) => t[p]);
    if (order.some((m, i) => i > 0 && m < order[i - 1]!)) {
      const errors = formErrors([{ field: 'very-urgent', message: 'Each priority’s target must be as long as the one above it or longer (emergency the shortest)' }]);
      return renderTargets(request, reply, { errors, values: request.body as Record<string, unknown>, status: 400 });
    }
    const actor = request.actor;
    if (actor.kind !== 'user') throw new NotFoundError();
    await platform.db.write(async (tx) => {
      const now = platform.clock.now();
      await saveTargets(tx, t, actor.userId, now);
      await recordAudit(tx, { at: now, actorUserId: actor.userId, actorRole: 'team-lead', action: 'crisis.targets.change', entityType: 'crisis-targets', entityId: null, outcome: 'success', address: request.ip });
    });
    return reply.redirect(`${paths.targets}?saved=1`, 303);
  });

  // "Did you get the right response?": the person's one-question form, reached by the link sent after closure.
  const pub = { public: true } as const;
  async function renderFeedback(request: FastifyRequest<{ Params: { token: string } }>, reply: FastifyReply, extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number } = {}) {
    const row = await feedbackByToken(platform.db.read, request.params.token, platform.clock.now());
    if (!row) return reply.code(404).view('crisis/views/episodes/feedback-gone.njk', { title: 'This link has expired' });
    if (row.answered_at) return reply.view('crisis/views/episodes/feedback-thanks.njk', { title: 'Thank you' });
    return reply.code(extra.status ?? 200).view('crisis/views/episodes/feedback.njk', { title: 'Did you get the right response?', values: extra.values ?? {}, errors: extra.errors });
  }
  app.get<{ Params: { token: string } }>(paths.feedback(), { config: pub }, async (request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    return renderFeedback(request, reply);
  });
  app.post<{ Params: { token: string } }>(paths.feedback(), { config: { ...pub, rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (request, reply) => {
    const parsed = parseInput(feedbackSchema, request.body);
    if (!parsed.ok) return renderFeedback(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    try {
      await answerFeedback(platform, request.params.token, parsed.data);
    } catch (error) {
      if (error instanceof NotFoundError) return reply.code(404).view('crisis/views/episodes/feedback-gone.njk', { title: 'This link has expired' });
      if (!(error instanceof ConflictError)) throw error;
    }
    return reply.view('crisis/views/episodes/feedback-thanks.njk', { title: 'Thank you' });
  });
}
