// Opening hours from HSDS schedules (RFC 5545 recurrence rules), in Europe/London, with bank holidays.
//
// Two uses:
// - `openingSlots` turns the simple schedules (WEEKLY by day, DAILY) into rows the store can query
//   ("open now" in SQL over 100,000 services); schedules SQL cannot read (MONTHLY "first Monday",
//   every other week) mark the service `complex` and are checked here after narrowing.
// - `isOpenAt`, `openLine` answer for one service: "Open now · closes 23:00", "Opens tomorrow 09:00".
//
// A session's times are wall-clock London times. "00:00" or "24:00" as closing time means midnight
// at the end of the day; a closing time earlier than the opening time runs past midnight.
import { DateTime } from 'luxon';
import { type BankHolidayRule, ICAL_DAYS, type IcalDay, type Schedule } from './model.ts';

export const ZONE = 'Europe/London';
const DAY_MINUTES = 1440;

/** Whether an ISO date (YYYY-MM-DD) is a bank holiday in England and Wales. */
export type BankHolidayCheck = (isoDate: string) => boolean;

export interface OpeningSlot {
  /** 0 = Monday … 6 = Sunday: the day these minutes fall on. */
  day: number;
  /** The day the session started (differs from `day` for the part after midnight). */
  originDay: number;
  spill: boolean;
  opensMin: number;
  closesMin: number;
  validFrom: string | null;
  validTo: string | null;
}

