// Provider admin pages: my organisation's services; create, edit, archive, mark as reviewed.
// Signed in with `directory:services:manage`; the organisation check is in each domain call.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { type FieldError, formErrors, InputError, parseInput } from '../../platform/http/problems.ts';
import { ACCESS_LABELS, NEEDS_TAXONOMY_ID } from './directory.ts';
import {
  archiveService,
  createService,
  formValues,
  listManaged,
  loadManaged,
  MANAGE,
  type ManageEffects,
  manageableOrganisations,
  markReviewed,
  referralTeamChoice,
  setReferralTeam,
  updateService,
} from './manage.ts';
import { ACCESS_ROUTES, BANK_HOLIDAY_RULES, SERVICE_STATUSES, type ServiceRecord } from './model.ts';
import { paths } from './paths.ts';
import { DAY_FIELDS, referralTeamSchema, serviceFormSchema } from './schemas.ts';
import { listTaxonomyTerms, platformOrganisationNames, serviceHistory } from './store.ts';

const DAY_LABELS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const BANK_HOLIDAY_LABELS: Record<string, string> = { 'sunday-hours': 'Open on Sunday hours', 'as-usual': 'Open as usual', closed: 'Closed' };

export function manageRoutes(app: FastifyInstance, platform: Platform, effects: ManageEffects): void {
  const config = { permission: MANAGE };

  async function formPage(
    reply: FastifyReply,
    opts: { id: string | null; values: Record<string, unknown>; errors?: FieldError[]; history?: unknown[]; status?: number; record?: ServiceRecord },
  ) {
    const actor = reply.request.actor;
    const referralTeams = opts.id ? await referralTeamChoice(platform, actor, opts.id) : null;
    const needs = await listTaxonomyTerms(platform.db.read, { taxonomyId: NEEDS_TAXONOMY_ID });
    const orgIds = manageableOrganisations(actor);
    const orgs = await platformOrganisationNames(platform.db.read, orgIds);
    return reply.code(opts.status ?? 200).view('directory/views/manage/form.njk', {
      title: opts.id ? 'Change a service' : 'Add a service',
      id: opts.id,
      action: opts.id ? paths.manageUpdateHref(opts.id) : paths.manageCreate,
      values: opts.values,
      // A figure the availability board keeps live (a crisis place's holds and stays) is shown, not offered for change.
      liveCapacity: opts.record?.capacity.find((c) => c.live) ?? null,
      errors: opts.errors ? formErrors(opts.errors) : undefined,
      history: opts.history ?? [],
      organisations: opts.id ? [] : orgs.map((o) => ({ value: o.id, text: o.name })),
      needItems: needs.map((n) => ({ value: n.id, text: n.name })),
      accessItems: ACCESS_ROUTES.map((a) => ({ value: a, text: ACCESS_LABELS[a] })),
      statusItems: SERVICE_STATUSES.filter((s) => s !== 'defunct').map((s) => ({ value: s, text: s[0]!.toUpperCase() + s.slice(1) })),
      bankHolidayItems: BANK_HOLIDAY_RULES.map((r) => ({ value: r, text: BANK_HOLIDAY_LABELS[r] })),
      days: DAY_FIELDS.map((d, i) => ({ key: d, label: DAY_LABELS[i] })),
      reviewedHref: opts.id ? paths.manageReviewedHref(opts.id) : null,
      referralTeamHref: opts.id ? paths.manageReferralTeamHref(opts.id) : null,
      referralTeamItems: referralTeams ? [{ value: '', text: 'Anyone in the organisation who answers referrals' }, ...referralTeams.teams.map((t) => ({ value: t.id, text: t.name }))] : [],
      referralTeamId: opts.values.referralTeamId ?? referralTeams?.current ?? '',
      archiveHref: opts.id ? paths.manageArchiveHref(opts.id) : null,
    });
  }

  // My organisation's services, with those due a review flagged.
  app.get(paths.manage, { config }, async (request, reply) => {
    const services = await listManaged(platform, request.actor);
    return reply.view('directory/views/manage/list.njk', { title: 'Your services', services, newHref: paths.manageNew });
  });

  app.get(paths.manageNew, { config }, async (_request, reply) => {
    return formPage(reply, { id: null, values: { status: 'active', free: 'yes', accepting: 'yes', bankHolidays: 'sunday-hours', howToAccess: ['self-referral'] } });
  });

  app.post(paths.manageCreate, { config }, async (request, reply) => {
    const parsed = parseInput(serviceFormSchema, request.body);
    if (!parsed.ok) return formPage(reply, { id: null, values: parsed.values, errors: parsed.fieldErrors, status: 400 });
    try {
      await createService(platform, effects, request.actor, parsed.data);
    } catch (error) {
      if (error instanceof InputError) return formPage(reply, { id: null, values: request.body as Record<string, unknown>, errors: error.errors, status: 400 });
      throw error;
    }
    return reply.redirect(paths.manage, 303);
  });

  app.get<{ Params: { id: string } }>(paths.manageEdit, { config }, async (request, reply) => {
    const record = await loadManaged(platform, request.actor, request.params.id);
    const history = await serviceHistory(platform.db.read, record.id);
    return formPage(reply, { id: record.id, values: formValues(record), history, record });
  });

  app.post<{ Params: { id: string } }>(paths.manageUpdate, { config }, async (request, reply) => {
    const id = request.params.id;
    const record = await loadManaged(platform, request.actor, id);
    const parsed = parseInput(serviceFormSchema, request.body);
    if (!parsed.ok) return formPage(reply, { id, values: parsed.values, errors: parsed.fieldErrors, status: 400, record });
    try {
      await updateService(platform, effects, request.actor, id, parsed.data);
    } catch (error) {
      if (error instanceof InputError) return formPage(reply, { id, values: request.body as Record<string, unknown>, errors: error.errors, status: 400, record });
      throw error;
    }
    return reply.redirect(paths.manage, 303);
  });

  app.post<{ Params: { id: string } }>(paths.manageArchive, { config }, async (request, reply) => {
    await archiveService(platform, effects, request.actor, request.params.id);
    return reply.redirect(paths.manage, 303);
  });

  app.post<{ Params: { id: string } }>(paths.manageReferralTeam, { config }, async (request, reply) => {
    const id = request.params.id;
    // Refused: the service's page again, with the error summary and the team chosen.
    const refuse = async (errors: FieldError[], values: Record<string, unknown>) => {
      const record = await loadManaged(platform, request.actor, id);
      return formPage(reply, { id, values: { ...formValues(record), ...values }, errors, history: await serviceHistory(platform.db.read, id), status: 400, record });
    };
    const parsed = parseInput(referralTeamSchema, request.body ?? {});
    if (!parsed.ok) return refuse(parsed.fieldErrors, parsed.values);
    const teamId = parsed.data.referralTeamId ?? '';
    try {
      await setReferralTeam(platform, effects, request.actor, id, teamId || null);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return refuse(error.errors, { referralTeamId: teamId });
    }
    return reply.redirect(paths.manage, 303);
  });

  app.post<{ Params: { id: string } }>(paths.manageReviewed, { config }, async (request, reply) => {
    await markReviewed(platform, effects, request.actor, request.params.id);
    return reply.redirect(paths.manage, 303);
  });
}
