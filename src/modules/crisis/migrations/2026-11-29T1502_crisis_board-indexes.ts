// The crisis board at scale (issue 6, "Speed": 10,000 open episodes, p95 under 50 ms): the board reads
// a page of a team's open episodes still waiting for a response, by target, straight from this index
// (no sort of the whole team), and counts them from it.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('crisis_episodes_waiting_idx').on('crisis_episodes').columns(['team_id', 'status', 'responded_at', 'target_at', 'id']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('crisis_episodes_waiting_idx').execute();
}