/** "09:30" or "09:30:00" → 570; "24:00" → 1440; null when absent or malformed. */
export function minutesOf(time: string | null | undefined): number | null {
  if (!time) return null;
  const m = /^(\d{1,2}):(\d{2})(?::\d{2})?/.exec(time.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

/** The session's span in minutes from the start of its day: [opens, closes), closes up to 2880. */
export function sessionSpan(schedule: Pick<Schedule, 'opensAt' | 'closesAt'>): { opens: number; closes: number } | null {
  const opens = minutesOf(schedule.opensAt);
  let closes = minutesOf(schedule.closesAt);
  if (opens == null || closes == null) return null;
  if (closes === 0 || closes <= opens) closes += DAY_MINUTES; // midnight, or past midnight
  if (closes - opens > DAY_MINUTES) closes = opens + DAY_MINUTES;
  return { opens, closes };
}

function simpleDays(schedule: Schedule): number[] | null {
  const interval = schedule.interval ?? 1;
  if (interval !== 1 || schedule.bymonthday) return null;
  const freq = schedule.freq ?? (schedule.byday ? 'WEEKLY' : null);
  if (freq === 'DAILY' && !schedule.byday) return [0, 1, 2, 3, 4, 5, 6];
  if (freq !== 'WEEKLY' && freq !== 'DAILY') return null;
  if (!schedule.byday) return null;
  const days: number[] = [];
  for (const part of schedule.byday.split(',')) {
    const code = part.trim().toUpperCase();
    const i = ICAL_DAYS.indexOf(code as IcalDay);
    if (i < 0) return null; // an ordinal ("1MO") or something unknown
    days.push(i);
  }
  return days;
}

/** Whether a schedule can be answered by opening slots in SQL. */
export function isSimpleSchedule(schedule: Schedule): boolean {
  return simpleDays(schedule) != null && sessionSpan(schedule) != null;
}

/** Slots for the store, and whether any schedule needs checking in code. */
export function openingSlots(schedules: readonly Schedule[]): { slots: OpeningSlot[]; complex: boolean } {
  const slots: OpeningSlot[] = [];
  let complex = false;
  for (const s of schedules) {
    const span = sessionSpan(s);
    if (!span) continue; // no times: says nothing about when it is open
    const days = simpleDays(s);
    if (!days) {
      complex = true;
      continue;
    }
    for (const day of days) {
      const base = { originDay: day, validFrom: s.validFrom ?? null, validTo: s.validTo ?? null };
      slots.push({ ...base, day, spill: false, opensMin: span.opens, closesMin: Math.min(span.closes, DAY_MINUTES) });
      if (span.closes > DAY_MINUTES) {
        slots.push({ ...base, day: (day + 1) % 7, spill: true, opensMin: 0, closesMin: span.closes - DAY_MINUTES });
      }
    }
  }
  return { slots, complex };
}

/** A moment as the store's open-at query needs it. */
export interface OpenAtQuery {
  date: string;
  day: number;
  minute: number;
  bankHoliday: boolean;
  previousDate: string;
  previousDay: number;
  previousBankHoliday: boolean;
}

export function openAtQuery(at: Date, isBankHoliday: BankHolidayCheck): OpenAtQuery {
  const local = DateTime.fromJSDate(at, { zone: ZONE });
  const prev = local.minus({ days: 1 });
  const date = local.toISODate()!;
  const previousDate = prev.toISODate()!;
  return {
    date,
    day: local.weekday - 1,
    minute: local.hour * 60 + local.minute,
    bankHoliday: isBankHoliday(date),
    previousDate,
    previousDay: prev.weekday - 1,
    previousBankHoliday: isBankHoliday(previousDate),
  };
}

// ---- one service: sessions on a given day, open at, next opening ------------------------------

function within(date: string, s: Schedule): boolean {
  return (!s.validFrom || s.validFrom.slice(0, 10) <= date) && (!s.validTo || s.validTo.slice(0, 10) >= date);
}

/** Whether a schedule recurs on this London date (any RFC 5545 shape we support). */
export function occursOn(s: Schedule, date: DateTime): boolean {
  return occursOnDay(s, date, date.toISODate()!);
}

function occursOnDay(s: Schedule, date: DateTime, iso: string): boolean {
  if (!within(iso, s)) return false;
  const interval = Math.max(1, s.interval ?? 1);
  const freq = s.freq ?? (s.byday ? 'WEEKLY' : s.bymonthday ? 'MONTHLY' : null);
  const dtstart = s.dtstart ? DateTime.fromISO(s.dtstart.slice(0, 10), { zone: ZONE }) : null;
  if (dtstart?.isValid && iso < dtstart.toISODate()!) return false;
  const code = ICAL_DAYS[date.weekday - 1]!;
  const bydays = (s.byday ?? '')
    .split(',')
    .map((p) => p.trim().toUpperCase())
    .filter(Boolean);
  switch (freq) {
    case 'DAILY': {
      if (bydays.length && !bydays.includes(code)) return false;
      if (interval > 1 && dtstart?.isValid) return Math.round(date.startOf('day').diff(dtstart.startOf('day'), 'days').days) % interval === 0;
      return true;
    }
    case 'WEEKLY': {
      const days = bydays.length ? bydays : dtstart?.isValid ? [ICAL_DAYS[dtstart.weekday - 1]!] : [];
      if (!days.includes(code)) return false;
      if (interval > 1 && dtstart?.isValid) {
        const weeks = Math.floor(date.startOf('week').diff(dtstart.startOf('week'), 'weeks').weeks + 1e-9);
        return weeks % interval === 0;
      }
      return true;
    }
    case 'MONTHLY': {
      if (interval > 1 && dtstart?.isValid) {
        const months = (date.year - dtstart.year) * 12 + (date.month - dtstart.month);
        if (months % interval !== 0) return false;
      }
      if (s.bymonthday) {
        const days = s.bymonthday.split(',').map((d) => Number(d.trim()));
        return days.some((d) => d === date.day || (d < 0 && date.daysInMonth! + d + 1 === date.day));
      }
      return bydays.some((p) => {
        const m = /^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(p);
        if (!m || m[2] !== code) return false;
        if (!m[1]) return true;
        const n = Number(m[1]);
        const nth = Math.ceil(date.day / 7);
        const fromEnd = Math.ceil((date.daysInMonth! - date.day + 1) / 7);
        return n > 0 ? nth === n : fromEnd === -n;
      });
    }
    case 'YEARLY':
      return dtstart?.isValid === true && dtstart.month === date.month && dtstart.day === date.day;
    default:
      return false;
  }
}

// Each London midnight costs luxon a time-zone look-up (Intl), and a page of 20 results asks for the
// same 17 days 20 times: they are kept by date (a small map, cleared when it fills).
const MIDNIGHTS = new Map<string, { date: DateTime; iso: string; millis: number }>();

/** London midnight `days` after the date of `local`. */
function londonDay(local: DateTime, days: number): { date: DateTime; iso: string; millis: number } {
  const key = `${local.year}-${local.month}-${local.day}${days < 0 ? '' : '+'}${days}`;
  let day = MIDNIGHTS.get(key);
  if (!day) {
    const date = local.plus({ days }).startOf('day');
    day = { date, iso: date.toISODate()!, millis: date.toMillis() };
    if (MIDNIGHTS.size >= 512) MIDNIGHTS.clear();
    MIDNIGHTS.set(key, day);
  }
  return day;
}

/** The moment in London time. A page of results asks for the same moment once per service: the last one is kept. */
let lastMoment: { millis: number; local: DateTime; weekAfter?: number } | null = null;
function londonTime(at: Date): DateTime {
  const millis = at.getTime();
  if (lastMoment?.millis !== millis) lastMoment = { millis, local: DateTime.fromJSDate(at, { zone: ZONE }) };
  return lastMoment.local;
}

/** The same London wall-clock time seven days after `local` (luxon's plus({ days: 7 })), in epoch milliseconds. */
function weekAfter(local: DateTime): number {
  if (lastMoment?.local === local && lastMoment.weekAfter !== undefined) return lastMoment.weekAfter;
  const millis = local.plus({ days: 7 }).toMillis();
  if (lastMoment?.local === local) lastMoment.weekAfter = millis;
  return millis;
}

/** Sessions starting on a London day, as epoch milliseconds, in start order, bank holidays applied. */
function sessionsOn(
  schedules: readonly Schedule[],
  rule: BankHolidayRule,
  day: { date: DateTime; iso: string; millis: number },
  isBankHoliday: BankHolidayCheck,
): { start: number; end: number }[] {
  let asDate = day.date;
  if (isBankHoliday(day.iso)) {
    if (rule === 'closed') return [];
    if (rule === 'sunday-hours') asDate = day.date.plus({ days: 7 - day.date.weekday }); // that week's Sunday, for the day rule only
  }
  const asIso = asDate === day.date ? day.iso : asDate.toISODate()!;
  const out: { start: number; end: number }[] = [];
  for (const s of schedules) {
    const span = sessionSpan(s);
    if (!span) continue;
    // The day rule is read on `asDate` (Sunday for a bank holiday), validity on the real date.
    if (!within(day.iso, s)) continue;
    if (!occursOnDay({ ...s, validFrom: null, validTo: null }, asDate, asIso)) continue;
    // Minutes from midnight are elapsed time (as luxon's plus({ minutes }) counts them), so a session
    // on a clock-change day keeps its length.
    out.push({ start: day.millis + span.opens * 60_000, end: day.millis + span.closes * 60_000 });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The sessions that start on a London date, as absolute intervals (ms), bank holidays applied. */
export function sessionsStartingOn(
  schedules: readonly Schedule[],
  rule: BankHolidayRule,
  date: DateTime,
  isBankHoliday: BankHolidayCheck,
): { start: DateTime; end: DateTime }[] {
  const midnight = date.startOf('day');
  return sessionsOn(schedules, rule, { date, iso: date.toISODate()!, millis: midnight.toMillis() }, isBankHoliday).map((s) => ({
    start: DateTime.fromMillis(s.start, { zone: ZONE }),
    end: DateTime.fromMillis(s.end, { zone: ZONE }),
  }));
}

/** Whether the service is open at the moment. */
export function isOpenAt(schedules: readonly Schedule[], rule: BankHolidayRule, at: Date, isBankHoliday: BankHolidayCheck): boolean {
  const local = londonTime(at);
  const t = at.getTime();
  for (const d of [-1, 0]) {
    for (const s of sessionsOn(schedules, rule, londonDay(local, d), isBankHoliday)) {
      if (s.start <= t && t < s.end) return true;
    }
  }
  return false;
}

export type OpenState =
  | { kind: 'always' }
  | { kind: 'open'; closes: DateTime }
  | { kind: 'closed'; opens: DateTime }
  | { kind: 'closed-no-opening' }
  | { kind: 'unknown' };

const HORIZON_DAYS = 15;

/**
 * Open now (and until when, joining sessions that touch), or when it next opens, within two weeks.
 * Days are read one at a time, only as far as the answer needs: a session starting on a day starts
 * at or after that day's midnight, so no later day can change an answer found before it.
 */
export function openState(schedules: readonly Schedule[], rule: BankHolidayRule, at: Date, isBankHoliday: BankHolidayCheck): OpenState {
  if (!schedules.some((s) => sessionSpan(s))) return { kind: 'unknown' };
  const local = londonTime(at);
  const t = at.getTime();
  const sessions: { start: number; end: number }[] = [];
  let next = -1;
  /** Reads the next day's sessions; false past the horizon. */
  const readDay = (): boolean => {
    if (next > HORIZON_DAYS) return false;
    sessions.push(...sessionsOn(schedules, rule, londonDay(local, next), isBankHoliday));
    next++;
    return true;
  };
  /** The midnight starting the first day not read yet (no unread session starts before it). */
  const unreadFrom = () => (next > HORIZON_DAYS ? Number.POSITIVE_INFINITY : londonDay(local, next).millis);
  // Sessions containing now start today or yesterday (none lasts more than a day).
  readDay();
  readDay();
  const current = sessions.find((s) => s.start <= t && t < s.end);
  if (current) {
    let end = current.end;
    for (let changed = true; changed; ) {
      changed = false;
      while (unreadFrom() <= end && readDay()) changed = true;
      for (const s of sessions) {
        if (s.start <= end && s.end > end) {
          end = s.end;
          changed = true;
        }
      }
    }
    // Open for a week or more (calendar days, as luxon counts them across a clock change).
    if (end >= weekAfter(local)) return { kind: 'always' };
    return { kind: 'open', closes: DateTime.fromMillis(end, { zone: ZONE }) };
  }
  let opens = Number.POSITIVE_INFINITY;
  for (;;) {
    for (const s of sessions) if (s.start > t && s.start < opens) opens = s.start;
    if (unreadFrom() >= opens || !readDay()) break;
  }
  return Number.isFinite(opens) ? { kind: 'closed', opens: DateTime.fromMillis(opens, { zone: ZONE }) } : { kind: 'closed-no-opening' };
}

/** London calendar days from the date of `local` to the date of `later` (within the horizon; else counted by luxon). */
function daysFrom(local: DateTime, later: DateTime): number {
  const iso = later.toISODate();
  for (let d = 0; d <= HORIZON_DAYS; d++) if (londonDay(local, d).iso === iso) return d;
  return Math.round(later.startOf('day').diff(local.startOf('day'), 'days').days);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** "09:30", or "midnight": from the time's own hour and minute (luxon's toFormat costs a formatter each time). */
function clock(dt: DateTime): string {
  return dt.hour === 0 && dt.minute === 0 ? 'midnight' : `${pad2(dt.hour)}:${pad2(dt.minute)}`;
}

/** "Open 24 hours", "Open now · closes 23:00", "Opens tomorrow 09:00", "Opens Monday 09:00", "Closed". */
export function describeOpenState(state: OpenState, at: Date): string {
  switch (state.kind) {
    case 'always':
      return 'Open 24 hours';
    case 'open':
      return `Open now · closes ${clock(state.closes)}`;
    case 'closed': {
      const days = daysFrom(londonTime(at), state.opens);
      const when = days === 0 ? 'today' : days === 1 ? 'tomorrow' : days < 7 ? DAY_NAMES[state.opens.weekday - 1] : state.opens.toFormat('d MMMM');
      return `Opens ${when} ${pad2(state.opens.hour)}:${pad2(state.opens.minute)}`;
    }
    case 'closed-no-opening':
      return 'Closed';
    default:
      return 'Opening times not known';
  }
}

const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function joinDays(days: number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length === 7) return 'Every day';
  // A run of three or more consecutive days reads as a range.
  const runs: number[][] = [];
  for (const d of sorted) {
    const last = runs.at(-1);
    if (last && last.at(-1) === d - 1) last.push(d);
    else runs.push([d]);
  }
  const parts = runs.flatMap((r) => (r.length >= 3 ? [`${DAY_NAMES[r[0]!]} to ${DAY_NAMES[r.at(-1)!]}`] : r.map((d) => DAY_NAMES[d]!)));
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : (parts[0] ?? '');
}

function timeWords(time: string | null | undefined): string {
  const m = minutesOf(time);
  if (m == null) return '';
  if (m === 0 || m === DAY_MINUTES) return 'midnight';
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Hours in words for the service page: "Monday to Friday, 09:00 to 17:00". */
export function hoursInWords(schedules: readonly Schedule[], rule: BankHolidayRule): string[] {
  const lines: string[] = [];
  for (const s of schedules) {
    const span = sessionSpan(s);
    if (!span) {
      if (s.description) lines.push(s.description);
      continue;
    }
    const days = simpleDays(s);
    const allDay = span.closes - span.opens >= DAY_MINUTES;
    const times = allDay ? '24 hours' : `${timeWords(s.opensAt)} to ${timeWords(s.closesAt)}`;
    let when: string;
    if (days) when = joinDays(days);
    else if (s.description) when = s.description;
    else when = describeRule(s);
    lines.push(`${when}, ${times}`);
  }
  if (lines.length) {
    lines.push(
      rule === 'closed' ? 'Closed on bank holidays' : rule === 'as-usual' ? 'Open as usual on bank holidays' : 'Bank holidays: Sunday hours',
    );
  }
  return lines;
}

const ORDINALS: Record<string, string> = { '1': 'First', '2': 'Second', '3': 'Third', '4': 'Fourth', '-1': 'Last' };

function describeRule(s: Schedule): string {
  const parts = (s.byday ?? '').split(',').filter(Boolean);
  if (s.freq === 'MONTHLY' && parts.length) {
    return parts
      .map((p) => {
        const m = /^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(p.trim().toUpperCase());
        if (!m) return p;
        const day = DAY_NAMES[ICAL_DAYS.indexOf(m[2] as IcalDay)]!;
        return m[1] ? `${ORDINALS[m[1].replace('+', '')] ?? m[1]} ${day} of the month` : `Every ${day}`;
      })
      .join(', ');
  }
  if (s.freq === 'WEEKLY' && (s.interval ?? 1) > 1) {
    return `Every ${s.interval} weeks on ${joinDays(parts.map((p) => ICAL_DAYS.indexOf(p.trim().toUpperCase() as IcalDay)).filter((d) => d >= 0))}`;
  }
  return 'Regularly';
}
