// The hub team's queue: every open request by time left to its target, and the work on each.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/ids.ts';
import { type FormErrors, InputError, parseInput } from '../../platform/http/problems.ts';
import { teamsThatCoordinateCare } from '../care/index.ts';
import { serviceSummaries, suggestServices } from '../directory/index.ts';
import { paths } from './paths.ts';
import {
  addNote,
  assign,
  claim,
  closeArranged,
  decide,
  listBreaches,
  listQueue,
  markBreachReviewed,
  NEED_GROUPS,
  type QueueFilters,
  recordAttempt,
  setNeedGroup,
  viewRequest,
  withdrawReferral,
} from './queue.ts';
import { assignSchema, attemptSchema, closeSchema, decisionSchema, needGroupSchema, noFields, noteSchema, queueFilterSchema, reviewSchema, withdrawSchema } from './schemas.ts';
import { STATUS_WORDS } from './status.ts';
import { timeLeft } from './time-left.ts';

const act = { permission: 'front-door:queue:act' } as const;
const number = new Intl.NumberFormat('en-GB');
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** A page of the queue with these filters, as a link. */
function queueHref(f: QueueFilters, page: number): string {
  const params = new URLSearchParams();
  if (f.urgency) params.set('urgency', f.urgency);
  if (f.status) params.set('status', f.status);
  if (f.owner) params.set('owner', f.owner);
  if (f.source) params.set('source', f.source);
  if (f.needGroup) params.set('needGroup', f.needGroup);
  if (f.breached) params.set('breached', 'yes');
  if (page > 1) params.set('page', String(page));
  const query = params.toString();
  return query ? `${paths.queue}?${query}` : paths.queue;
}

/**
 * The NHS pagination component's links: previous and next, and numbered pages (the first, the last,
 * and those either side of this one, with ellipses between), as the design system's numbered
 * pagination shows them. Nothing when there is one page.
 */
function pageLinks(page: number, pages: number, href: (n: number) => string) {
  if (pages <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  shown.forEach((n, i) => {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === page });
  });
  return {
    previous: page > 1 && page <= pages ? { href: href(page - 1) } : undefined,
    next: page < pages ? { href: href(page + 1) } : undefined,
    items,
  };
}

