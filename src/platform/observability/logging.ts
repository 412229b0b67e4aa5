// Logs carry no personal data: no names, NHS numbers, contact details or free text (ASVS V16.2).
// Request logs record method, route and status; bodies and query strings are never logged, and
// fields that might hold personal data are redacted wherever they appear.
import type { FastifyServerOptions } from 'fastify';
import { type BaseLogger, type DestinationStream, pino } from 'pino';
import type { Config } from '../../config.ts';

/** What platform code needs of a logger (Fastify's `app.log` is one). */
export type Log = Pick<BaseLogger, 'info' | 'warn' | 'error'>;

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

/** An error's first stack line is its message, which may carry input: keep the kind, code and frames only. */
function safeError(err: { type?: string; name?: string; code?: unknown; stack?: string }) {
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const type = err.type ?? err.name ?? 'Error';
  // `message` is kept as a field because log tools expect it, but holds the kind, not the text.
  return { type, message: type, code: typeof err.code === 'string' ? err.code : undefined, stack: frames.join('\n') };
}

export function loggerOptions(config: Config, stream?: DestinationStream): FastifyServerOptions['logger'] {
  if (config.logLevel === 'silent') return false;
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      err: safeError,
      // The path without its query string: queries can carry postcodes and search words.
      req: (req: { method: string; url: string; routeOptions?: { url?: string }; id: string }) => ({
        id: req.id,
        method: req.method,
        route: req.routeOptions?.url ?? req.url.split('?')[0],
      }),
    },
  };
}

/** A logger for code that runs outside a request (the timer worker, the outbox), with the same redaction. */
export function createLogger(config: Config, stream?: DestinationStream): Log {
  const options = loggerOptions(config, stream);
  if (!options || typeof options !== 'object') return pino({ level: 'silent' });
  const { stream: _stream, ...rest } = options as { stream?: DestinationStream } & Record<string, unknown>;
  return stream ? pino(rest, stream) : pino(rest);
}
