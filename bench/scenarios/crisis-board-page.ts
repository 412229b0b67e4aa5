// The crisis board with 10,000 open episodes (issue 6, "Speed": p95 under 50 ms): a signed-in
// practitioner of the crisis team loads GET /crisis/board: the counts of all the team's open episodes
// and the first page of 50 by time left, with their responders, the follow-ups due and who is on duty
// tonight (the setup checks the page is that board before measuring it). Compared with one
// indexed read. The episodes are opened through the crisis module's own function (bench/crisis.ts).
import { ensureCrisisBoard } from '../crisis.ts';
import { scenario } from '../scenario.ts';

const OPEN_EPISODES = Number(process.env.BENCH_CRISIS_EPISODES ?? 10_000);

export default scenario<{ cookie: string }>({
  name: `GET /crisis/board (${OPEN_EPISODES.toLocaleString('en-GB')} open episodes)`,
  connections: 10,
  durationSeconds: 5,
  baseline: 'read',
  expectStatus: 200,
  async setup(ctx) {
    const { cookie } = await ensureCrisisBoard(ctx, OPEN_EPISODES);
    // What is measured is the board itself, as the practitioner sees it: a 200 with every open episode
    // counted and a full first page, not a sign-in redirect or an empty board.
    const response = await fetch(`${ctx.origin}/crisis/board`, { headers: { accept: 'text/html', cookie }, redirect: 'manual' });
    const html = await response.text();
    const counted = html.match(/([\d,]+) open episodes? for /)?.[1];
    const rows = html.match(/<tbody[^>]*id="crisis-board-rows"[^>]*>([\s\S]*?)<\/tbody>/)?.[1]?.match(/<tr /g)?.length ?? 0;
    if (response.status !== 200 || Number(counted?.replaceAll(',', '')) < OPEN_EPISODES || rows !== 50) {
      throw new Error(`the board is not the one to measure: status ${response.status}, ${counted ?? 'no'} open episodes counted, ${rows} rows`);
    }
    return { cookie };
  },
  requests: (_ctx, state) => [{ method: 'GET', path: '/crisis/board', headers: { accept: 'text/html', cookie: state.cookie } }],
});