export default async function queueRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;

  // The queue, a page at a time, ordered by time left; filters and page as GET parameters so it
  // works without JavaScript and every page is a link.
  app.get(paths.queue, { config: { permission: 'front-door:queue:read' } }, async (request, reply) => {
    const parsed = parseInput(queueFilterSchema, request.query);
    const { page, ...filters } = parsed.ok ? parsed.data : { breached: false, page: 1 };
    const queue = await listQueue(platform, request.actor, filters, page, request.ip);
    const href = (n: number) => queueHref(filters, n);
    return reply.code(parsed.ok ? 200 : 400).view('front-door/views/queue/index.njk', {
      title: queue.pages > 1 ? `Front door queue (page ${page} of ${queue.pages})` : 'Front door queue',
      hideCrisisPanel: true,
      now: queue.now.toISOString(),
      rows: queue.rows.map((r) => ({ ...r, timeLeft: timeLeft(r, queue.now) })),
      counts: Object.fromEntries(Object.entries(queue.counts).map(([k, n]) => [k, { n, text: number.format(n) }])),
      filtered: queue.filtered,
      page,
      pages: queue.pages,
      pastEnd: queue.pastEnd,
      from: number.format((page - 1) * queue.pageSize + 1),
      to: number.format((page - 1) * queue.pageSize + queue.rows.length),
      pagination: pageLinks(page, queue.pages, href),
      lastPageHref: href(queue.pages),
      missedHref: queueHref({ breached: true }, 1),
      values: request.query,
      errors: parsed.ok ? undefined : parsed.errors,
    });
  });

  // A request: the person, what they said, the timeline, and the actions.
  app.get(paths.request(), { config: { permission: 'front-door:queue:read' } }, async (request: IdRequest, reply) => {
    return renderRequest(request, reply);
  });

  async function renderRequest(request: IdRequest, reply: FastifyReply, extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number } = {}) {
    const view = await viewRequest(platform, request.actor, request.params.id, request.ip);
    const suggestions = await suggestServices(platform, { text: `${view.request.story} ${view.request.what_would_help ?? ''}`, postcode: view.person?.postcode ?? null, limit: 8 });
    return reply.code(extra.status ?? 200).view('front-door/views/queue/request.njk', {
      title: `Request ${view.request.reference}`,
      hideCrisisPanel: true,
      now: platform.clock.now().toISOString(),
      ...view,
      riskFlags: parseJson<{ category: string }[]>(view.request.risk_flags) ?? [],
      referrer: parseJson<Record<string, string | null>>(view.request.referrer),
      decisionDetail: parseJson<Record<string, unknown>>(view.request.decision_detail),
      contact: parseJson<{ methods?: string[]; safeTimes?: string; mayLeaveMessage?: boolean }>(view.person?.contact_preferences ?? null),
      events: view.events.map((e) => ({ ...e, detail: parseJson<Record<string, unknown>>(e.detail) })),
      status: STATUS_WORDS[view.request.status],
      timeLeft: timeLeft(view.request, platform.clock.now()),
      needGroups: NEED_GROUPS,
      suggestions,
      // The teams a "care coordination" decision may name (care module).
      careTeams: await teamsThatCoordinateCare(platform.db.read),
      errors: extra.errors,
      values: extra.values ?? {},
    });
  }

  /** Parses a form, runs the action, and returns to the request; on bad input shows the page again with the errors. */
  function action<S extends Parameters<typeof parseInput>[0]>(schema: S, run: (request: IdRequest, data: ReturnType<S['parse']>) => Promise<unknown>) {
    return async (request: IdRequest, reply: FastifyReply) => {
      const parsed = parseInput(schema, request.body);
      if (!parsed.ok) return renderRequest(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
      try {
        await run(request, parsed.data as ReturnType<S['parse']>);
      } catch (error) {
        if (error instanceof InputError) {
          const errors = { summary: error.errors.map((e) => ({ text: e.message, href: `#${e.field}` })), fields: Object.fromEntries(error.errors.map((e) => [e.field, { text: e.message }])) };
          return renderRequest(request, reply, { errors, values: request.body as Record<string, unknown>, status: 400 });
        }
        throw error;
      }
      return reply.redirect(paths.request(request.params.id), 303);
    };
  }

  app.post(`${paths.request()}/claim`, { config: act }, action(noFields, (r) => claim(platform, r.actor, r.params.id, r.ip)));
  app.post(`${paths.request()}/assign`, { config: act }, action(assignSchema, (r, d) => assign(platform, r.actor, r.params.id, d.owner, r.ip)));
  app.post(`${paths.request()}/attempts`, { config: act }, action(attemptSchema, (r, d) => recordAttempt(platform, r.actor, r.params.id, d, r.ip)));
  app.post(`${paths.request()}/notes`, { config: act }, action(noteSchema, (r, d) => addNote(platform, r.actor, r.params.id, d.text, r.ip)));
  app.post(`${paths.request()}/need-group`, { config: act }, action(needGroupSchema, (r, d) => setNeedGroup(platform, r.actor, r.params.id, d.needGroup, r.ip)));
  app.post(`${paths.request()}/close`, { config: act }, action(closeSchema, (r, d) => closeArranged(platform, r.actor, r.params.id, d.outcome, r.ip)));
  app.post(`${paths.request()}/withdraw-referral`, { config: act }, action(withdrawSchema, (r, d) => withdrawReferral(platform, r.actor, r.params.id, d.withdrawReason, r.ip)));
  app.post(
    `${paths.request()}/decision`,
    { config: act },
    action(decisionSchema, async (r, d) => {
      const ids = d.decision === 'signpost' ? d.serviceIds : d.serviceId ? [d.serviceId] : [];
      const services = await serviceSummaries(platform, ids);
      if (services.length !== ids.length) throw new InputError([{ field: d.decision === 'signpost' ? 'serviceIds' : 'serviceId', message: 'Select services from the directory' }]);
      switch (d.decision) {
        case 'signpost':
          return decide(platform, r.actor, r.params.id, { kind: 'signpost', serviceIds: ids, services, message: d.message ?? null }, r.ip);
        case 'refer':
          return decide(platform, r.actor, r.params.id, { kind: 'refer', serviceId: ids[0]!, serviceName: services[0]!.name, reason: d.reason ?? '', personAgreed: d.personAgreed }, r.ip);
        case 'care-coordination':
          return decide(platform, r.actor, r.params.id, { kind: 'care-coordination', teamId: d.teamId ?? '', reason: d.reason ?? '' }, r.ip);
        case 'crisis':
          return decide(platform, r.actor, r.params.id, { kind: 'crisis', reason: d.reason ?? '', priority: d.crisisPriority }, r.ip);
        default:
          return decide(platform, r.actor, r.params.id, { kind: 'close', reason: d.reason ?? '' }, r.ip);
      }
    }),
  );

  // Breaches, for the team lead's review.
  app.get(paths.breaches, { config: { permission: 'front-door:breaches:read' } }, async (request, reply) => {
    const breaches = await listBreaches(platform, request.actor);
    return reply.view('front-door/views/queue/breaches.njk', { title: 'Contact targets missed', hideCrisisPanel: true, breaches });
  });

  app.post<{ Params: { id: string } }>(`${paths.breaches}/:id/review`, { config: { permission: 'front-door:breaches:read' } }, async (request, reply) => {
    const parsed = parseInput(reviewSchema, request.body);
    if (!parsed.ok) {
      const breaches = await listBreaches(platform, request.actor);
      return reply.code(400).view('front-door/views/queue/breaches.njk', { title: 'Contact targets missed', hideCrisisPanel: true, breaches, errors: parsed.errors, values: parsed.values, failedId: request.params.id });
    }
    await markBreachReviewed(platform, request.actor, request.params.id, parsed.data.note);
    return reply.redirect(paths.breaches, 303);
  });
}
