// The front door's pages for the public (check my request) and the module's registration.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { parseInput } from '../../platform/http/problems.ts';
import { paths } from './paths.ts';
import { normaliseReference } from './reference.ts';
import { checkRequestSchema } from './schemas.ts';
import { auditStatusLookup, STATUS_WORDS } from './status.ts';
import { requestStatusFor } from './store.ts';

export default async function frontDoorPages(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  const schema = checkRequestSchema(() => platform.clock.now());
  const view = 'front-door/views/check-request.njk';
  const title = 'Check your request';

  // Check my request: reference and date of birth give the status in plain words, nothing more.
  app.get(paths.checkRequest, { config: { public: true } }, async (_request, reply) => {
    return reply.view(view, { title, values: {} });
  });

  app.post(paths.checkRequest, { config: { public: true, rateLimit: { max: platform.config.rateLimits.lookupPerMinute, timeWindow: '1 minute' } } }, async (request, reply) => {
    const parsed = parseInput(schema, request.body);
    if (!parsed.ok) return reply.code(400).view(view, { title, errors: parsed.errors, values: parsed.values });
    const reference = normaliseReference(parsed.data.reference);
    const found = reference ? await requestStatusFor(platform.db.read, reference, parsed.data.dateOfBirth) : undefined;
    if (!found) {
      const message = 'We could not find a request with that reference and date of birth. Check both and try again.';
      return reply.code(400).view(view, {
        title,
        errors: { summary: [{ text: message, href: '#reference' }], fields: { reference: { text: message } } },
        values: request.body as Record<string, unknown>,
      });
    }
    await auditStatusLookup(platform, found.reference, request.ip);
    return reply.view('front-door/views/request-status.njk', { title: 'Your request', reference: found.reference, status: STATUS_WORDS[found.status] });
  });
}
