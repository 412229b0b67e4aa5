// The "Get help" pages. Answers live in a server-side draft keyed by a random cookie, so the journey
// needs no sign-in and no JavaScript; a double click or a refresh on submit creates one request.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/ids.ts';
import { type FormErrors, parseInput } from '../../platform/http/problems.ts';
import { cookieName } from '../../platform/http/security.ts';
import { DISABILITY, ETHNICITY, GENDER, RELIGION, SEXUAL_ORIENTATION } from '../../platform/identifiers/equality.ts';
import { STATUS_WORDS } from './status.ts';
import {
  type Answers,
  agreementProblem,
  applicableSteps,
  CONTACT_METHODS,
  firstMissing,
  nextAfter,
  stepBySlug,
  toSubmission,
} from './journey.ts';
import { paths } from './paths.ts';
import { claimDraft, draftByHash, requestById, saveDraft } from './store.ts';
import { submitRequest } from './submit.ts';

const DRAFT_HOURS = 24;

class AlreadySubmitted extends Error {}

function hashOf(id: string): string {
  return crypto.createHash('sha256').update(id).digest('hex');
}

/** Error summary links go to the first input of a date (NHS service manual: date input). */
export function linkDates(errors: FormErrors): FormErrors {
  return { ...errors, summary: errors.summary.map((e) => (e.href === '#dateOfBirth' ? { ...e, href: '#dateOfBirth-day' } : e)) };
}

