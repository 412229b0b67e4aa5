// Server-rendered pages: Nunjucks with the NHS.UK design system's macros and page template.
// Templates are found in this folder's templates/, then by module (`directory/views/search.njk`),
// then in nhsuk-frontend (`nhsuk/components/...`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import view from '@fastify/view';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';
import type { Config } from '../../config.ts';
import { fieldId } from '../http/problems.ts';
import { formatDate, formatDateTime, formatDuration, formatTime } from './format.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');

export const templatePaths = [
  path.join(here, 'templates'),
  path.join(root, 'src/modules'),
  path.join(root, 'node_modules/nhsuk-frontend/dist'),
];

/** Filters and globals every template has; applied to the environment @fastify/view creates. */
export function configureEnvironment(env: nunjucks.Environment, config: Config): nunjucks.Environment {
  env.addFilter('date', formatDate);
  env.addFilter('dateTime', formatDateTime);
  env.addFilter('time', formatTime);
  env.addFilter('duration', formatDuration);
  // How long ago, in words, against the page's own clock reading: {{ r.created_at | since(now) }}.
  env.addFilter('since', (iso: string, now: string) => formatDuration(new Date(now).getTime() - new Date(iso).getTime()));
  env.addFilter('fieldId', fieldId);
  // nhsuk-frontend's macros trim every piece they output. Nunjucks' own `trim` replaces /^\s*|\s*$/g,
  // which at each run of whitespace inside the text tries every shorter run before giving up: the
  // largest single cost of rendering the macros (checkboxes and pagination render in half the time
  // or less without it). String.prototype.trim removes the same characters (ECMAScript's WhiteSpace
  // and LineTerminator, as \s) in one pass; anything but a string goes to Nunjucks' own, as before.
  const nunjucksTrim = env.getFilter('trim');
  env.addFilter('trim', (value: unknown) =>
    typeof value === 'string' ? value.trim() : value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(value.toString().trim()) : nunjucksTrim(value),
  );
  env.addGlobal('serviceName', config.serviceName);
  env.addGlobal('allianceName', config.allianceName);
  env.addGlobal('crisis', config.crisis);
  return env;
}

export default fp(
  async function views(app: FastifyInstance, opts: { config: Config }) {
    await app.register(view, {
      engine: { nunjucks },
      templates: templatePaths,
      production: opts.config.env === 'production',
      options: {
        autoescape: true,
        noCache: opts.config.env === 'development',
        onConfigure: (env: nunjucks.Environment) => configureEnvironment(env, opts.config),
      },
    });
  },
  { name: 'views' },
);

declare module 'fastify' {
  interface FastifyReply {
    /** Values every template of this request sees (the actor, the CSRF token, the CSP nonce). */
    locals: Record<string, unknown>;
  }
}
