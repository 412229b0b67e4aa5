// The crisis board's counts at scale (issue 6, "Speed": 10,000 open episodes, p95 under 50 ms). The
// board counts every open episode of the user's teams on each render (board-store.ts,
// `boardCounts`). On PostgreSQL, with every row of the table open and in one team (the bench, or a
// busy night), the wider `crisis_episodes_waiting_idx` and `crisis_episodes_board_idx` cost as much to
// read as the table, so the planner counted with a sequential scan: 2.6 to 5 ms at 10,000 episodes.
// This index holds only the open episodes, keyed by team, and the columns the counts and the page of
// those waiting look at; it is smaller than the table, so the count is an index-only scan (0.6 ms).
// SQLite only uses a partial index when a query names the value itself, not as a parameter, so
// there it stays unused and the board counts from `crisis_episodes_waiting_idx` as before.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  // Kysely types a partial index's condition by the indexed columns only; status is the table's.
  await db.schema
    .createIndex('crisis_episodes_open_team_idx')
    .on('crisis_episodes')
    .columns(['team_id', 'responded_at', 'target_at'])
    .where('status' as 'team_id', '=', 'open')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('crisis_episodes_open_team_idx').execute();
}
