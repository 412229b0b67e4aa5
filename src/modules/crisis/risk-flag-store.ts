// What the crisis module tells a caseload about risk (care's `registerRiskFlagSource`): an open
// crisis episode, with its reference and priority, and a follow-up after discharge still to do.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';

const PRIORITY_WORDS: Record<string, string> = { emergency: 'emergency', 'very-urgent': 'very urgent', urgent: 'urgent', routine: 'routine' };

/** Each person's flags in words, for the people given who have any. */
export async function crisisRiskFlags(db: Kysely<DB>, personIds: readonly string[]): Promise<Map<string, string[]>> {
  const flags = new Map<string, string[]>();
  if (personIds.length === 0) return flags;
  const add = (personId: string, flag: string) => flags.set(personId, [...(flags.get(personId) ?? []), flag]);
  const [episodes, followUps] = await Promise.all([
    db
      .selectFrom('crisis_episodes')
      .select(['person_id', 'reference', 'priority'])
      .where('person_id', 'in', personIds)
      .where('status', '=', 'open')
      .orderBy('opened_at')
      .execute(),
    db
      .selectFrom('crisis_follow_ups as f')
      .innerJoin('tasks', 'tasks.id', 'f.task_id')
      .select(['f.person_id', 'f.due_at'])
      .where('f.person_id', 'in', personIds)
      .where('tasks.status', '=', 'open')
      .orderBy('f.due_at')
      .execute(),
  ]);
  for (const e of episodes) if (e.person_id) add(e.person_id, `Open crisis episode ${e.reference} (${PRIORITY_WORDS[e.priority] ?? e.priority})`);
  for (const f of followUps) add(f.person_id, 'Follow-up after a crisis discharge still to do');
  return flags;
}
