// Live board updates to 200 connected boards (issue 6, "Speed": an update reaches every client within
// 500 ms at p99). 200 server-sent event streams of /crisis/board/events are held open, as 200 boards
// on screens would; then, one after another, a practitioner changes an episode's next action through
// the real form (POST, CSRF token, redirect), and the time from sending that request to each board
// receiving the event is one sample. Each update waits until every board has it (or 5 s) before the
// next, so a sample is one update's journey: the request, the unit of work and its commit, the wake-up
// (in process on SQLite; NOTIFY on PostgreSQL), one read of the events table, 200 writes.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectSse, type SseClient } from '../../src/platform/realtime/testing.ts';
import { ensureCrisisBoard } from '../crisis.ts';
import { scenario } from '../scenario.ts';

const CLIENTS = Number(process.env.BENCH_LIVE_CLIENTS ?? 200);
const UPDATE_EVERY_MS = 250;
const WAIT_MS = 5000;

export default scenario<{ cookie: string; episodeId: string }>({
  name: `crisis board update → ${CLIENTS} live boards`,
  connections: CLIENTS,
  durationSeconds: 5,
  baseline: 'read',
  async setup(ctx) {
    const { cookie, episodeId } = await ensureCrisisBoard(ctx, 1);
    return { cookie, episodeId };
  },
  async measure(ctx, state, { durationSeconds }) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 10 });
    const clients: SseClient[] = [];
    let errors = 0;
    try {
      // The boards connect, a few at a time as screens would.
      for (let i = 0; i < CLIENTS; i += 20) {
        const batch = await Promise.allSettled(
          Array.from({ length: Math.min(20, CLIENTS - i) }, () => connectSse(`${ctx.origin}/crisis/board/events`, { cookie: state.cookie }, { agent })),
        );
        for (const r of batch) {
          if (r.status === 'fulfilled' && r.value.status === 200) clients.push(r.value);
          else {
            errors++;
            if (r.status === 'fulfilled') r.value.close();
          }
        }
      }
      // The form's CSRF token and cookie, once (a token stays good for its cookie).
      const page = await fetch(`${ctx.origin}/crisis/episodes/${state.episodeId}`, { headers: { cookie: state.cookie, accept: 'text/html' } });
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
      if (!token) throw new Error(`crisis-board-live: the episode page (${page.status}) has no form token.`);
      const cookie = [state.cookie, ...page.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
      await sleep(200);

      const latencies: number[] = [];
      const worst: number[] = [];
      let missing = 0;
      const started = performance.now();
      let n = 0;
      while (performance.now() - started < durationSeconds * 1000 || n < 10) {
        n++;
        const before = clients.map((c) => c.events.length);
        const sent = performance.now();
        const res = await fetch(`${ctx.origin}/crisis/episodes/${state.episodeId}/next-action`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams({ _csrf: token, nextAction: `Bench update ${n}` }).toString(),
          redirect: 'manual',
        });
        await res.arrayBuffer();
        if (res.status !== 303) {
          errors++;
          continue;
        }
        const deadline = sent + WAIT_MS;
        while (clients.some((c, i) => c.events.length <= before[i]!) && performance.now() < deadline) await sleep(5);
        let slowest = 0;
        clients.forEach((c, i) => {
          const event = c.events[before[i]!];
          if (!event) {
            missing++;
            return;
          }
          latencies.push(event.at - sent);
          slowest = Math.max(slowest, event.at - sent);
        });
        worst.push(slowest);
        await sleep(Math.max(0, UPDATE_EVERY_MS - (performance.now() - sent)));
      }
      const took = (performance.now() - started) / 1000;
      worst.sort((a, b) => a - b);
      return {
        latenciesMs: latencies,
        perSecond: latencies.length / took,
        missing,
        errors,
        note: `${n} updates to ${clients.length} boards: latency from sending the change to each board receiving it; the slowest board per update: median ${Math.round(worst[Math.floor(worst.length / 2)] ?? 0)} ms, worst ${Math.round(worst[worst.length - 1] ?? 0)} ms`,
      };
    } finally {
      for (const c of clients) c.close();
      agent.destroy();
    }
  },
});
