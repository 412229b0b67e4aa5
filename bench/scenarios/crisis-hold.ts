// Holding a place at 32 concurrent connections (issue 6, "Speed": p99 under 50 ms): each connection, as
// a signed-in practitioner of a team working with its own person, holds a crisis house bed through the
// JSON API and then cancels the hold, so capacity is kept and every request does the full work: the
// access check, the conditional update of the place's counters, the hold row, its expiry timer, its
// history entry, the directory's capacity, a live event and an audit event, in one unit of work.
// Compared with one bare durable insert.
import { startSession } from '../../src/platform/auth/sessions.ts';
import { createPlatform } from '../../src/platform/context.ts';
import { cookieName } from '../../src/platform/http/security.ts';
import { aPlace } from '../../src/modules/crisis/place-testing.ts';
import { createHub, submit } from '../../src/modules/front-door/testing.ts';
import { scenario } from '../scenario.ts';

const CONNECTIONS = 32;

export default scenario<{ cookie: string; placeId: string; people: string[] }>({
  name: 'POST /api/v1/crisis/places/:id/holds (hold, then cancel)',
  connections: CONNECTIONS,
  durationSeconds: 5,
  baseline: 'insert',
  async setup(ctx) {
    const platform = createPlatform(ctx.config, ctx.db, ctx.clock);
    const hub = await createHub(platform, null);
    // One person a connection (and a few more), each with an open front door request: the hub is working with them.
    const people = (await Promise.all(Array.from({ length: CONNECTIONS + 8 }, () => submit(platform)))).map((r) => r.personId);
    // Room for every connection's hold at once.
    const placeId = await aPlace(platform, { teamId: hub.teamId, organisationId: hub.organisationId, kind: 'crisis-house', maximum: CONNECTIONS * 2 });
    const id = await ctx.db.write((tx) => startSession(tx, ctx.config, ctx.clock.now(), { userId: hub.practitioner.userId, stage: 'full' }));
    return { cookie: `${cookieName(ctx.config, 'session')}=${id}`, placeId, people };
  },
  requests: (_ctx, state) => {
    let next = 0;
    const headers = { 'content-type': 'application/json', accept: 'application/json', cookie: state.cookie };
    return [
      {
        method: 'POST',
        path: `/api/v1/crisis/places/${state.placeId}/holds`,
        headers,
        setupRequest: (request, context) => {
          context.personId ??= state.people[next++ % state.people.length];
          return { ...request, body: JSON.stringify({ personId: context.personId, note: 'Bench hold' }) };
        },
        onResponse: (status, body, context) => {
          context.holdId = status === 201 ? (JSON.parse(body) as { holdId: string }).holdId : undefined;
        },
      },
      {
        method: 'POST',
        path: '/api/v1/crisis/holds/none/cancel',
        headers,
        body: JSON.stringify({ reasonKind: 'not-needed' }),
        setupRequest: (request, context) => ({ ...request, path: `/api/v1/crisis/holds/${String(context.holdId ?? 'none')}/cancel` }),
      },
    ];
  },
});
