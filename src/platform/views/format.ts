// Dates and times as people in England read them: Europe/London, with the clock changes.
import { DateTime } from 'luxon';

export const ZONE = 'Europe/London';

function london(iso: string | Date): DateTime {
  const dt = typeof iso === 'string' ? DateTime.fromISO(iso, { zone: 'utc' }) : DateTime.fromJSDate(iso, { zone: 'utc' });
  return dt.setZone(ZONE);
}

/** "29 November 2026" */
export function formatDate(iso: string | Date | null | undefined): string {
  return iso ? london(iso).toFormat('d MMMM yyyy') : '';
}

// Many pages and messages show the same few instants (targets, deadlines); time-zone formatting is
// slow enough to matter on hot paths, so recent results are kept.
const dateTimes = new Map<string, string>();

/** "29 November 2026 at 14:05" */
export function formatDateTime(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  const key = typeof iso === 'string' ? iso : iso.toISOString();
  let text = dateTimes.get(key);
  if (text === undefined) {
    text = london(key).toFormat("d MMMM yyyy 'at' HH:mm");
    if (dateTimes.size >= 1024) dateTimes.clear();
    dateTimes.set(key, text);
  }
  return text;
}

/** "14:05" */
export function formatTime(iso: string | Date | null | undefined): string {
  return iso ? london(iso).toFormat('HH:mm') : '';
}

/** "2 hours 5 minutes", "45 minutes", "3 days 2 hours": for time left and ages, always in words. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} ${days === 1 ? 'day' : 'days'}`);
  if (hours) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (mins && days === 0) parts.push(`${mins} ${mins === 1 ? 'minute' : 'minutes'}`);
  return parts.length ? parts.join(' ') : 'less than a minute';
}
