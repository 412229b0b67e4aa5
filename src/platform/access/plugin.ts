// Every route declares `public: true` or a `permission` in its config; this plugin enforces it.
// A route with neither is denied (deny by default); test/routes.test.ts fails on any such route.
// Signed-in callers without the permission see the same 404 as for a page that does not exist.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sendProblem } from '../http/problems.ts';
import { ANONYMOUS, type Actor, can } from './policy.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Anyone may call this route, signed in or not. */
    public?: boolean;
    /** The permission a caller needs (see platform/access/policy.ts). */
    permission?: string;
  }
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyInstance {
    /** Every route registered, with what it declared: for the route-permission test and docs. */
    routeTable: DeclaredRoute[];
  }
}

export interface DeclaredRoute {
  method: string;
  url: string;
  public: boolean;
  permission: string | null;
}

/** Routes that serve JSON answer problems rather than pages. */
export function wantsJson(request: FastifyRequest): boolean {
  const url = request.url;
  return (
    url.startsWith('/api/') ||
    url.startsWith('/openreferral') ||
    url.startsWith('/fhir/') ||
    (request.headers.accept?.includes('application/json') === true && !request.headers.accept.includes('text/html'))
  );
}

export async function denyUnlessAllowed(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const config = request.routeOptions.config ?? {};
  if (config.public || request.is404) return;
  const permission = config.permission;
  if (permission && can(request.actor, permission)) return;
  if (permission && request.actor.kind === 'anonymous') {
    if (wantsJson(request)) {
      return sendProblem(reply, { title: 'Sign in to use this', status: 401 });
    }
    // A person's own pages (`me:*`) have their own sign-in, with a one-time code.
    if (permission.startsWith('me:')) return reply.redirect('/sign-in/my-record', 303);
    return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
  }
  // Not allowed, or a route that declared neither: indistinguishable from not found.
  return reply.callNotFound();
}

export default fp(
  async function access(app: FastifyInstance) {
    const table: DeclaredRoute[] = [];
    app.decorate('routeTable', table);
    // Later onRoute hooks may still add to a route's config, so read it when the table is read.
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        table.push({
          method,
          url: route.url,
          get public() {
            return route.config?.public === true;
          },
          get permission() {
            return route.config?.permission ?? null;
          },
        });
      }
    });
    app.decorateRequest('actor', null as unknown as { getter: () => Actor });
    app.addHook('onRequest', async (request) => {
      request.actor = ANONYMOUS;
    });
    app.addHook('preHandler', denyUnlessAllowed);
  },
  { name: 'access' },
);
