// Safety plans (issue 6, item 4): the same pages for three audiences. Practitioners reach a person's
// plan from the record or an episode (route permission `people:read`; the domain checks that their
// team may see the person, and `crisis:act` or `care:write` there to write). The person reads and
// writes their own in the portal (`me:record:read`, `me:record:write`), never by an id in the
// address. Network members the person shares it with read it (`me:network:read`, and the
// 'safety-plan' label, checked in the domain). Every page and the PDF are audited there.
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import { asArray } from '../../platform/http/fields.ts';
import { type FormErrors, NotFoundError, orShowErrors, parseInput } from '../../platform/http/problems.ts';
import { PEOPLE_READ, peoplePaths, registerNetworkView, registerPersonSource } from '../people/index.ts';
import { paths } from './paths.ts';
import {
  type CopyChannel,
  conflictPage,
  copyDestinations,
  MAX_ROWS,
  networkViewer,
  PlanChanged,
  type PlanPage,
  personViewer,
  planForEditing,
  planTimeline,
  planHistory,
  planSchema,
  planVersion,
  practitionerViewer,
  rowCounts,
  SAFETY_PLAN_LABEL,
  SOURCE,
  STEPS,
  savePlan,
  sendPlanCopy,
  type Viewer,
  viewPlan,
} from './safety-plan.ts';
import { safetyPlanPdf } from './safety-plan-pdf.ts';

type PersonRequest = FastifyRequest<{ Params: { personId: string } }>;
type VersionRequest = FastifyRequest<{ Params: { version: string } }>;
type PersonVersionRequest = FastifyRequest<{ Params: { personId: string; version: string } }>;

/** Where an audience's pages are, for one person. */
interface Links {
  show: string;
  /** Send a copy to the person's email or phone (the person's own pages, and practitioners'). */
  send?: string;
  edit: string | null;
  history: string | null;
  version: ((n: number) => string) | null;
  pdf: string;
  back: string;
  backText: string;
}

function practitionerLinks(personId: string): Links {
  return {
    show: paths.safetyPlan(personId),
    edit: paths.safetyPlanEdit(personId),
    history: paths.safetyPlanHistory(personId),
    version: (n) => paths.safetyPlanVersion(personId, String(n)),
    pdf: paths.safetyPlanPdf(personId),
    send: paths.safetyPlanSend(personId),
    back: peoplePaths.person(personId),
    backText: 'Back to the record',
  };
}

const personLinks: Links = {
  show: paths.mySafetyPlan,
  send: paths.mySafetyPlanSend,
  edit: paths.mySafetyPlanEdit,
  history: paths.mySafetyPlanHistory,
  version: (n) => paths.mySafetyPlanVersion(String(n)),
  pdf: paths.mySafetyPlanPdf,
  back: peoplePaths.myRecord,
  backText: 'Back to your record',
};

function networkLinks(personId: string): Links {
  return { show: paths.sharedSafetyPlan(personId), edit: null, history: null, version: null, pdf: paths.sharedSafetyPlanPdf(personId), back: peoplePaths.sharedBy(personId), backText: 'Back' };
}

const linksFor = (v: Viewer): Links => (v.kind === 'person' ? personLinks : v.kind === 'network' ? networkLinks(v.rootId) : practitionerLinks(v.rootId));

/** The plan's heading: the person's own words ("My safety plan") for them, the name for everyone else. */
const titleFor = (page: Pick<PlanPage, 'viewer' | 'personName'>) => (page.viewer.kind === 'person' ? 'Your safety plan' : `Safety plan: ${page.personName}`);

const common = { hideCrisisPanel: true, steps: STEPS, cssHref: paths.safetyPlanCss };

const sendSchema = z.object({
  channels: z.preprocess(asArray, z.array(z.enum(['email', 'sms'], { error: 'Choose email, text message or both' })).min(1, 'Choose how to send your plan: email, text message or both')),
});
/** A practitioner sends it only when the person asked, to the details they agreed. */
const sendForSchema = z.object({
  channels: z.preprocess(asArray, z.array(z.enum(['email', 'sms'], { error: 'Choose email, text message or both' })).min(1, 'Choose how to send the plan: email, text message or both')),
  agreed: z.literal('yes', { error: 'Confirm the person asked for a copy, sent to these details' }),
});

/** After a copy was sent: where to, in words, for the page's confirmation. */
const SENT_WORDS: Record<string, string> = { email: 'by email', sms: 'by text message', 'email,sms': 'by email and by text message' };

