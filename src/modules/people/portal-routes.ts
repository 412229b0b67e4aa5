// The person's portal (issue 5, item 3): their own record, who has looked at it, and downloading
// everything. Each route needs `me:record:read`, which only the `person` role holds; the domain
// calls (portal.ts) find the record from the signed-in account, never from the address.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { orShowErrors, parseInput, type Shown } from '../../platform/http/problems.ts';
import { paths } from './paths.ts';
import { addMyEntry, entrySchema, ME_READ, ME_WRITE, myAccessLog, myDownloadPage, myEntries, myMessages, myRecord, mySubjectAccessExport, readableExport } from './portal.ts';

const me = { permission: ME_READ } as const;
const meWrite = { permission: ME_WRITE } as const;

/** `?page=` of the messages: a page number from 1 (the newest), or the first page. */
function pageOf(request: FastifyRequest<{ Querystring: { page?: string } }>): number {
  const raw = request.query.page;
  return typeof raw === 'string' && /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : 1;
}

/** `?before=` of the access log: a position in the audit trail, or nothing (the newest page). */
function beforeOf(request: FastifyRequest<{ Querystring: { before?: string } }>): number | undefined {
  const raw = request.query.before;
  return typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

const fileDate = (iso: string) => iso.slice(0, 10);

export default async function portalRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;

  // Home: details and preferences (read-only for now), requests and where each is, links onward.
  app.get(paths.myRecord, { config: me }, async (request, reply) => {
    const page = await myRecord(platform, request.actor, request.ip);
    return reply.view('people/views/my-record/index.njk', { title: 'Your record', hideCrisisPanel: false, ...page, paths });
  });

  // Who has looked at my record: from the audit trail, newest first, a page at a time.
  app.get<{ Querystring: { before?: string } }>(paths.myAccessLog, { config: me }, async (request, reply) => {
    const log = await myAccessLog(platform, request.actor, beforeOf(request), request.ip);
    return reply.view('people/views/my-record/access-log.njk', { title: 'Who has looked at your record', ...log, paths });
  });

  // The messages we sent the person: when, how, what they said, and whether they went; newest first.
  app.get<{ Querystring: { page?: string } }>(paths.myMessages, { config: me }, async (request, reply) => {
    const page = await myMessages(platform, request.actor, pageOf(request), request.ip);
    return reply.view('people/views/my-record/messages.njk', { title: 'Messages we sent you', ...page, paths });
  });

  // The person's own entries, in their own words: the list and the form to add one (never changed: a new entry instead).
  const showEntries = async (request: FastifyRequest, reply: FastifyReply, extra: Shown = {}) => {
    const page = await myEntries(platform, request.actor, request.ip);
    return reply.code(extra.status ?? 200).view('people/views/my-record/entries.njk', {
      title: 'Write in your record',
      ...page,
      added: extra.errors ? null : ({ '1': 'added', urgent: 'urgent' } as Record<string, string>)[(request.query as { added?: string } | undefined)?.added ?? ''] ?? null,
      values: extra.values ?? {},
      errors: extra.errors,
      paths,
    });
  };
  app.get(paths.myEntries, { config: me }, async (request, reply) => showEntries(request, reply));
  app.post(paths.myEntries, { config: meWrite }, async (request, reply) => {
    const parsed = parseInput(entrySchema, request.body);
    const show = (extra: Shown) => showEntries(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(
      request,
      async () => {
        const added = await addMyEntry(platform, request.actor, parsed.data, request.ip);
        // The query names no words and no risk category; request logs drop query strings anyway (logging.ts).
        return reply.redirect(`${paths.myEntries}?added=${added.riskLevel === 'none' ? '1' : 'urgent'}`, 303);
      },
      show,
    );
  });

  // Download everything: the page, then the export as JSON or as a readable HTML document.
  app.get(paths.myDownload, { config: me }, async (request, reply) => {
    await myDownloadPage(platform, request.actor, request.ip);
    return reply.view('people/views/my-record/download.njk', { title: 'Download your record', paths });
  });

  app.get(paths.myDownloadJson, { config: me }, async (request, reply) => {
    const data = await mySubjectAccessExport(platform, request.actor, request.ip);
    return reply
      .header('content-disposition', `attachment; filename="my-record-${fileDate(data.generatedAt)}.json"`)
      .header('cache-control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });

  app.get(paths.myDownloadHtml, { config: me }, async (request, reply) => {
    const data = await mySubjectAccessExport(platform, request.actor, request.ip);
    const sections = await readableExport(platform, data);
    return reply
      .header('content-disposition', `attachment; filename="my-record-${fileDate(data.generatedAt)}.html"`)
      .header('cache-control', 'no-store')
      .view('people/views/my-record/export.njk', { title: `Your record from ${data.service}`, data, sections });
  });
}
