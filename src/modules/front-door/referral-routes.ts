// Referral pages for signed-in professionals and champions: the one-page form, its confirmation,
// and "Your referrals". Each route needs front-door:referral:create; others get the 404 page.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { type FormErrors, formErrors, InputError, parseInput } from '../../platform/http/problems.ts';
import { linkDates } from './journey-routes.ts';
import { paths } from './paths.ts';
import { newFormToken, ownReferral, ownReferrals, REFER, REFERRALS_SHOWN, referrerKind, sendReferral } from './referral.ts';
import { FORM_TOKEN, type ReferrerKind, referralSchema } from './schemas.ts';
import { STATUS_WORDS } from './status.ts';

const refer = { permission: REFER } as const;
const FORM = 'front-door/views/refer/form.njk';
const TITLE = 'Refer someone for help';

export default async function referralRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  const now = () => platform.clock.now();

  function form(reply: FastifyReply, kind: ReferrerKind, values: Record<string, unknown>, errors?: FormErrors) {
    // What was typed comes back, with its form token when it is one of ours (nothing was sent with it).
    const formToken = typeof values.formToken === 'string' && FORM_TOKEN.test(values.formToken) ? values.formToken : newFormToken();
    return reply.code(errors ? 400 : 200).view(FORM, { title: TITLE, kind, values: { ...values, formToken }, errors: errors && linkDates(errors) });
  }

  app.get(paths.refer, { config: refer }, async (request, reply) => form(reply, referrerKind(request.actor), {}));

  app.post(paths.refer, { config: { ...refer, rateLimit: { max: platform.config.rateLimits.apiPerMinute, timeWindow: '1 minute' } } }, async (request, reply) => {
    const kind = referrerKind(request.actor);
    const parsed = parseInput(referralSchema(now, kind), request.body);
    if (!parsed.ok) return form(reply, kind, parsed.values, parsed.errors);
    try {
      const id = await sendReferral(platform, request.actor, parsed.data, request.ip);
      return reply.redirect(paths.referralSent(id), 303);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return form(reply, kind, request.body as Record<string, unknown>, formErrors(error.errors));
    }
  });

  // The reference and the contact target, for the referrer's own referral only.
  app.get<{ Params: { id: string } }>(paths.referralSent(), { config: refer }, async (request, reply) => {
    const r = await ownReferral(platform, request.actor, request.params.id, request.ip);
    return reply.view('front-door/views/refer/sent.njk', {
      title: 'Referral sent',
      reference: r.reference,
      contactBy: r.contact_target_at,
      highRisk: r.risk_level === 'high',
      status: STATUS_WORDS[r.status],
    });
  });

  app.get(paths.myReferrals, { config: refer }, async (request, reply) => {
    const rows = await ownReferrals(platform, request.actor, request.ip);
    return reply.view('front-door/views/refer/mine.njk', {
      title: 'Your referrals',
      shown: REFERRALS_SHOWN,
      rows: rows.map((r) => ({ ...r, status: STATUS_WORDS[r.status] })),
    });
  });
}
