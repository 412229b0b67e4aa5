// Contact targets (issue 4): crisis within an hour, urgent within four hours, routine by the end of
// the next working day of the front door's opening hours. Warnings at 75% of the time to target.
import type { Config } from '../../config.ts';
import { endOfNextWorkingDay, OFFICE_HOURS, type OpeningHours } from '../../platform/time/calendar.ts';

export type Urgency = 'crisis' | 'urgent' | 'routine';

/** Hours used when no front door team is configured: weekdays 09:00–17:00, closed on bank holidays. */
export const DEFAULT_FRONT_DOOR_HOURS: OpeningHours = OFFICE_HOURS;

// The routine target depends only on the hours and the day, so one calculation serves every request
// in the same minute (time-zone arithmetic is the costliest step of a submission).
const routineTargets = new Map<string, number>();

export function contactTarget(urgency: Urgency, submittedAt: Date, hours: OpeningHours | null, config: Config['frontDoor']): Date {
  if (urgency === 'crisis') return new Date(submittedAt.getTime() + config.crisisMinutes * 60_000);
  if (urgency === 'urgent') return new Date(submittedAt.getTime() + config.urgentMinutes * 60_000);
  const key = `${Math.floor(submittedAt.getTime() / 60_000)}|${JSON.stringify(hours)}`;
  let target = routineTargets.get(key);
  if (target === undefined) {
    target = endOfNextWorkingDay(hours ?? DEFAULT_FRONT_DOOR_HOURS, submittedAt).getTime();
    if (routineTargets.size >= 256) routineTargets.clear();
    routineTargets.set(key, target);
  }
  return new Date(target);
}

/** When to warn that a target is near: 75% of the way from submission to target. */
export function warningAt(submittedAt: Date, target: Date): Date {
  return new Date(submittedAt.getTime() + Math.round((target.getTime() - submittedAt.getTime()) * 0.75));
}

/** Risk decides urgency; a human triages and may change it. A high-risk flag brings the request forward. */
export function urgencyFor(riskLevel: 'high' | 'medium' | 'none'): Urgency {
  return riskLevel === 'high' ? 'crisis' : riskLevel === 'medium' ? 'urgent' : 'routine';
}