export default async function journeyRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  const now = () => platform.clock.now();
  const cookie = cookieName(platform.config, 'get-help');
  const lists = { CONTACT_METHODS, ETHNICITY, GENDER, SEXUAL_ORIENTATION, RELIGION, DISABILITY };

  function draftId(request: FastifyRequest): string | undefined {
    const raw = request.cookies[cookie];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    return unsigned.valid && unsigned.value ? unsigned.value : undefined;
  }

  async function loadDraft(request: FastifyRequest) {
    const id = draftId(request);
    if (!id) return undefined;
    const row = await draftByHash(platform.db.read, hashOf(id), now());
    return row ? { id, row, answers: parseJson<Answers>(row.answers) ?? {} } : undefined;
  }

  function setDraftCookie(reply: FastifyReply, id: string) {
    reply.setCookie(cookie, id, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: platform.config.cookieSecure,
      signed: true,
      maxAge: DRAFT_HOURS * 3600,
    });
  }

  // The start page: what this is, and what to do in an emergency.
  app.get(paths.getHelp, { config: { public: true } }, async (_request, reply) => {
    return reply.view('front-door/views/get-help/start.njk', { title: 'Ask for help with your mental health' });
  });

  // Check your answers, then send.
  app.get(`${paths.getHelp}/check`, { config: { public: true } }, async (request, reply) => {
    const draft = await loadDraft(request);
    if (!draft || draft.row.submitted_request_id) return reply.redirect(`${paths.getHelp}/who`, 303);
    const missing = firstMissing(draft.answers, now);
    if (missing) return reply.redirect(`${paths.getHelp}/${missing.slug}`, 303);
    return reply.view('front-door/views/get-help/check.njk', { title: 'Check your answers before sending', a: draft.answers, lists, steps: applicableSteps(draft.answers).map((s) => s.slug) });
  });

  app.post(
    `${paths.getHelp}/check`,
    { config: { public: true, rateLimit: { max: platform.config.rateLimits.apiPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const draft = await loadDraft(request);
      if (!draft) return reply.redirect(`${paths.getHelp}/who`, 303);
      if (draft.row.submitted_request_id) return reply.redirect(`${paths.getHelp}/confirmation`, 303);
      const missing = firstMissing(draft.answers, now);
      if (missing) return reply.redirect(`${paths.getHelp}/${missing.slug}`, 303);
      const problem = agreementProblem(draft.answers);
      if (problem) {
        return reply.code(400).view('front-door/views/get-help/check.njk', {
          title: 'Check your answers before sending',
          a: draft.answers,
          lists,
          steps: applicableSteps(draft.answers).map((s) => s.slug),
          errors: { summary: [{ text: problem, href: '#personAgreed' }], fields: {} },
        });
      }
      const idHash = hashOf(draft.id);
      try {
        await submitRequest(platform, toSubmission(draft.answers), { userId: null, role: null, address: request.ip }, {
          within: async (tx, submitted) => {
            // A second click finds the draft already claimed: undo this one and show the first.
            if (!(await claimDraft(tx, idHash, submitted.id, now()))) throw new AlreadySubmitted();
          },
        });
      } catch (error) {
        if (!(error instanceof AlreadySubmitted)) throw error;
      }
      return reply.redirect(`${paths.getHelp}/confirmation`, 303);
    },
  );

  // What happens next, by when, and what to do in a crisis.
  app.get(`${paths.getHelp}/confirmation`, { config: { public: true } }, async (request, reply) => {
    const draft = await loadDraft(request);
    const requestId = draft?.row.submitted_request_id;
    if (!requestId) return reply.redirect(paths.getHelp, 303);
    const r = await requestById(platform.db.read, requestId);
    if (!r) return reply.redirect(paths.getHelp, 303);
    return reply.view('front-door/views/get-help/confirmation.njk', {
      title: 'We have your request',
      reference: r.reference,
      contactBy: r.contact_target_at,
      urgency: r.urgency,
      highRisk: r.risk_level === 'high',
      notScreened: r.words_unscreened === 1 && r.risk_level !== 'high',
      onBehalf: r.source !== 'self',
      status: STATUS_WORDS[r.status],
    });
  });

  // One question a page.
  app.get<{ Params: { step: string }; Querystring: { change?: string } }>(`${paths.getHelp}/:step`, { config: { public: true } }, async (request, reply) => {
    const step = stepBySlug(request.params.step);
    if (!step) return reply.callNotFound();
    const draft = await loadDraft(request);
    if (draft?.row.submitted_request_id) return reply.redirect(`${paths.getHelp}/confirmation`, 303);
    const a = draft?.answers ?? {};
    if (step.slug !== 'who' && !a.who) return reply.redirect(`${paths.getHelp}/who`, 303);
    return reply.view(`front-door/views/get-help/${step.template}.njk`, {
      title: step.title(a),
      a,
      values: a,
      lists,
      change: request.query.change === '1',
      backHref: backOf(step.slug, a),
    });
  });

  app.post<{ Params: { step: string }; Querystring: { change?: string } }>(
    `${paths.getHelp}/:step`,
    { config: { public: true, rateLimit: { max: platform.config.rateLimits.apiPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const step = stepBySlug(request.params.step);
      if (!step) return reply.callNotFound();
      const draft = await loadDraft(request);
      if (draft?.row.submitted_request_id) return reply.redirect(`${paths.getHelp}/confirmation`, 303);
      const a = draft?.answers ?? {};
      const change = request.query.change === '1';
      const parsed = parseInput(step.schema(now), { ...(request.body as object), who: (request.body as Answers).who ?? a.who });
      if (!parsed.ok) {
        return reply.code(400).view(`front-door/views/get-help/${step.template}.njk`, {
          title: step.title(a),
          a,
          values: parsed.values,
          lists,
          change,
          errors: linkDates(parsed.errors),
          backHref: backOf(step.slug, a),
        });
      }
      let answers: Answers = { ...a, ...parsed.data };
      if (step.slug === 'who' && answers.who === 'self') {
        // Asking for yourself: forget anything said about a referrer.
        answers = Object.fromEntries(Object.entries(answers).filter(([k]) => !k.startsWith('referrer') && k !== 'personAgreed')) as Answers;
      }
      const id = draft?.id ?? crypto.randomBytes(32).toString('base64url');
      const at = now();
      await platform.db.write((tx) => saveDraft(tx, hashOf(id), answers, at, new Date(at.getTime() + DRAFT_HOURS * 3600_000)));
      if (!draft) setDraftCookie(reply, id);
      return reply.redirect(`${paths.getHelp}/${nextAfter(step.slug, answers, change, now)}`, 303);
    },
  );
}

function backOf(slug: string, a: Answers): string {
  const steps = applicableSteps(a);
  const i = steps.findIndex((s) => s.slug === slug);
  return i <= 0 ? paths.getHelp : `${paths.getHelp}/${steps[i - 1]!.slug}`;
}
