// Health checks for the load balancer and the orchestrator: /health/live (the process answers) and
// /health/ready (the database answers a trivial read; 503 as problem JSON when it does not).
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../context.ts';
import { ping } from '../db/dialect/locks.ts';
import { sendProblem } from '../http/problems.ts';

const READY_TIMEOUT_MS = 2000;

export default async function health(app: FastifyInstance, opts: { platform: Platform }) {
  const { db } = opts.platform;

  app.get('/health/live', { config: { public: true } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { config: { public: true } }, async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ping(db.read),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS);
        }),
      ]);
      return { status: 'ok' };
    } catch {
      return sendProblem(reply, { title: 'The database is not answering', status: 503, instance: request.url });
    } finally {
      clearTimeout(timer);
    }
  });
}
