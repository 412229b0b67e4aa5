// Words that may mean risk in what the person writes in their own record (hazard H19). The people
// module screens each entry with the front door's risk phrases (`screenWords`) and tells every
// module; the front door answers for the round-the-clock part:
// - a request of theirs not yet contacted is brought forward: its urgency and risk level rise to what
//   the words call for (high: crisis, medium: urgent), and its contact target comes forward, with its
//   own warning and escalation timers, as if the words had been in the request;
// - when nobody who works round the clock is watching the person (no such request, no open crisis
//   episode), the front door opens a request for them, owned, timed and escalated like any other.
// Neither carries the person's words: they are on the record's timeline, for those who may see it.
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/access/audit.ts';
import type { Platform } from '../../platform/context.ts';
import { newId, parseJson, toJson } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';
import { addedRef } from '../people/index.ts';
import { newReference } from './reference.ts';
import type { RiskCategory, RiskLevel } from './risk-phrases.ts';
import { addEvent, requestById, updateRequest } from './store.ts';
import { frontDoorTeamAndHours, insertNewRequest, scheduleContactTimers } from './submit.ts';
import { contactTarget, type Urgency, urgencyFor } from './targets.ts';

/**
 * Something the person added from the portal that may mean risk: an entry whose words may (H19), or a
 * review saying they do not feel safe (H18); who added it on which record, when, and what it may mean.
 */
export interface RiskyEntry {
  kind: 'entry' | 'review';
  id: string;
  personId: string;
  /** The person's account. */
  by: string;
  at: Date;
  level: Exclude<RiskLevel, 'none'>;
  categories: readonly RiskCategory[];
  /** The words are in a language the risk phrases cannot read (the request then says "Not screened for risk"). */
  unscreened?: boolean;
}

/** What a request opened for an entry says in place of the person's words. */
export const OWN_ENTRY_STORY =
  'Opened by the front door: the person wrote in their own online record, and the words may mean they are at risk. ' +
  'Their words are on their record’s timeline. Read them, then contact the person.';
/** What a request opened for a review saying the person does not feel safe says. */
export const OWN_REVIEW_STORY =
  'Opened by the front door: in a review the person entered online, they rated their personal safety low. ' +
  'The review is on their record’s timeline. Read it, then contact the person.';

const URGENCY_RANK: Record<Urgency, number> = { routine: 0, urgent: 1, crisis: 2 };
const RISK_RANK: Record<RiskLevel, number> = { none: 0, medium: 1, high: 2 };

type Flags = { category: string; start?: number; end?: number }[];

function withCategories(json: string | null, categories: readonly RiskCategory[]): string | null {
  const flags = parseJson<Flags>(json) ?? [];
  for (const category of categories) if (!flags.some((f) => f.category === category)) flags.push({ category });
  return flags.length ? toJson(flags) : null;
}

/**
 * Brings an open request forward for an entry whose words may mean risk. Returns whether its contact
 * target now watches the person: false when the request has been contacted already (from then on no
 * target runs on it; its risk level and flags still rise, for whoever works it and the caseloads) or
 * is closed, so the caller makes sure someone else is told.
 */
export async function bringForwardForEntry(platform: Platform, tx: Kysely<DB>, requestId: string, entry: RiskyEntry): Promise<{ watched: boolean; contactBy: string | null }> {
  const r = await requestById(tx, requestId);
  if (!r || r.status === 'closed') return { watched: false, contactBy: null };
  const riskLevel = RISK_RANK[entry.level] > RISK_RANK[r.risk_level] ? entry.level : r.risk_level;
  if (r.first_contact_at !== null) {
    await updateRequest(tx, r.id, entry.at, { risk_level: riskLevel, risk_flags: withCategories(r.risk_flags, entry.categories), ...(entry.unscreened ? { words_unscreened: 1 } : {}) });
    return { watched: false, contactBy: null };
  }
  const wanted = urgencyFor(entry.level);
  const urgency = URGENCY_RANK[wanted] > URGENCY_RANK[r.urgency] ? wanted : r.urgency;
  const { hours } = await frontDoorTeamAndHours(tx);
  const target = contactTarget(urgency, entry.at, hours, platform.config.frontDoor);
  const earlier = target.getTime() < new Date(r.contact_target_at).getTime();
  await updateRequest(tx, r.id, entry.at, {
    urgency,
    risk_level: riskLevel,
    risk_flags: withCategories(r.risk_flags, entry.categories),
    ...(entry.unscreened ? { words_unscreened: 1 } : {}),
    ...(earlier ? { contact_target_at: target.toISOString() } : {}),
  });
  // Timers of their own for the new target; the old ones find the request warned or breached already,
  // or contacted, and do nothing (escalation.ts).
  if (earlier) await scheduleContactTimers(tx, r.id, entry.at, target, `entry:${entry.id}`);
  return { watched: true, contactBy: earlier ? target.toISOString() : r.contact_target_at };
}

/**
 * Opens a request for the person when words that may mean risk reach nobody who works round the clock:
 * crisis urgency for high risk, urgent for medium, the front door's team, its contact target and
 * timers, a timeline event and an audit event, in the entry's own unit of work.
 */
export async function raiseForOwnEntry(platform: Platform, tx: Kysely<DB>, entry: RiskyEntry): Promise<{ id: string; reference: string; contactBy: string }> {
  const { team, hours } = await frontDoorTeamAndHours(tx);
  const urgency = urgencyFor(entry.level);
  const target = contactTarget(urgency, entry.at, hours, platform.config.frontDoor);
  const id = newId();
  const reference = newReference();
  await insertNewRequest(
    tx,
    {
      id,
      reference,
      person_id: entry.personId,
      team_id: team?.id ?? null,
      source: 'self',
      channel: 'web',
      referrer_user_id: null,
      referrer: null,
      person_agreed: 0,
      form_token_hash: null,
      story: entry.kind === 'review' ? OWN_REVIEW_STORY : OWN_ENTRY_STORY,
      what_would_help: null,
      // They wrote in their record, not to ask for a referral: nothing is shared with partners unless they agree when contacted.
      consent_to_share: 0,
      urgency,
      risk_level: entry.level,
      risk_flags: withCategories(null, entry.categories),
      words_unscreened: entry.unscreened ? 1 : 0,
      contact_target_at: target.toISOString(),
    },
    entry.at,
  );
  await addEvent(tx, id, entry.at, null, 'submitted', { source: 'self', channel: 'web', urgency, riskLevel: entry.level, raisedFrom: entry.kind === 'review' ? 'own-review' : 'own-record', ...addedRef(entry) });
  await scheduleContactTimers(tx, id, entry.at, target);
  await recordAudit(tx, {
    at: entry.at,
    actorUserId: null,
    actorRole: 'system',
    action: 'front-door.request.raise-for-entry',
    entityType: 'request',
    entityId: id,
    personId: entry.personId,
    purpose: 'direct care',
    outcome: 'success',
  });
  return { id, reference, contactBy: target.toISOString() };
}
