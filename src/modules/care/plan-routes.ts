// Care coordination and the shared plan's pages (issue 5, item 4): practitioners under /care/..., the
// person's own plans under /my-record/plan, and a network member's view of plans with one label.
// Also registers the 'care' person source (involvement and timeline), the review reminder timer and
// the network members' views.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { NotFoundError, parseInput, orShowErrors, type Shown } from '../../platform/http/problems.ts';
import { ME_READ, PRIVACY_LABEL_NAMES, PRIVACY_LABELS, type PrivacyLabel, peoplePaths, registerNetworkView } from '../people/index.ts';
import {
  addCareTeamMember,
  auditCoordinationDenied,
  CARE_READ,
  CARE_WRITE,
  changeKeyWorker,
  closeCoordination,
  openCoordination,
  openingForm,
  personCoordinationsPage,
  removeCareTeamMember,
} from './coordination.ts';
import { hasSharedPlan } from './network-view-store.ts';
import { paths } from './paths.ts';
import {
  closePlanWork,
  coordinationPage,
  markActionDone,
  myPlanHistory,
  myPlans,
  myPlanVersion,
  onReviewReminder,
  PlanConflictError,
  planForEdit,
  planHistory,
  planPage,
  planVersion,
  registerCarePersonSource,
  REVIEW_TIMER,
  SECTIONS,
  savePlan,
  sharedPlans,
  todayIn,
} from './plan.ts';
import { actionIndexes, closeSchema, keyWorkerSchema, memberSchema, openSchema, PRIVACY_LABEL_VALUES, parsePlanForm } from './plan-schemas.ts';

const read = { permission: CARE_READ } as const;
const write = { permission: CARE_WRITE } as const;
const own = { permission: ME_READ } as const;
const network = { permission: 'me:network:read' } as const;

type IdRequest = FastifyRequest<{ Params: { id: string } }>;
type PersonRequest = FastifyRequest<{ Params: { personId: string } }>;

// A function, not a constant: the people module may still be loading when this module is (imports go round through the front door).
const labelItems = () => PRIVACY_LABEL_VALUES.map((value) => ({
  value,
  text: PRIVACY_LABEL_NAMES[value],
  hint:
    value === 'general'
      ? 'Anyone in the person’s network they share general information with'
      : value === 'safety-plan'
        ? 'Also those who see only the safety plan'
        : `Those the person shares ${PRIVACY_LABEL_NAMES[value].toLowerCase()} information with`,
}));

/** A positive whole number from the address, or 404. */
function versionParam(raw: string): number {
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) throw new NotFoundError();
  return Number(raw);
}

/** The action rows a form shows: those posted (or made from the plan), in order. */
function rowsOf(values: Record<string, unknown>) {
  return actionIndexes(values).map((index) => ({ index, existing: Boolean(values[`actions[${index}][id]`]) }));
}

