// What the front door tells a caseload about risk (care's `registerRiskFlagSource`): an open request
// whose words were flagged by risk-phrase detection, with its reference and level.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';

/** Each person's flags in words, for the people given who have any. */
export async function frontDoorRiskFlags(db: Kysely<DB>, personIds: readonly string[]): Promise<Map<string, string[]>> {
  const flags = new Map<string, string[]>();
  if (personIds.length === 0) return flags;
  const rows = await db
    .selectFrom('requests')
    .select(['person_id', 'reference', 'risk_level'])
    .where('person_id', 'in', personIds)
    .where('status', '!=', 'closed')
    .where('risk_level', 'in', ['high', 'medium'])
    .orderBy('created_at')
    .execute();
  for (const r of rows) {
    flags.set(r.person_id, [...(flags.get(r.person_id) ?? []), `${r.risk_level === 'high' ? 'High' : 'Some'} risk words in open front door request ${r.reference}`]);
  }
  return flags;
}
