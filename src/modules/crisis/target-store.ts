// Rows of `crisis_targets`: a priority's response target where the alliance changed the default.
import type { Kysely } from 'kysely';
import type { CrisisPriority, DB } from '../../platform/db/tables.ts';

export async function targetRows(db: Kysely<DB>) {
  return db.selectFrom('crisis_targets').select(['priority', 'minutes']).execute();
}

/** Replaces a priority's row: removed, then written again when `minutes` is given. */
export async function replaceTarget(tx: Kysely<DB>, priority: CrisisPriority, minutes: number | null, by: string, at: Date): Promise<void> {
  await tx.deleteFrom('crisis_targets').where('priority', '=', priority).execute();
  if (minutes !== null) await tx.insertInto('crisis_targets').values({ priority, minutes, updated_by: by, updated_at: at.toISOString() }).execute();
}