export default async function planRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;

  // An open coordination makes its team involved with the person; coordinations and plan versions are on the timeline.
  registerCarePersonSource(platform);
  platform.timers.register(REVIEW_TIMER, (tx, payload) => onReviewReminder(platform, tx, payload as { planId: string; reviewDate: string }));
  // A network member sees a plan only if its label is one of theirs: one view a label, each listing only plans with that label.
  for (const label of PRIVACY_LABELS) {
    registerNetworkView(platform, { name: `care-plan-${label}`, label, title: `Care plan (${PRIVACY_LABEL_NAMES[label].toLowerCase()})`, href: (personId) => paths.sharedPlan(personId, label), shows: (db, person) => hasSharedPlan(db, person.personIds, label) });
  }

  // ---- a person's coordinations, and opening one ----

  app.get(paths.personCoordinations(), { config: read }, async (request: PersonRequest, reply) => {
    const page = await personCoordinationsPage(platform, request.actor, request.params.personId, request.ip);
    const name = `${page.person.given_name} ${page.person.family_name}`;
    return reply.view('care/views/plans/person-coordinations.njk', { title: `Care coordination: ${name}`, hideCrisisPanel: true, ...page, name, paths, backHref: peoplePaths.person(page.person.id) });
  });

  const showOpen = async (request: PersonRequest, reply: FastifyReply, extra: Shown = {}) => {
    const form = await openingForm(platform, request.actor, request.params.personId, request.ip);
    const name = `${form.person.given_name} ${form.person.family_name}`;
    const values = extra.values ?? (form.teams.length === 1 ? { teamId: form.teams[0]!.id } : {});
    const memberIds = values.memberIds === undefined ? [] : Array.isArray(values.memberIds) ? values.memberIds : [values.memberIds];
    return reply.code(extra.status ?? 200).view('care/views/plans/open.njk', {
      title: `Open care coordination for ${name}`,
      hideCrisisPanel: true,
      ...form,
      name,
      values: { ...values, memberIds },
      errors: extra.errors,
      backHref: paths.personCoordinations(form.person.id),
    });
  };
  app.get(paths.coordinationNew(), { config: write }, async (request: PersonRequest, reply) => showOpen(request, reply));
  app.post(paths.coordinationNew(), { config: write }, async (request: PersonRequest, reply) => {
    const parsed = parseInput(openSchema, request.body);
    const show = (extra: Shown) => showOpen(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      const id = await openCoordination(platform, request.actor, request.params.personId, parsed.data, request.ip);
      return reply.redirect(paths.coordination(id), 303);
    }, show);
  });

  // ---- a coordination: its key worker, care team and closing ----

  const showCoordination = async (request: IdRequest, reply: FastifyReply, extra: Shown & { form?: string } = {}) => {
    let page: Awaited<ReturnType<typeof coordinationPage>>;
    try {
      page = await coordinationPage(platform, request.actor, request.params.id, request.ip);
    } catch (error) {
      if (error instanceof NotFoundError) await auditCoordinationDenied(platform, request.actor, request.params.id, 'care.coordination.view', request.ip);
      throw error;
    }
    // A form of the page posted by someone who may only read it: refused as if the form were not there, before its errors are shown.
    if (extra.form && !page.mayChange) throw new NotFoundError();
    const person = page.person;
    return reply.code(extra.status ?? 200).view('care/views/plans/coordination.njk', {
      title: `Care coordination: ${person.given_name} ${person.family_name}`,
      hideCrisisPanel: true,
      ...page,
      c: page.found.coordination,
      person,
      paths,
      personHref: peoplePaths.person(person.id),
      form: extra.form,
      values: extra.values ?? {},
      errors: extra.errors,
    });
  };
  app.get(paths.coordination(), { config: read }, async (request: IdRequest, reply) => showCoordination(request, reply));

  app.post(paths.keyWorker(), { config: write }, async (request: IdRequest, reply) => {
    const parsed = parseInput(keyWorkerSchema, request.body);
    const show = (extra: Shown) => showCoordination(request, reply, { ...extra, form: 'keyWorker' });
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      await changeKeyWorker(platform, request.actor, request.params.id, parsed.data, request.ip);
      return reply.redirect(paths.coordination(request.params.id), 303);
    }, show);
  });

  app.post(paths.careTeam(), { config: write }, async (request: IdRequest, reply) => {
    const parsed = parseInput(memberSchema, request.body);
    const show = (extra: Shown) => showCoordination(request, reply, { ...extra, form: 'member' });
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      await addCareTeamMember(platform, request.actor, request.params.id, parsed.data, request.ip);
      return reply.redirect(paths.coordination(request.params.id), 303);
    }, show);
  });

  app.post(paths.careTeamRemove(), { config: write }, async (request: FastifyRequest<{ Params: { id: string; memberId: string } }>, reply) => {
    await removeCareTeamMember(platform, request.actor, request.params.id, request.params.memberId, request.ip);
    return reply.redirect(paths.coordination(request.params.id), 303);
  });

  const showClose = async (request: IdRequest, reply: FastifyReply, extra: Shown = {}) => {
    const page = await coordinationPage(platform, request.actor, request.params.id, request.ip);
    if (!page.mayChange) throw new NotFoundError();
    return reply.code(extra.status ?? 200).view('care/views/plans/close.njk', {
      title: 'Close care coordination',
      hideCrisisPanel: true,
      ...page,
      c: page.found.coordination,
      values: extra.values ?? { version: page.found.coordination.version },
      errors: extra.errors,
      backHref: paths.coordination(request.params.id),
    });
  };
  app.get(paths.coordinationClose(), { config: write }, async (request: IdRequest, reply) => showClose(request, reply));
  app.post(paths.coordinationClose(), { config: write }, async (request: IdRequest, reply) => {
    const parsed = parseInput(closeSchema, request.body);
    const show = (extra: Shown) => showClose(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      const closed = await closeCoordination(platform, request.actor, request.params.id, parsed.data, closePlanWork, request.ip);
      // A confirmation page, not a redirect: once closed, the team may no longer see the coordination or the person.
      return reply.view('care/views/plans/closed.njk', {
        title: 'Care coordination closed',
        hideCrisisPanel: true,
        ...closed,
        coordinationHref: closed.stillInvolved ? paths.coordination(request.params.id) : null,
        personHref: closed.stillInvolved ? peoplePaths.person(closed.personId) : null,
      });
    }, show);
  });

  // ---- the shared plan ----

  app.get(paths.plan(), { config: read }, async (request: IdRequest, reply) => {
    const page = await planPage(platform, request.actor, request.params.id, request.ip);
    return reply.view('care/views/plans/plan.njk', { title: 'Shared plan', hideCrisisPanel: true, ...page, c: page.found.coordination, sections: SECTIONS, paths, doneHref: (actionId: string) => paths.planActionDone(request.params.id, actionId), backHref: paths.coordination(request.params.id) });
  });

  const showEdit = async (request: IdRequest, reply: FastifyReply, extra: Shown & { conflict?: PlanConflictError } = {}) => {
    const page = await planForEdit(platform, request.actor, request.params.id, request.ip);
    const values = extra.values ?? page.values;
    const view = extra.conflict ? 'care/views/plans/conflict.njk' : 'care/views/plans/edit.njk';
    return reply.code(extra.status ?? 200).view(view, {
      title: extra.conflict ? 'This plan changed since you opened it' : page.plan.version === 0 ? 'Write the shared plan' : 'Change the shared plan',
      hideCrisisPanel: true,
      ...page,
      c: page.found.coordination,
      // On a conflict, the form carries what was typed with the version now saved: saving again is a deliberate choice.
      values: extra.conflict ? { ...values, version: extra.conflict.currentVersion } : values,
      rows: rowsOf(values),
      saved: extra.conflict?.current ?? null,
      labelItems: labelItems(),
      sections: SECTIONS,
      paths,
      errors: extra.errors,
      backHref: paths.plan(request.params.id),
    });
  };
  app.get(paths.planEdit(), { config: write }, async (request: IdRequest, reply) => showEdit(request, reply));
  app.post(paths.planEdit(), { config: write }, async (request: IdRequest, reply) => {
    const parsed = parsePlanForm(request.body, todayIn(platform));
    const show = (extra: Shown) => showEdit(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    try {
      return await orShowErrors(request, async () => {
        await savePlan(platform, request.actor, request.params.id, parsed.data, request.ip);
        return reply.redirect(paths.plan(request.params.id), 303);
      }, show);
    } catch (error) {
      if (error instanceof PlanConflictError) return showEdit(request, reply, { conflict: error, values: request.body as Record<string, unknown>, status: 409 });
      throw error;
    }
  });

  app.post(paths.planActionDone(), { config: write }, async (request: FastifyRequest<{ Params: { id: string; actionId: string } }>, reply) => {
    await markActionDone(platform, request.actor, request.params.id, request.params.actionId, request.ip);
    return reply.redirect(paths.plan(request.params.id), 303);
  });

  app.get(paths.planHistory(), { config: read }, async (request: IdRequest, reply) => {
    const page = await planHistory(platform, request.actor, request.params.id, request.ip);
    return reply.view('care/views/plans/history.njk', { title: 'Versions of the shared plan', hideCrisisPanel: true, ...page, c: page.found.coordination, versionHref: (v: number) => paths.planVersion(request.params.id, v), backHref: paths.plan(request.params.id) });
  });

  app.get(paths.planVersion(), { config: read }, async (request: FastifyRequest<{ Params: { id: string; version: string } }>, reply) => {
    const page = await planVersion(platform, request.actor, request.params.id, versionParam(request.params.version), request.ip);
    return reply.view('care/views/plans/version.njk', {
      title: `Shared plan, version ${page.shown.version}`,
      hideCrisisPanel: true,
      ...page,
      c: page.found.coordination,
      versionHref: (v: number) => paths.planVersion(request.params.id, v),
      historyHref: paths.planHistory(request.params.id),
      backHref: paths.planHistory(request.params.id),
    });
  });

  // ---- the person's own plans ----

  app.get(paths.myPlan, { config: own }, async (request, reply) => {
    const page = await myPlans(platform, request.actor, request.ip);
    return reply.view('care/views/plans/my-plans.njk', { title: 'Your plan', ...page, sections: SECTIONS, historyHref: paths.myPlanHistory, backHref: peoplePaths.myRecord });
  });

  app.get(paths.myPlanHistory(), { config: own }, async (request: FastifyRequest<{ Params: { planId: string } }>, reply) => {
    const page = await myPlanHistory(platform, request.actor, request.params.planId, request.ip);
    return reply.view('care/views/plans/history.njk', { title: 'Versions of your plan', own: true, ...page, versionHref: (v: number) => paths.myPlanVersion(request.params.planId, v), backHref: paths.myPlan });
  });

  app.get(paths.myPlanVersion(), { config: own }, async (request: FastifyRequest<{ Params: { planId: string; version: string } }>, reply) => {
    const page = await myPlanVersion(platform, request.actor, request.params.planId, versionParam(request.params.version), request.ip);
    return reply.view('care/views/plans/version.njk', {
      title: `Your plan, version ${page.shown.version}`,
      own: true,
      ...page,
      versionHref: (v: number) => paths.myPlanVersion(request.params.planId, v),
      historyHref: paths.myPlanHistory(request.params.planId),
      backHref: paths.myPlanHistory(request.params.planId),
    });
  });

  // ---- a network member's view ----

  app.get(paths.sharedPlan(), { config: network }, async (request: FastifyRequest<{ Params: { personId: string; label: string } }>, reply) => {
    const label = request.params.label as PrivacyLabel;
    if (!(PRIVACY_LABELS as readonly string[]).includes(label)) throw new NotFoundError();
    const page = await sharedPlans(platform, request.actor, request.params.personId, label, request.ip);
    return reply.view('care/views/plans/shared.njk', { title: 'Care plan shared with you', ...page, sections: SECTIONS });
  });
}
