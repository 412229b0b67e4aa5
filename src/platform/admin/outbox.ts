// GET /admin/outbox: the newest messages, for admins. In demo mode the text is shown (the log
// transport sends nothing, so this is where a demo's messages can be read); otherwise only what a
// message is, where it stands and when: never the recipient or the text.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../context.ts';
import { parseJson } from '../db/ids.ts';
import { recentMessages } from '../notify/store.ts';

export const adminPaths = { outbox: '/admin/outbox' } as const;

export default async function adminOutbox(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;

  app.get(adminPaths.outbox, { config: { permission: 'admin:outbox:read' } }, async (_request, reply) => {
    const demo = platform.config.demo;
    const rows = await recentMessages(platform.db.read, 100);
    const messages = rows.map((m) => {
      const text = demo ? parseJson<Record<string, string>>(m.personalisation) : null;
      return {
        id: m.id,
        channel: m.channel === 'sms' ? 'Text message' : 'Email',
        kind: m.kind,
        status: m.status,
        attempts: m.attempts,
        createdAt: m.created_at,
        sentAt: m.sent_at,
        lastError: m.last_error,
        recipient: demo ? m.recipient : null,
        subject: text?.subject ?? null,
        body: text?.body ?? null,
      };
    });
    return reply.view('admin/outbox.njk', { title: 'Messages sent', messages, demo });
  });
}
