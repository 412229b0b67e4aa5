// The OpenAPI 3.1 description of the front door's JSON API, served at /api/v1/openapi.json.
// Its schemas are generated from the zod schemas the handlers validate with and answer in
// (schemas.ts), so the description cannot drift from the code; openapi.test.ts checks the document,
// compiles each schema, and validates real answers of the running app against it.
// OpenAPI 3.1: https://spec.openapis.org/oas/v3.1.1 · problem details: RFC 9457.
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { paths } from './paths.ts';
import { apiAcceptedSchema, apiProblemSchema, apiRequestSchema, apiStatusSchema, apiValidationProblemSchema, statusQuerySchema } from './schemas.ts';

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect): what a caller may send (`input`) or what we answer (`output`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'throw' }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const PROBLEM = 'application/problem+json';
const problem = (description: string, schema: JsonSchema = ref('Problem')) => ({ description, content: { [PROBLEM]: { schema } } });

/** A synthetic example body (not a real person), also sent by the tests to prove it is accepted. */
export const EXAMPLE_REQUEST = {
  source: 'family-or-friend',
  person: { givenName: 'Ada', familyName: 'Example', dateOfBirth: '1990-03-27', postcode: 'SW9 9SL', phone: '07700 900982' },
  story: 'My sister has been very low for a few weeks and has stopped going to work.',
  whatWouldHelp: 'Someone to talk to her about how she is feeling',
  consentToShare: true,
  referrer: { name: 'Sam Example', email: 'sam@example.com' },
} as const;

/** The OpenAPI document; built once at start (it depends only on the configuration). */
export function openApiDocument(config: Config, now: () => Date): Record<string, unknown> {
  const statusPath = paths.apiRequestStatus.replace(':reference', '{reference}');
  const tooMany = {
    ...problem('Too many requests from this address in a minute. Wait, then try again.'),
    headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'string' } } },
  };
  return {
    openapi: '3.1.1',
    info: {
      title: `${config.serviceName} front door API`,
      version: '1.0.0',
      summary: 'Ask for help on someone\'s behalf, or for yourself, from a partner website or app; check a request\'s status.',
      description:
        'Every request gets a reference at once, a contact target by urgency (crisis 1 hour, urgent 4 hours, routine the end of the next working day), ' +
        'and an acknowledgement by text or email. Errors are RFC 9457 problem details. No sign-in is needed; each address is rate-limited.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: config.publicUrl }],
    paths: {
      [paths.apiRequests]: {
        post: {
          operationId: 'submitRequest',
          summary: 'Ask for help',
          description:
            'Creates a request for help. Send an Idempotency-Key to make retries safe: the same key with the same body answers the first answer again ' +
            '(with `Idempotent-Replayed: true`) and creates nothing; the same key with a different body is refused with 422. Unknown fields are ignored.',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Any unique string of 8 to 255 characters, e.g. a UUID, chosen by the caller for this request.',
              schema: { type: 'string', minLength: 8, maxLength: 255 },
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('RequestSubmission'), examples: { 'on-behalf': { summary: 'Someone asking for their sister', value: EXAMPLE_REQUEST } } } },
          },
          responses: {
            '201': {
              description: 'The request is stored (durably), with its reference and contact target.',
              headers: {
                Location: { description: 'Where to check the status (add `?dateOfBirth=`).', schema: { type: 'string' } },
                'Idempotent-Replayed': { description: '`true` when this is the first answer given again for a repeated Idempotency-Key.', schema: { type: 'string', enum: ['true'] } },
              },
              content: { 'application/json': { schema: ref('RequestAccepted') } },
            },
            '400': problem('The body could not be read as JSON, or fails validation (then `errors` names each field at fault), or the Idempotency-Key is malformed.', {
              anyOf: [ref('ValidationProblem'), ref('Problem')],
            }),
            '413': problem(`The body is larger than ${config.bodyLimit.toLocaleString('en-GB')} bytes.`),
            '422': problem('This Idempotency-Key was used before with a different body.'),
            '429': tooMany,
          },
        },
      },
      [statusPath]: {
        get: {
          operationId: 'getRequestStatus',
          summary: 'Check a request\'s status',
          description: 'The status of a request, given its reference and the person\'s date of birth: the status and nothing more. A wrong reference and a wrong date of birth give the same 404.',
          parameters: [
            {
              name: 'reference',
              in: 'path',
              required: true,
              description: 'The reference, as given or as typed: lower case, spaces and missing hyphens are accepted.',
              schema: { type: 'string', maxLength: 100 },
            },
            { name: 'dateOfBirth', in: 'query', required: true, description: 'The person\'s date of birth, YYYY-MM-DD.', schema: jsonSchema(statusQuerySchema.shape.dateOfBirth, 'input') },
          ],
          responses: {
            '200': { description: 'The status.', content: { 'application/json': { schema: ref('RequestStatus') } } },
            '400': problem('The date of birth is missing or not like 1990-03-27.', ref('ValidationProblem')),
            '404': problem('No request with that reference and date of birth.'),
            '429': tooMany,
          },
        },
      },
    },
    components: {
      schemas: {
        RequestSubmission: jsonSchema(apiRequestSchema(now), 'input'),
        RequestAccepted: jsonSchema(apiAcceptedSchema, 'output'),
        RequestStatus: jsonSchema(apiStatusSchema, 'output'),
        Problem: jsonSchema(apiProblemSchema, 'output'),
        ValidationProblem: jsonSchema(apiValidationProblemSchema, 'output'),
      },
    },
  };
}
