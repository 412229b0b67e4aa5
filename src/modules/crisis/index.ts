// The crisis and rapid response module's public face (issue 6): crisis episodes and the live board,
// places (alternatives to admission) and holds, safety plans, follow-up within 72 hours, measures.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';

export { seed } from './seed.ts';
export { paths as crisisPaths } from './paths.ts';

export default async function crisis(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  void app;
  void platform;
  // Each part of the module registers its routes here, one line each.
}
