// Who is asking: loads the session a cookie names and sets `request.actor` before anything else
// looks at it. Only a full session (password, and a code for staff) makes a signed-in actor; a
// half-finished sign-in is kept in `request.authSession` for the code pages only.
//
// It runs at onRequest, before @fastify/cookie's own onRequest parser (registered later by the
// security plugin), so it reads the Cookie header itself with the same parser.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Platform } from '../context.ts';
import { cookieName } from '../http/security.ts';
import { actorOf, type LoadedSession, loadSession, looksLikeSessionId } from './sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session the cookie names, at any stage; null when there is none (or it ended). */
    authSession: LoadedSession | null;
  }
}

/** Static files need no session: skip the query. */
function needsNoSession(request: FastifyRequest): boolean {
  return request.url.startsWith('/assets/') || request.url.startsWith('/static/');
}

export function sessionCookieValue(app: FastifyInstance, request: FastifyRequest, name: string): string | undefined {
  const parsed = request.cookies?.[name];
  if (parsed !== undefined) return parsed;
  const header = request.headers.cookie;
  if (!header) return undefined;
  return app.parseCookie(header)[name];
}

export default fp(
  async function auth(app: FastifyInstance, opts: { platform: Platform }) {
    const { platform } = opts;
    const name = cookieName(platform.config, 'session');
    app.decorateRequest('authSession', null);
    app.addHook('onRequest', async (request) => {
      request.authSession = null;
      if (needsNoSession(request)) return;
      const id = sessionCookieValue(app, request, name);
      if (!looksLikeSessionId(id)) return;
      const session = await loadSession(platform, id);
      request.authSession = session;
      const actor = actorOf(session);
      if (actor) request.actor = actor;
    });
  },
  { name: 'auth', dependencies: ['access'] },
);
