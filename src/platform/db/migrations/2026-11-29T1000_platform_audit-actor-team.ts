// The team an actor acted for, on each audit event: "who has looked at my record" names the team as
// well as the person and their role (issue 5). Null for events with no team (the public, the system,
// accounts without a team) and for every event written before this column existed.
import type { Kysely } from 'kysely';
import { columnTypes } from '../dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('audit_events').addColumn('actor_team_id', t.id).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').dropColumn('actor_team_id').execute();
}
