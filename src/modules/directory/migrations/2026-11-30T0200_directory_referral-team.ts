// The team that answers a service's referrals through Mutual (hazard H10). A service names an
// organisation; without a team, a referral to it reaches (and involves with the person) every
// practitioner and lead of that organisation, which in an NHS trust is many teams that have nothing to
// do with the person. A provider admin names the one team that answers; null keeps the organisation.
// Mutual's own column, outside the Open Referral UK record: imports and the service form leave it alone.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('directory_services').addColumn('referral_team_id', 'text', (c) => c.references('teams.id')).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('directory_services').dropColumn('referral_team_id').execute();
}
