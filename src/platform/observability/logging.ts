// Logs carry no personal data: no names, NHS numbers, contact details or free text (ASVS V16.2).
// Request logs record method, route and status; bodies and query strings are never logged, and
// fields that might hold personal data are redacted wherever they appear.
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../../config.ts';

export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  '*.password',
  '*.email',
  '*.phone',
  '*.name',
  '*.givenName',
  '*.familyName',
  '*.dateOfBirth',
  '*.nhsNumber',
  '*.postcode',
  '*.story',
  '*.text',
  '*.body',
  '*.address',
];

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // The path without its query string: queries can carry postcodes and search words.
      req: (req: { method: string; url: string; routeOptions?: { url?: string }; id: string }) => ({
        id: req.id,
        method: req.method,
        route: req.routeOptions?.url ?? req.url.split('?')[0],
      }),
    },
  };
}
