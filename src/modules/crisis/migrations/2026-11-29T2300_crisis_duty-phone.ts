// The duty mobile of a shift (hazard H14): the work phone the person on duty carries, often a team's
// duty phone handed from shift to shift. An episode nobody answers in time is texted to it as well as
// emailed, so the duty senior hears of it at night; the board shows it, so the hub can ring them.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('crisis_duty').addColumn('phone', 'text').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('crisis_duty').dropColumn('phone').execute();
}
