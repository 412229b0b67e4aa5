// The home page: where the public, people using services and staff each start.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { paths } from './paths.ts';

export default async function home(app: FastifyInstance, _opts: { platform: Platform }) {
  // Everyone: what Mutual is, how to get help now, and where to go next.
  app.get(paths.home, { config: { public: true } }, async (_request, reply) => {
    return reply.view('home/views/index.njk', { title: 'Get support with your mental health' });
  });

  app.get(paths.accessibility, { config: { public: true } }, async (_request, reply) => {
    return reply.view('home/views/accessibility.njk', { title: 'Accessibility statement' });
  });

  app.get(paths.privacy, { config: { public: true } }, async (_request, reply) => {
    return reply.view('home/views/privacy.njk', { title: 'Privacy' });
  });
}