export default async function safetyPlanRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  // Each save is an entry of the person's timeline; network members with the label get a page.
  registerPersonSource(platform, { name: SOURCE, timeline: planTimeline });
  registerNetworkView(platform, { name: 'safety-plan', label: SAFETY_PLAN_LABEL, title: 'Safety plan', href: (personId) => paths.sharedSafetyPlan(encodeURIComponent(personId)) });
  const css = await readFile(new URL('./views/safety-plan/safety-plan.css', import.meta.url), 'utf8');

  // The plan's stylesheet: print rules (no navigation, crisis numbers first and large). No data in it.
  app.get(paths.safetyPlanCss, { config: { public: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css));

  const show = async (request: FastifyRequest, reply: FastifyReply, v: Viewer) => {
    const page = await viewPlan(platform, v, request.ip);
    const sent = v.kind === 'network' ? null : (SENT_WORDS[String((request.query as { sent?: unknown }).sent ?? '')] ?? null);
    return reply.view('crisis/views/safety-plan/show.njk', { ...common, title: titleFor(page), page, links: linksFor(v), backHref: linksFor(v).back, sent });
  };

  const pdf = async (request: FastifyRequest, reply: FastifyReply, v: Viewer) => {
    const page = await viewPlan(platform, v, request.ip, 'crisis.safety-plan.pdf');
    if (!page.plan) throw new NotFoundError();
    const bytes = await safetyPlanPdf({ serviceName: platform.config.serviceName, personName: page.personName, plan: page.plan, crisis: platform.config.crisis, generatedAt: platform.clock.now() });
    return reply.type('application/pdf').header('content-disposition', 'inline; filename="safety-plan.pdf"').header('cache-control', 'no-store').send(bytes);
  };

  const history = async (request: FastifyRequest, reply: FastifyReply, v: Viewer) => {
    const page = await planHistory(platform, v, request.ip);
    return reply.view('crisis/views/safety-plan/history.njk', { ...common, title: `${titleFor(page)}: all versions`, page, links: linksFor(v), backHref: linksFor(v).show });
  };

  const version = async (request: VersionRequest | PersonVersionRequest, reply: FastifyReply, v: Viewer) => {
    const n = /^\d{1,6}$/.test(request.params.version) ? Number(request.params.version) : 0;
    const page = await planVersion(platform, v, n, request.ip);
    return reply.view('crisis/views/safety-plan/version.njk', { ...common, title: `${titleFor(page)}: version ${n}`, page, links: linksFor(v), backHref: linksFor(v).history });
  };

  interface Shown {
    errors?: FormErrors;
    values?: Record<string, unknown>;
    status?: number;
    conflict?: { yours: unknown };
  }

  const form = async (request: FastifyRequest, reply: FastifyReply, v: Viewer, extra: Shown = {}) => {
    const page = extra.conflict ? { ...(await conflictPage(platform, v, request.ip)), openNow: [], values: {} } : await planForEditing(platform, v, request.ip);
    // After a refused save the form is based on the version shown as current, whatever the error said.
    const values = extra.conflict ? { ...extra.values, baseVersion: String(page.plan?.version ?? 0) } : (extra.values ?? page.values);
    return reply.code(extra.status ?? 200).view('crisis/views/safety-plan/edit.njk', {
      ...common,
      title: page.plan ? `Change ${v.kind === 'person' ? 'your safety plan' : `the safety plan: ${page.personName}`}` : `Write ${v.kind === 'person' ? 'your safety plan' : `a safety plan with ${page.personName}`}`,
      page,
      values,
      rows: rowCounts(values),
      maxRows: MAX_ROWS,
      errors: extra.errors,
      conflict: extra.conflict,
      links: linksFor(v),
      backHref: linksFor(v).show,
    });
  };

  const save = async (request: FastifyRequest, reply: FastifyReply, v: Viewer, writer: (db: Kysely<DB>) => Promise<Viewer>) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = parseInput(planSchema(v.kind === 'person' ? 'person' : 'practitioner'), body);
    if (!parsed.ok) return form(request, reply, v, { errors: parsed.errors, values: parsed.values, status: 400 });
    try {
      await savePlan(platform, writer, parsed.data, request.ip);
    } catch (error) {
      if (!(error instanceof PlanChanged)) throw error;
      // Nothing was saved: the plan as it is now, what was typed beside it, and the form to save again from the current version.
      return form(request, reply, v, { values: body, status: 409, conflict: { yours: parsed.data.content } });
    }
    return reply.redirect(linksFor(v).show, 303);
  };

  // ---- practitioners ----
  const read = { permission: PEOPLE_READ } as const;
  const asPractitioner = (request: PersonRequest | PersonVersionRequest, mode: 'read' | 'write') => practitionerViewer(platform, platform.db.read, request.actor, request.params.personId, mode, request.ip);
  app.get(paths.safetyPlan(), { config: read }, async (request: PersonRequest, reply) => show(request, reply, await asPractitioner(request, 'read')));
  app.get(paths.safetyPlanPdf(), { config: read }, async (request: PersonRequest, reply) => pdf(request, reply, await asPractitioner(request, 'read')));
  app.get(paths.safetyPlanHistory(), { config: read }, async (request: PersonRequest, reply) => history(request, reply, await asPractitioner(request, 'read')));
  app.get(paths.safetyPlanVersion(), { config: read }, async (request: PersonVersionRequest, reply) => version(request, reply, await asPractitioner(request, 'read')));
  app.get(paths.safetyPlanEdit(), { config: read }, async (request: PersonRequest, reply) => form(request, reply, await asPractitioner(request, 'write')));
  app.post(paths.safetyPlanEdit(), { config: read }, async (request: PersonRequest, reply) =>
    save(request, reply, await asPractitioner(request, 'write'), (db) => practitionerViewer(platform, db, request.actor, request.params.personId, 'write')),
  );

  // ---- the person, in their portal ----
  const me = { permission: 'me:record:read' } as const;
  const meWrite = { permission: 'me:record:write' } as const;
  app.get(paths.mySafetyPlan, { config: me }, async (request, reply) => show(request, reply, await personViewer(platform.db.read, request.actor, 'read')));
  app.get(paths.mySafetyPlanPdf, { config: me }, async (request, reply) => pdf(request, reply, await personViewer(platform.db.read, request.actor, 'read')));
  app.get(paths.mySafetyPlanHistory, { config: me }, async (request, reply) => history(request, reply, await personViewer(platform.db.read, request.actor, 'read')));
  app.get(paths.mySafetyPlanVersion(), { config: me }, async (request: VersionRequest, reply) => version(request, reply, await personViewer(platform.db.read, request.actor, 'read')));
  app.get(paths.mySafetyPlanEdit, { config: meWrite }, async (request, reply) => form(request, reply, await personViewer(platform.db.read, request.actor, 'write')));
  app.post(paths.mySafetyPlanEdit, { config: meWrite }, async (request, reply) =>
    save(request, reply, await personViewer(platform.db.read, request.actor, 'write'), (db) => personViewer(db, request.actor, 'write')),
  );

  // A copy to keep without the internet (H11): the person sends it to the email and mobile they sign
  // in with; a practitioner who may write the plan sends it, when the person asks, to the contact
  // details on their record.
  const sendForm = async (reply: FastifyReply, v: Viewer, extra: { errors?: FormErrors; values?: Record<string, unknown>; status?: number } = {}) => {
    const to = await copyDestinations(platform, v);
    if (!to.hasPlan) throw new NotFoundError();
    const links = linksFor(v);
    return reply.code(extra.status ?? 200).view('crisis/views/safety-plan/send.njk', {
      ...common,
      title: v.kind === 'person' ? 'Send your safety plan to yourself' : `Send the safety plan to ${to.personName}`,
      mine: v.kind === 'person',
      to,
      values: { channels: asArray(extra.values?.channels), agreed: extra.values?.agreed },
      errors: extra.errors,
      links,
      backHref: links.show,
    });
  };
  const send = async (request: FastifyRequest, reply: FastifyReply, v: Viewer) => {
    const parsed = parseInput(v.kind === 'person' ? sendSchema : sendForSchema, request.body);
    if (!parsed.ok) return sendForm(reply, v, { errors: parsed.errors, values: parsed.values, status: 400 });
    const channels = (['email', 'sms'] as const).filter((c) => parsed.data.channels.includes(c)) as CopyChannel[];
    return orShowErrors(
      request,
      async () => {
        await sendPlanCopy(platform, v, channels, request.ip);
        return reply.redirect(`${linksFor(v).show}?sent=${channels.join(',')}`, 303);
      },
      (extra) => sendForm(reply, v, extra),
    );
  };
  app.get(paths.mySafetyPlanSend, { config: me }, async (request, reply) => sendForm(reply, await personViewer(platform.db.read, request.actor, 'read')));
  app.post(paths.mySafetyPlanSend, { config: me }, async (request, reply) => send(request, reply, await personViewer(platform.db.read, request.actor, 'read')));
  app.get(paths.safetyPlanSend(), { config: read }, async (request: PersonRequest, reply) => sendForm(reply, await asPractitioner(request, 'write')));
  app.post(paths.safetyPlanSend(), { config: read }, async (request: PersonRequest, reply) => send(request, reply, await asPractitioner(request, 'write')));

  // ---- network members the person shares it with ----
  const member = { permission: 'me:network:read' } as const;
  app.get(paths.sharedSafetyPlan(), { config: member }, async (request: PersonRequest, reply) => show(request, reply, await networkViewer(platform.db.read, request.actor, request.params.personId)));
  app.get(paths.sharedSafetyPlanPdf(), { config: member }, async (request: PersonRequest, reply) => pdf(request, reply, await networkViewer(platform.db.read, request.actor, request.params.personId)));
}
