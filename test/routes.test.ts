// Deny by default: every route declares `public: true` or a permission, and the permission it
// declares is one some role is granted. A route with neither fails here (CONVENTIONS.md, rule 4).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { homeLinks } from '../src/modules/home/index.ts';
import { GRANTS, ROLES } from '../src/platform/access/policy.ts';
import { buildTestApp, type TestApp } from '../src/testing/app.ts';

describe('every registered route', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => {
    await t.close();
  });

  it('declares public: true or a permission', () => {
    const undeclared = t.app.routeTable.filter((r) => !r.public && !r.permission).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(undeclared, [], `routes with neither public nor permission:\n${undeclared.join('\n')}`);
    assert.ok(t.app.routeTable.length >= 5, 'the route table was recorded');
  });

  it('names only permissions that some role is granted', () => {
    const granted = new Set(Object.values(GRANTS).flat());
    const unknown = t.app.routeTable.filter((r) => r.permission && !granted.has(r.permission)).map((r) => `${r.method} ${r.url} (${r.permission})`);
    assert.deepEqual(unknown, []);
  });

  it('turns away an anonymous caller from every route that needs a permission', async () => {
    const guarded = t.app.routeTable.filter((r) => r.permission && ['GET', 'POST'].includes(r.method));
    for (const route of guarded) {
      const url = route.url.replace(/:([A-Za-z]+)/g, '00000000-0000-7000-8000-000000000000').replace('*', 'x');
      const res = await t.app.inject({ method: route.method as 'GET' | 'POST', url, payload: route.method === 'POST' ? {} : undefined });
      assert.ok([303, 401, 403, 404].includes(res.statusCode), `${route.method} ${route.url} answered ${res.statusCode} to an anonymous caller`);
      // People's own pages (`me:*`) send them to their own sign-in, with a one-time code.
      if (res.statusCode === 303) assert.match(String(res.headers.location), route.permission?.startsWith('me:') ? /^\/sign-in\/my-record$/ : /^\/sign-in\?next=/);
    }
  });

  it('links each role from the home page only to pages its permissions open', () => {
    const byUrl = new Map(t.app.routeTable.filter((r) => r.method === 'GET').map((r) => [r.url, r]));
    for (const role of ROLES) {
      const actor = { kind: 'user' as const, userId: 'u', displayName: 'Someone', memberships: [{ organisationId: 'o', teamId: 't', role }], personId: null, sessionRef: 's' };
      for (const link of homeLinks(actor)) {
        assert.ok(byUrl.has(link.href), `${role}: the home page links to ${link.href}, which is no page`);
        const route = byUrl.get(link.href)!;
        assert.ok(route.public || (route.permission && GRANTS[role].includes(route.permission)), `${role}: ${link.href} needs ${route.permission}, which ${role} lacks`);
      }
    }
  });

  it('denies a route that declared neither, as if it did not exist', async () => {
    const bare = await buildTestApp(undefined, {}, {
      beforeReady: (app) => {
        app.get('/undeclared', async () => 'should never be served');
      },
    });
    try {
      const res = await bare.app.inject({ method: 'GET', url: '/undeclared' });
      assert.equal(res.statusCode, 404);
      assert.doesNotMatch(res.body, /should never be served/);
      assert.ok(bare.app.routeTable.some((r) => r.url === '/undeclared' && !r.public && !r.permission));
    } finally {
      await bare.close();
    }
  });
});
