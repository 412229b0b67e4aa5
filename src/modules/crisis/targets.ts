// Response targets of crisis episodes (issue 6, item 1), in the priority codes of the Mental Health
// Services Data Set. The issue fixes very urgent (4 hours) and urgent (24 hours). For the other two:
// - emergency: 1 hour. NHS England's clinically-led review of mental health access standards asks for
//   an emergency ("blue light") response to a crisis immediately, within an hour at most;
// - routine: 72 hours, the longest a crisis team should leave anyone it has accepted, and the same
//   clock as follow-up after discharge.
// The alliance may change any of them (table `crisis_targets`, page /crisis/targets for team leads);
// a change applies to episodes opened after it. Each episode's target is counted from first contact
// (the front door's receipt of the request, or the call), and stored on the episode when it opens.
// A warning goes to the responders (or the team's leads) at 75% of the time, and the episode is
// escalated to the team's leads at its target.
import type { Kysely } from 'kysely';
import type { CrisisPriority, DB } from '../../platform/db/tables.ts';
import { replaceTarget, targetRows } from './target-store.ts';

export const PRIORITIES: readonly CrisisPriority[] = ['emergency', 'very-urgent', 'urgent', 'routine'];

export const PRIORITY_TEXT: Record<CrisisPriority, string> = {
  emergency: 'Emergency',
  'very-urgent': 'Very urgent',
  urgent: 'Urgent',
  routine: 'Routine',
};

export const DEFAULT_TARGET_MINUTES: Record<CrisisPriority, number> = {
  emergency: 60,
  'very-urgent': 4 * 60,
  urgent: 24 * 60,
  routine: 72 * 60,
};

/** The longest target the page accepts: 7 days. */
export const MAX_TARGET_MINUTES = 7 * 24 * 60;

/** The targets in force: the defaults, with the alliance's changes. */
export async function targetMinutes(db: Kysely<DB>): Promise<Record<CrisisPriority, number>> {
  const rows = await targetRows(db);
  const targets = { ...DEFAULT_TARGET_MINUTES };
  for (const r of rows) targets[r.priority] = Number(r.minutes);
  return targets;
}

export function targetAt(firstContactAt: Date, minutes: number): Date {
  return new Date(firstContactAt.getTime() + minutes * 60_000);
}

/** When to warn that a target is near: 75% of the way from first contact to the target. */
export function warningAt(firstContactAt: Date, target: Date): Date {
  return new Date(firstContactAt.getTime() + Math.round((target.getTime() - firstContactAt.getTime()) * 0.75));
}

/** Sets the targets; only priorities whose minutes differ from the default keep a row. */
export async function saveTargets(tx: Kysely<DB>, targets: Record<CrisisPriority, number>, by: string, at: Date): Promise<void> {
  for (const priority of PRIORITIES) {
    await replaceTarget(tx, priority, targets[priority] !== DEFAULT_TARGET_MINUTES[priority] ? targets[priority] : null, by, at);
  }
}

/** "1 hour", "4 hours", "1 day 6 hours", "90 minutes". */
export function targetText(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}
