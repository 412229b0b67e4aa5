// Rows of "Did you get the right response?" (`crisis_feedback`): the request sent after an episode
// closes, found again by the hash of its link's token (the token itself is never stored).
import type { Insertable, Kysely } from 'kysely';
import type { CrisisFeedbackTable, DB } from '../../platform/db/tables.ts';

export async function insertFeedbackRequest(tx: Kysely<DB>, row: Insertable<CrisisFeedbackTable>): Promise<void> {
  await tx.insertInto('crisis_feedback').values(row).execute();
}

export async function feedbackByTokenHash(db: Kysely<DB>, tokenHash: string) {
  return db.selectFrom('crisis_feedback').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Records the answer, once: a request already answered is left as it is. */
export async function saveFeedbackAnswer(tx: Kysely<DB>, id: string, answer: { answer: CrisisFeedbackTable['answer']; comment: string | null }, at: Date): Promise<void> {
  await tx.updateTable('crisis_feedback').set({ answer: answer.answer, comment: answer.comment, answered_at: at.toISOString() }).where('id', '=', id).where('answered_at', 'is', null).execute();
}
