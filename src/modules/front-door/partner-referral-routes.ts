// "Referrals to your services": the partner's side of a front door referral (partner-referrals.ts).
// Each route needs front-door:referral:receive and a membership of the organisation that runs the
// service; anyone else gets the 404 page. Works without JavaScript: lists are links, answers are forms.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/ids.ts';
import { freeText, optional } from '../../platform/http/fields.ts';
import { type FormErrors, formErrors, InputError, parseInput } from '../../platform/http/problems.ts';
import { paths } from './paths.ts';
import { DECLINE_REASONS, type DeclineReason, INBOX_SHOWN, INBOX_VIEWS, type InboxView, RECEIVE, type Response, receivedReferral, receivedReferrals, respondToReferral } from './partner-referrals.ts';

const receive = { permission: RECEIVE } as const;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const viewSchema = z.object({ view: z.enum(Object.keys(INBOX_VIEWS) as [InboxView, ...InboxView[]]).catch('new') });
const acceptSchema = z.object({ note: optional(freeText({ max: 1000, what: 'the note' })) });
const declineSchema = z.object({
  reasonKind: z.enum(DECLINE_REASONS.map((r) => r.value) as [DeclineReason, ...DeclineReason[]], { error: 'Choose why the referral is declined' }),
  reason: optional(freeText({ max: 1000, what: 'the reason' })),
});
const completeSchema = z.object({ note: freeText({ required: 'Say how the referral ended, for example: attended 6 sessions, discharged to their GP', max: 1000, what: 'how it ended' }) });

export default async function partnerReferralRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;

  app.get(paths.receivedReferrals, { config: receive }, async (request, reply) => {
    const { view } = viewSchema.parse(request.query ?? {});
    const inbox = await receivedReferrals(platform, request.actor, view, request.ip);
    return reply.view('front-door/views/received/list.njk', {
      title: `Referrals to your services: ${INBOX_VIEWS[view].title.toLowerCase()}`,
      hideCrisisPanel: true,
      view,
      viewTitle: INBOX_VIEWS[view].title,
      views: Object.entries(INBOX_VIEWS).map(([key, v]) => ({ key, title: v.title, count: v.statuses.reduce((n, s) => n + inbox.counts[s], 0), current: key === view })),
      shown: INBOX_SHOWN,
      ...inbox,
    });
  });

  async function render(request: IdRequest, reply: FastifyReply, extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number; form?: string } = {}) {
    const seen = await receivedReferral(platform, request.actor, request.params.id, request.ip);
    return reply.code(extra.status ?? 200).view('front-door/views/received/referral.njk', {
      title: `Referral to ${seen.service.name}`,
      hideCrisisPanel: true,
      ...seen,
      contact: parseJson<Record<string, unknown>>(seen.person?.contact_preferences ?? null),
      declineReasons: DECLINE_REASONS,
      errors: extra.errors,
      values: extra.values ?? {},
      form: extra.form,
      answered: typeof (request.query as { answered?: unknown } | undefined)?.answered === 'string' ? (request.query as { answered: string }).answered : null,
    });
  }

  app.get<{ Params: { id: string } }>(paths.receivedReferral(), { config: receive }, (request, reply) => render(request, reply));

  /** Parses an answer, gives it, and returns to the referral; bad input shows the page again with the error summary and what was typed. */
  function answer<S extends z.ZodType>(form: string, schema: S, toResponse: (data: z.output<S>) => Response) {
    return async (request: IdRequest, reply: FastifyReply) => {
      const parsed = parseInput(schema, request.body);
      if (!parsed.ok) return render(request, reply, { errors: parsed.errors, values: parsed.values, status: 400, form });
      try {
        await respondToReferral(platform, request.actor, request.params.id, toResponse(parsed.data), request.ip);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        return render(request, reply, { errors: formErrors(error.errors), values: request.body as Record<string, unknown>, status: 400, form });
      }
      return reply.redirect(`${paths.receivedReferral(request.params.id)}?answered=${form}`, 303);
    };
  }

  app.post(`${paths.receivedReferral()}/accept`, { config: receive }, answer('accept', acceptSchema, (d) => ({ action: 'accept', note: d.note ?? null })));
  app.post(`${paths.receivedReferral()}/decline`, { config: receive }, answer('decline', declineSchema, (d) => ({ action: 'decline', reasonKind: d.reasonKind, reason: d.reason ?? null })));
  app.post(`${paths.receivedReferral()}/complete`, { config: receive }, answer('complete', completeSchema, (d) => ({ action: 'complete', note: d.note })));
}
