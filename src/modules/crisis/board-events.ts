// Live updates of the crisis board (issue 6, item 2): the board's server-sent events at
// `paths.boardEvents`, for the same people as the board itself (`crisis:board:read`).
//
// Every unit of work that changes what the board shows publishes a live event on BOARD_CHANNEL in
// the same transaction (`publishBoardChange` in episode-store.ts: each entry of an episode's action
// log, which every change writes (opened, priority, responders, next action, responded, closed);
// a follow-up created or overdue; a duty shift added or removed). The event says what changed by
// reference only (team, episode or follow-up id, kind of change): no name, no summary.
//
// The board page renders the id of the newest event (`boardLive`) and the regions that change; the
// platform's live.js listens to the stream from that id and swaps in the regions from a fresh render
// of the page, so the page without JavaScript is the same page, refreshed by its link. With several
// server processes on PostgreSQL, a change made through any of them reaches every board
// (src/platform/realtime/: LISTEN/NOTIFY, and the events table as the record).
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { BOARD_CHANNEL } from './episode-store.ts';
import { READ } from './episodes.ts';
import { paths } from './paths.ts';

/** The regions of the board page that live updates swap in (elements with these ids). */
export const BOARD_LIVE_REGIONS = ['crisis-duty-warning', 'crisis-board-summary', 'crisis-board-rows', 'crisis-follow-ups', 'crisis-duty'] as const;
/** With scripts on, the board refreshes its regions this often too, so times left go down by themselves. */
export const BOARD_LIVE_EVERY_SECONDS = 60;

export interface BoardLive {
  /** The stream's URL. */
  events: string;
  /** The newest event's id, read before the board: the stream resumes after it, so nothing falls between. */
  lastId: number;
  regions: string;
  everySeconds: number;
}

/** What the board page needs for live updates; call it before reading the board's rows. */
export async function boardLive(app: FastifyInstance): Promise<BoardLive> {
  return { events: paths.boardEvents, lastId: await app.live.latestId(), regions: BOARD_LIVE_REGIONS.join(' '), everySeconds: BOARD_LIVE_EVERY_SECONDS };
}

export default async function boardEventRoutes(app: FastifyInstance, _opts: { platform: Platform }) {
  // The board's live events: signed in with the board's permission; ends when the session does.
  app.get(paths.boardEvents, { config: { permission: READ } }, async (request, reply) => {
    await app.live.stream(request, reply, BOARD_CHANNEL);
  });
}

export { BOARD_CHANNEL };
