// Locks that the query builder cannot spell.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from './types.ts';

/**
 * Serialises transactions that append to one chain (the audit trail): on PostgreSQL a transaction-
 * level advisory lock, keyed by the current schema and the chain's name and released at commit or
 * rollback; on SQLite nothing is needed, since there is one writer and units run one after another.
 */
// biome-ignore lint/suspicious/noExplicitAny: takes a transaction over any schema.
export async function lockChainForTransaction(tx: Kysely<any>, chain: string): Promise<void> {
  if (dialectOf(tx) !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtext(current_schema()), hashtext(${chain}))`.execute(tx);
}

/** A trivial read: does the database answer? (Readiness checks.) */
// biome-ignore lint/suspicious/noExplicitAny: any schema.
export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}
