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

type ExportedCallback = (err: Error | null, exported?: Record<string, unknown>) => void;
interface TemplateInternals {
  env: object;
  getExported(ctx: unknown, parentFrame?: unknown, cb?: unknown): void;
}
const exportedOf = new WeakMap<object, Record<string, unknown>>();
/** The environments whose templates keep their exported macros (ours; not another library's). */
const cachingEnvironments = new WeakSet<object>();

/**
 * `{% from "x.njk" import m %}` without `with context` runs the whole of x.njk again at every render
 * to collect its macros, and nhsuk-frontend's macros import four or five more each, so a form page
 * re-ran dozens of templates a render. Those macros cannot depend on the importing page (no context
 * is passed), so the macros a compiled template exports are kept with it and reused: the same
 * functions, the same output (views.test.ts renders every kind of page twice and compares). A
 * template reloaded in development is a new object, so nothing stale is kept.
 */
export function cacheContextFreeImports(env: nunjucks.Environment): void {
  cachingEnvironments.add(env);
  const proto = (nunjucks as unknown as { Template: { prototype: TemplateInternals & { __mutualCached?: true } } }).Template.prototype;
  if (proto.__mutualCached) return;
  const original = proto.getExported;
  proto.getExported = function (this: TemplateInternals, ctx: unknown, parentFrame?: unknown, cb?: unknown) {
    // Called with a context when the import says `with context`: that depends on the page, keep it as it is.
    if (typeof ctx !== 'function' || !cachingEnvironments.has(this.env)) return original.call(this, ctx, parentFrame, cb);
    const done = ctx as ExportedCallback;
    const cached = exportedOf.get(this);
    if (cached) return done(null, cached);
    return original.call(this, (err: Error | null, exported?: Record<string, unknown>) => {
      if (!err && exported) exportedOf.set(this, exported);
      done(err, exported);
    });
  };
  proto.__mutualCached = true;
}

interface FrameInternals {
  variables: Record<string, unknown>;
  set(name: string, value: unknown, resolveUp?: boolean): void;
}
type FramePrototype = FrameInternals & { __mutualFast?: true; __nunjucksSet?: FrameInternals['set'] };

/**
 * Nunjucks sets every variable of a frame (each macro argument, each `{% set %}`, each `loop.*` of
 * every turn of a for loop) by splitting its name at dots to build nested objects, on every call: a
 * measured 6% of the directory's search page. A name without a dot, set without resolving upwards,
 * is one property write, and it is done as one; anything else goes to Nunjucks as before.
 */
export function fastFrameSet(): void {
  const proto = (nunjucks.runtime as unknown as { Frame: { prototype: FramePrototype } }).Frame.prototype;
  if (proto.__mutualFast) return;
  const original = proto.set;
  // Kept for views.test.ts, which renders with both and compares.
  proto.__nunjucksSet = original;
  proto.set = function (this: FrameInternals, name: string, value: unknown, resolveUp?: boolean) {
    if (!resolveUp && !name.includes('.')) {
      this.variables[name] = value;
      return;
    }
    original.call(this, name, value, resolveUp);
  };
  proto.__mutualFast = true;
}

/** Filters and globals every template has; applied to the environment @fastify/view creates. */
export function configureEnvironment(env: nunjucks.Environment, config: Config): nunjucks.Environment {
  cacheContextFreeImports(env);
  fastFrameSet();
  env.addFilter('date', formatDate);
  env.addFilter('dateTime', formatDateTime);
  env.addFilter('time', formatTime);
  env.addFilter('duration', formatDuration);
  // How long ago, in words, against the page's own clock reading: {{ r.created_at | since(now) }}.
  env.addFilter('since', (iso: string, now: string) => formatDuration(new Date(now).getTime() - new Date(iso).getTime()));
  env.addFilter('fieldId', fieldId);
  // A UK mobile kept as 07…: "07700 900 982", as NHS services write them. Anything else as it is.
  env.addFilter('phone', (value: unknown) => (typeof value === 'string' && /^07\d{9}$/.test(value) ? `${value.slice(0, 5)} ${value.slice(5, 8)} ${value.slice(8)}` : value));
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
