// Server-side sessions (ASVS 5.0 V7). The id is 256 random bits, sent only in an HttpOnly cookie;
// the database keeps its SHA-256, so a copy of the database signs no one in. A session ends after
// `config.session.idleMinutes` without a request, `config.session.absoluteHours` after sign-in, at
// sign-out, and when its account is disabled. A new id is issued whenever the session's standing
// changes (password accepted, sign-in complete), so an id planted before sign-in is worth nothing.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Actor, Membership, Role } from '../access/policy.ts';
import type { Platform } from '../context.ts';
import type { DB } from '../db/tables.ts';
import { deleteSession, findSessionWithMemberships, insertSession, touchSession } from './store.ts';

export type SessionStage = 'mfa' | 'enrol' | 'full';

/** How long a half-finished sign-in (password accepted, code not yet) may take. */
export const PENDING_MINUTES = 10;
/** last_seen_at is written at most this often per session: not a write per request. */
export const TOUCH_INTERVAL_MS = 60_000;

export interface LoadedSession {
  /** SHA-256 (hex) of the id: the session's reference in audit events. */
  idHash: string;
  userId: string;
  stage: SessionStage;
  returnTo: string | null;
  displayName: string;
  personId: string | null;
  createdAt: string;
  /** For full sessions: the user's memberships. Empty for half-finished sign-ins. */
  memberships: Membership[];
}

export function newSessionId(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function hashSessionId(id: string): string {
  return crypto.createHash('sha256').update(id, 'utf8').digest('hex');
}

/** Whether a cookie value could be a session id at all (43 base64url characters); saves a query. */
export function looksLikeSessionId(value: string | undefined): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** Starts a session in a unit of work; returns the id (for the cookie only). */
export async function startSession(
  tx: Kysely<DB>,
  config: Config,
  now: Date,
  session: { userId: string; stage: SessionStage; returnTo?: string | null },
): Promise<string> {
  const id = newSessionId();
  const lifetimeMs = session.stage === 'full' ? config.session.absoluteHours * 3_600_000 : Math.min(PENDING_MINUTES * 60_000, config.session.absoluteHours * 3_600_000);
  await insertSession(tx, {
    id_hash: hashSessionId(id),
    user_id: session.userId,
    stage: session.stage,
    return_to: session.returnTo ?? null,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + lifetimeMs).toISOString(),
  });
  return id;
}

/** Why a stored session no longer counts, or null while it is alive. */
export function sessionEnded(
  config: Config,
  now: Date,
  row: { expires_at: string; last_seen_at: string; disabled_at: string | null },
): 'disabled' | 'expired' | 'idle' | null {
  if (row.disabled_at) return 'disabled';
  if (now.getTime() >= new Date(row.expires_at).getTime()) return 'expired';
  if (now.getTime() - new Date(row.last_seen_at).getTime() >= config.session.idleMinutes * 60_000) return 'idle';
  return null;
}

/**
 * The session a cookie names, if it is alive: ended sessions are deleted and answer null. Marks the
 * session seen (at most once a minute), which is what keeps an active session from going idle.
 */
export async function loadSession(platform: Platform, id: string): Promise<LoadedSession | null> {
  const { db, clock, config } = platform;
  const idHash = hashSessionId(id);
  const row = await findSessionWithMemberships(db.read, idHash);
  if (!row) return null;
  const now = clock.now();
  if (sessionEnded(config, now, row)) {
    await db.write((tx) => deleteSession(tx, idHash));
    return null;
  }
  if (now.getTime() - new Date(row.last_seen_at).getTime() >= TOUCH_INTERVAL_MS) {
    await db.write((tx) => touchSession(tx, idHash, now.toISOString()));
  }
  const stage = row.stage as SessionStage;
  return {
    idHash,
    userId: row.user_id,
    stage,
    returnTo: row.return_to,
    displayName: row.display_name,
    personId: row.person_id,
    createdAt: row.created_at,
    memberships: stage === 'full' ? row.memberships.map((m) => ({ ...m, role: m.role as Role })) : [],
  };
}

/** The actor a full session makes; half-finished sign-ins make no actor. */
export function actorOf(session: LoadedSession | null): Actor | null {
  if (session?.stage !== 'full') return null;
  return {
    kind: 'user',
    userId: session.userId,
    displayName: session.displayName,
    memberships: session.memberships,
    personId: session.personId,
    sessionRef: session.idHash,
  };
}
