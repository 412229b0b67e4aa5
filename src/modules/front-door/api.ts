// The JSON API for partner websites and apps (issue 4, item 5): submit a request, check its status.
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/ids.ts';
import { parseInput, sendProblem, validationProblem } from '../../platform/http/problems.ts';
import { paths } from './paths.ts';
import { openApiDocument } from './openapi.ts';
import { normaliseReference } from './reference.ts';
import { type ApiStatus, apiRequestSchema, statusQuerySchema } from './schemas.ts';
import { idempotentResponse, requestStatusFor } from './store.ts';
import { auditStatusLookup } from './status.ts';
import { apiAnswer, submitRequest } from './submit.ts';

function canonicalHash(body: unknown): string {
  return crypto.createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
}

export default async function frontDoorApi(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  const schema = apiRequestSchema(() => platform.clock.now());
  const rateLimit = { max: platform.config.rateLimits.apiPerMinute, timeWindow: '1 minute' };
  const description = JSON.stringify(openApiDocument(platform.config, () => platform.clock.now()));

  // The OpenAPI 3.1 description of this API, generated from the same schemas (openapi.ts).
  app.get(paths.apiDescription, { config: { public: true } }, async (_request, reply) => {
    return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=3600').send(description);
  });

  // Submit a request for help. An Idempotency-Key makes a retry return the first answer.
  app.post(paths.apiRequests, { config: { public: true, rateLimit } }, async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (key !== undefined && (typeof key !== 'string' || key.length < 8 || key.length > 255)) {
      return validationProblem(reply, [{ field: 'Idempotency-Key', message: 'Idempotency-Key must be 8 to 255 characters' }], request.url);
    }
    const hash = canonicalHash(request.body);
    if (key) {
      const earlier = await idempotentResponse(platform.db.read, key);
      if (earlier) return replay(reply, earlier, hash);
    }
    const parsed = parseInput(schema, request.body);
    if (!parsed.ok) return validationProblem(reply, parsed.fieldErrors, request.url);
    const body = parsed.data;
    try {
      const submitted = await submitRequest(
        platform,
        {
          source: body.source,
          channel: 'api',
          person: { ...body.person, phone: body.person.phone ?? null, email: body.person.email ?? null, nhsNumber: body.person.nhsNumber ?? null },
          story: body.story,
          whatWouldHelp: body.whatWouldHelp ?? null,
          consentToShare: body.consentToShare,
          referrer: body.referrer ?? null,
        },
        { userId: null, role: null, address: request.ip },
        key ? { idempotency: { key, requestHash: hash } } : {},
      );
      return reply.code(201).header('location', paths.apiRequestStatus.replace(':reference', submitted.reference)).send(apiAnswer(submitted));
    } catch (error) {
      // Two requests with the same key at once: the second finds the first's answer.
      if (key) {
        const earlier = await idempotentResponse(platform.db.read, key);
        if (earlier) return replay(reply, earlier, hash);
      }
      throw error;
    }
  });

  // The status of a request, given its reference and the person's date of birth. The same 404 for
  // a wrong reference or a wrong date of birth, so neither can be guessed on its own.
  app.get<{ Params: { reference: string }; Querystring: Record<string, string> }>(
    paths.apiRequestStatus,
    { config: { public: true, rateLimit: { max: platform.config.rateLimits.lookupPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const parsed = parseInput(statusQuerySchema, request.query);
      if (!parsed.ok) return validationProblem(reply, parsed.fieldErrors, request.url);
      const reference = normaliseReference(request.params.reference);
      const found = reference ? await requestStatusFor(platform.db.read, reference, parsed.data.dateOfBirth) : undefined;
      if (!found) return sendProblem(reply, { title: 'No request found with that reference and date of birth', status: 404 });
      await auditStatusLookup(platform, found.reference, request.ip);
      const answer: ApiStatus = { reference: found.reference, status: found.status };
      return answer;
    },
  );
}

function replay(reply: import('fastify').FastifyReply, earlier: { request_hash: string; status_code: number; response: string }, hash: string) {
  if (earlier.request_hash !== hash) {
    return sendProblem(reply, {
      title: 'This Idempotency-Key was used for a different request',
      status: 422,
      detail: 'Use a new Idempotency-Key for a new request.',
    });
  }
  const answer = parseJson<{ reference?: string }>(earlier.response);
  // The first answer again, Location included.
  if (answer?.reference) reply.header('location', paths.apiRequestStatus.replace(':reference', answer.reference));
  return reply.code(earlier.status_code).header('idempotent-replayed', 'true').send(answer);
}
