// The audit trail: who did what to which record, and who looked at whose (ASVS 5.0 V16).
//
// Append-only: triggers refuse UPDATE and DELETE (migration 2026-11-29T0320). Hash-chained: each
// event carries the previous event's hash and its own SHA-256 over a canonical form (a JSON array
// of its fields in a fixed order, the previous hash last), so `mutual audit verify` finds a row that
// was changed, removed or moved, even by someone who dropped the triggers first. Truncating the end
// of the chain leaves a valid shorter chain; compare the count with an earlier run to catch that.
//
// Events are written with `recordAudit(tx, …)` inside the unit of work of the change they record,
// so the change and its event commit together. `seq` is assigned in that transaction, when the
// batch of units it belongs to is flushed: on PostgreSQL appends are serialised by an advisory lock
// held to commit (a unique seq backs it up); on SQLite there is one writer.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { lockChainForTransaction } from '../db/dialect/locks.ts';
import { stageOf } from '../db/staging.ts';
import type { AuditEventsTable, DB } from '../db/tables.ts';

export interface AuditInput {
  at: Date;
  actorUserId: string | null;
  actorRole: string | null;
  /** The team the actor acted for, when they act for one (shown in the person's access log). */
  actorTeamId?: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  personId?: string | null;
  purpose?: string | null;
  outcome: 'success' | 'failure' | 'denied';
  /** The caller's network address, when the event comes from a request. */
  address?: string | null;
}

export type AuditEvent = AuditEventsTable;

export const GENESIS_HASH = '0'.repeat(64);

const FIELDS = [
  'seq',
  'at',
  'actor_user_id',
  'actor_role',
  'action',
  'entity_type',
  'entity_id',
  'person_id',
  'purpose',
  'outcome',
  'address',
  'prev_hash',
] as const;

/**
 * SHA-256 (hex) over the canonical form: the fields above, in that order, as a JSON array. The actor's
 * team came later: when set it goes in after `address` (so the array is one longer), and events
 * without one hash exactly as events written before the column existed.
 */
export function auditHash(event: Omit<AuditEvent, 'hash'>): string {
  const values: unknown[] = FIELDS.map((f) => event[f] ?? null);
  if (event.actor_team_id != null) values.splice(FIELDS.indexOf('address') + 1, 0, event.actor_team_id);
  const canonical = JSON.stringify(values);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Appends an event to the audit trail, in the transaction of the change it records (never with the
 * database itself). Inside a batch (`Database.write`) the event is chained and written with the
 * batch's other events just before the batch commits (src/platform/db/staging.ts); otherwise at once.
 * On PostgreSQL the chain lock is held until the transaction ends.
 */
export async function recordAudit(tx: Kysely<DB>, event: AuditInput): Promise<void> {
  if (!(event.at instanceof Date) || Number.isNaN(event.at.getTime())) throw new Error('An audit event needs a valid time.');
  const stage = stageOf(tx);
  if (stage) {
    stage.audit.push(event);
    return;
  }
  await appendAuditEvents(tx, [event]);
}

/** Chains events onto the end of the trail, in the order given, with one read of the chain's head and one insert. */
export async function appendAuditEvents(tx: Kysely<DB>, events: readonly AuditInput[]): Promise<void> {
  if (events.length === 0) return;
  await lockChainForTransaction(tx, 'audit_events');
  const last = await tx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows: AuditEvent[] = events.map((event) => {
    const row: Omit<AuditEvent, 'hash'> = {
      seq: ++seq,
      at: event.at.toISOString(),
      actor_user_id: event.actorUserId,
      actor_role: event.actorRole,
      actor_team_id: event.actorTeamId ?? null,
      action: event.action,
      entity_type: event.entityType,
      entity_id: event.entityId,
      person_id: event.personId ?? null,
      purpose: event.purpose ?? null,
      outcome: event.outcome,
      address: event.address ?? null,
      prev_hash: prevHash,
    };
    prevHash = auditHash(row);
    return { ...row, hash: prevHash };
  });
  // One statement per 1,000 events keeps within every engine's limit on bound values.
  for (let i = 0; i < rows.length; i += 1000) {
    await tx.insertInto('audit_events').values(rows.slice(i, i + 1000)).execute();
  }
}

export type AuditVerification = { ok: true; count: number } | { ok: false; seq: number; action: string | null; reason: string };

const PAGE = 1000;

/**
 * Walks the whole chain in seq order and names the first event that is not what was written:
 * a missing seq (removed), a previous hash that does not match the event before it (reordered, or
 * the one before was changed and re-hashed), or a hash that does not match the event's contents
 * (changed).
 */
export async function verifyAuditChain(db: Kysely<DB>): Promise<AuditVerification> {
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .select(['seq', 'at', 'actor_user_id', 'actor_role', 'actor_team_id', 'action', 'entity_type', 'entity_id', 'person_id', 'purpose', 'outcome', 'address', 'prev_hash', 'hash'])
      .where('seq', '>=', expected)
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    for (const raw of page) {
      const row = { ...raw, seq: Number(raw.seq) };
      if (row.seq !== expected) {
        const gap = row.seq - expected === 1 ? `event ${expected} is missing` : `events ${expected} to ${row.seq - 1} are missing`;
        return {
          ok: false,
          seq: expected,
          action: null,
          reason: `${gap}: the trail goes from ${expected - 1} to ${row.seq} (removed)`,
        };
      }
      if (row.prev_hash !== prevHash) {
        return {
          ok: false,
          seq: row.seq,
          action: row.action,
          reason: `it does not follow event ${row.seq - 1}: events were reordered, or the one before it was changed`,
        };
      }
      if (auditHash(row) !== row.hash) {
        return { ok: false, seq: row.seq, action: row.action, reason: 'its contents were changed: the hash does not match' };
      }
      prevHash = row.hash;
      expected++;
      count++;
    }
    if (page.length < PAGE) break;
  }
  // Rows below 1 (renumbered into the past) are outside the walk above: look for them too.
  const stray = await db.selectFrom('audit_events').select(['seq', 'action']).where('seq', '<', 1).orderBy('seq').limit(1).executeTakeFirst();
  if (stray) return { ok: false, seq: Number(stray.seq), action: stray.action, reason: 'its seq is before the start of the trail (reordered)' };
  return { ok: true, count };
}

/** A person's audit events, newest first ("who looked at my record"); page with `before` (a seq). */
export async function auditEventsForPerson(
  db: Kysely<DB>,
  personId: string,
  options: { limit?: number; before?: number } = {},
): Promise<AuditEvent[]> {
  let q = db
    .selectFrom('audit_events')
    .select(['seq', 'at', 'actor_user_id', 'actor_role', 'actor_team_id', 'action', 'entity_type', 'entity_id', 'person_id', 'purpose', 'outcome', 'address', 'prev_hash', 'hash'])
    .where('person_id', '=', personId);
  if (options.before !== undefined) q = q.where('seq', '<', options.before);
  const rows = await q
    .orderBy('seq', 'desc')
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 500))
    .execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}
