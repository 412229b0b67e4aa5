// Security headers, cookies, CSRF, rate limits, body parsing and static files.
// Each control is listed with the ASVS 5.0 requirement it meets in docs/security.md.
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import qs from 'node:querystring';
import type { Config } from '../../config.ts';
import { wantsJson } from '../access/plugin.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Cookie names: `__Host-` (Secure, path /, no domain) whenever cookies are Secure. */
export function cookieName(config: Config, name: string): string {
  return config.cookieSecure ? `__Host-${name}` : name;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** JSON APIs authenticate without cookies, so they are not exposed to CSRF; every form is checked. */
function needsCsrfCheck(request: FastifyRequest): boolean {
  return STATE_CHANGING.has(request.method) && !wantsJson(request) && request.routeOptions.config?.csrf !== false;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set false only for endpoints that take no cookie-authenticated action. */
    csrf?: boolean;
  }
}

export default fp(
  async function security(app: FastifyInstance, opts: { config: Config; cookieSecret: string }) {
    const { config } = opts;

    await app.register(helmet, {
      enableCSPNonces: true,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      // HSTS only when the request came over TLS (below); helmet would send it on plain HTTP too.
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginEmbedderPolicy: false,
    });
    app.addHook('onSend', async (request, reply) => {
      if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      // Nothing a signed-in person sees, nor any form, is kept by a browser or proxy cache (ASVS V14.3).
      if (request.actor?.kind === 'user' || !reply.getHeader('cache-control')) reply.header('Cache-Control', 'no-store');
    });

    await app.register(cookie, { secret: opts.cookieSecret, hook: 'onRequest' });
    await app.register(formbody, {
      bodyLimit: config.bodyLimit,
      // Repeated fields (checkboxes) arrive as arrays; `a[b]` stays a flat key, and schemas read it.
      parser: (body: string) => qs.parse(body),
    });
    await app.register(csrf, {
      cookieKey: cookieName(config, 'csrf'),
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, signed: true },
      getToken: (request: FastifyRequest) => (request.body as Record<string, string> | undefined)?._csrf,
    });
    app.addHook('preHandler', async (request, reply) => {
      if (needsCsrfCheck(request)) {
        await new Promise<void>((resolve, reject) => {
          app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve()));
        });
      }
      // Only pages carry forms: static files, health checks and metrics need no token.
      if (!wantsJson(request) && request.method !== 'HEAD' && !/^\/(static|assets|health|metrics)(\/|$)/.test(request.url)) {
        reply.locals.csrfToken = reply.generateCsrf();
      }
      reply.locals.nonce = reply.cspNonce?.script;
      reply.locals.actor = request.actor;
    });

    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `Too many attempts. Wait ${Math.ceil(context.ttl / 1000)} seconds and try again.`,
      }),
    });

    // Static files are public by declaration, like every other route.
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/assets/') || route.url.startsWith('/static/')) route.config = { ...route.config, public: true };
    });
    await app.register(fastifyStatic, {
      root: path.join(root, 'node_modules/nhsuk-frontend/dist/nhsuk/assets'),
      prefix: '/assets/',
      maxAge: '1d',
      cacheControl: true,
    });
    await app.register(fastifyStatic, {
      root: [path.join(root, 'src/platform/views/static'), path.join(root, 'public/build'), path.join(root, 'node_modules/nhsuk-frontend/dist/nhsuk')],
      prefix: '/static/',
      decorateReply: false,
      allowedPath: (pathName) => /^\/(app\.js|live\.js|mutual\.css|nhsuk-frontend\.min\.js(\.map)?)$/.test(pathName),
      maxAge: '1h',
      cacheControl: true,
    });
  },
  { name: 'security', dependencies: ['access', 'views'] },
);

export function randomSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}
