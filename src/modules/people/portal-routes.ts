// The person's portal (issue 5, item 3): their own record, who has looked at it, and downloading
// everything. Each route needs `me:record:read`, which only the `person` role holds; the domain
// calls (portal.ts) find the record from the signed-in account, never from the address.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { paths } from './paths.ts';
import { ME_READ, myAccessLog, myDownloadPage, myRecord, mySubjectAccessExport, readableExport } from './portal.ts';

const me = { permission: ME_READ } as const;

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
