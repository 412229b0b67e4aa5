// Live capacity (hazard H12): a service's capacity row set by Mutual itself (a crisis place linked to
// the service: its holds and stays) is marked `live`. Writing the service's record again (an Open
// Referral import, the provider admin's form) replaces only the rows that came with a record, so a
// feed's own figure no longer overwrites, or removes, the count of the beds actually free.
import type { Kysely } from 'kysely';
import { columnTypes, oneOf } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .alterTable('directory_service_capacity')
    .addColumn('live', t.flag, (c) => c.notNull().defaultTo(0).check(oneOf('live', ['0', '1'])))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('directory_service_capacity').dropColumn('live').execute();
}
