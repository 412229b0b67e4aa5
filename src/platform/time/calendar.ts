// The business calendar: London dates, bank holidays of England and Wales, opening hours, and
// "working time" (time a team is open). Zone arithmetic is luxon's (IANA Europe/London), never
// hand-rolled, so the nights the clocks change come out right: a 09:00 opening is 08:00 UTC in
// summer and 09:00 UTC in winter, and a night session on the night the clocks go back lasts an hour
// longer.
//
// Opening hours (`OpeningHours`) are weekly sessions per day, in London wall-clock time:
//   { weekly: { mon: [{ opens: '09:00', closes: '17:00' }], … }, bankHolidays: 'closed' }
// - `closes` may be '24:00' (midnight at the end of the day), or earlier than `opens` to mean the
//   next morning (22:00–02:00). A session belongs to the day it opens on: on a bank holiday the
//   sessions opening that day follow the bank holiday rule, and last night's session runs to its end.
// - `bankHolidays`: 'closed' (no sessions open that day), 'open' (the usual weekly sessions), or the
//   sessions of that day instead of the weekly ones.
// - `null` (not an OpeningHours) means always open, 24/7. Every function here accepts it.
// Sessions that touch or overlap (18:00–00:00 then 00:00–02:00) count as one open period.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { shippedBankHolidays } from './bank-holidays.ts';

export const LONDON = 'Europe/London';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

/** One opening in London wall-clock time, 'HH:MM'. */
export interface Session {
  opens: string;
  /** '24:00' for midnight at the end of the day; earlier than `opens` (or equal) for the next day. */
  closes: string;
}

export interface OpeningHours {
  weekly: Partial<Record<Day, readonly Session[]>>;
  bankHolidays: 'closed' | 'open' | readonly Session[];
}

/** Office hours: Monday to Friday, 09:00 to 17:00, closed on bank holidays (England and Wales). */
export const OFFICE_HOURS: OpeningHours = {
  weekly: Object.fromEntries((['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((d) => [d, [{ opens: '09:00', closes: '17:00' }]])),
  bankHolidays: 'closed',
};

// ---- schema (forms, seeds, API bodies) ------------------------------------------------------------

const OPENS = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOSES = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export const sessionSchema = z
  .object({
    opens: z.string({ message: 'Enter an opening time' }).regex(OPENS, 'Enter an opening time in 24-hour format, like 09:00'),
    closes: z.string({ message: 'Enter a closing time' }).regex(CLOSES, 'Enter a closing time in 24-hour format, like 17:00, or 24:00 for midnight'),
  })
  .refine((s) => s.opens !== s.closes, { message: 'The closing time must be different from the opening time', path: ['closes'] });

const daySessions = z.array(sessionSchema).optional();

/** Validates opening hours. Use `openingHoursSchema.nullable()` where null (open 24 hours) is allowed. */
export const openingHoursSchema = z
  .object({
    weekly: z.strictObject(
      { mon: daySessions, tue: daySessions, wed: daySessions, thu: daySessions, fri: daySessions, sat: daySessions, sun: daySessions },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? 'Name days as mon, tue, wed, thu, fri, sat or sun' : undefined) },
    ),
    bankHolidays: z
      .union([z.enum(['closed', 'open']), z.array(sessionSchema).min(1, 'Enter at least one opening time for bank holidays')], {
        message: 'Choose closed, open as usual, or enter opening times for bank holidays',
      })
      .default('closed'),
  })
  .refine((h) => DAYS.some((d) => (h.weekly[d]?.length ?? 0) > 0), {
    message: 'Enter at least one opening time, or choose open 24 hours',
    path: ['weekly'],
  });

// Keeps the hand-written type and the schema in step: a change to one that the other lacks fails here.
const _schemaMatchesType: (h: z.output<typeof openingHoursSchema>) => OpeningHours = (h) => h;

/** Opening hours from a JSON column (teams.opening_hours): null means always open. Throws on invalid hours. */
export function openingHoursFromJson(text: string | null | undefined): OpeningHours | null {
  if (text == null) return null;
  return openingHoursSchema.parse(JSON.parse(text));
}

// ---- London dates and bank holidays -------------------------------------------------------------

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const bankHolidayDates = new Set(shippedBankHolidays.map((e) => e.date));

const WALL_CLOCK_FORMATS = ['yyyy-MM-dd HH:mm', "yyyy-MM-dd'T'HH:mm", 'yyyy-MM-dd HH:mm:ss', "yyyy-MM-dd'T'HH:mm:ss", 'dd/MM/yyyy HH:mm', 'dd/MM/yyyy HH:mm:ss'];

/**
 * A date and time on a London clock ("2026-11-28 14:30", "2026-11-28T14:30", "28/11/2026 14:30", with
 * or without seconds) as an instant, whatever the season; null when it is none of those or no such time.
 */
export function fromLondonWallClock(text: string): Date | null {
  const value = text.trim();
  for (const format of WALL_CLOCK_FORMATS) {
    const at = DateTime.fromFormat(value, format, { zone: LONDON });
    if (at.isValid) return at.toJSDate();
  }
  return null;
}

/** The calendar date (YYYY-MM-DD) in London at an instant. */
export function londonDate(at: Date): string {
  return DateTime.fromJSDate(at, { zone: LONDON }).toISODate()!;
}

/** Whether a London date ('YYYY-MM-DD'), or the London date of an instant, is a bank holiday in England and Wales. */
export function isBankHoliday(dateOrAt: string | Date): boolean {
  return bankHolidayDates.has(toLondonDate(dateOrAt));
}

/** The first and last bank holiday the calendar knows (dates after the last are never bank holidays here). */
export function bankHolidayCoverage(): { first: string; last: string } {
  return { first: shippedBankHolidays[0]!.date, last: shippedBankHolidays[shippedBankHolidays.length - 1]!.date };
}

function toLondonDate(dateOrAt: string | Date): string {
  if (dateOrAt instanceof Date) {
    if (Number.isNaN(dateOrAt.getTime())) throw new RangeError('Expected a valid date');
    return londonDate(dateOrAt);
  }
  if (DATE.test(dateOrAt)) return dateOrAt;
  const at = DateTime.fromISO(dateOrAt, { zone: LONDON });
  if (!at.isValid) throw new RangeError(`Expected a date as YYYY-MM-DD or an ISO-8601 instant, not "${dateOrAt}"`);
  return at.toISODate()!;
}

// ---- open periods ---------------------------------------------------------------------------------

/** How far ahead the calendar looks for an opening before it gives up (two years and a day). */
const HORIZON_DAYS = 732;

interface Period {
  start: number;
  end: number;
  /** The period runs past the horizon: as far as the calendar can tell it never closes. */
  endless: boolean;
}

function startOfLondonDay(at: number): DateTime {
  return DateTime.fromMillis(at, { zone: LONDON }).startOf('day');
}

/** A London wall-clock time on a day (luxon moves a time in the spring-forward gap an hour on). */
function wallClock(day: DateTime, hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  if (h === 24) return day.plus({ days: 1 }).startOf('day').toMillis();
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: h, minute: m }, { zone: LONDON }).toMillis();
}

function sessionsOn(hours: OpeningHours, day: DateTime): readonly Session[] {
  if (bankHolidayDates.has(day.toISODate()!)) {
    if (hours.bankHolidays === 'closed') return [];
    if (hours.bankHolidays !== 'open') return hours.bankHolidays;
  }
  return hours.weekly[DAYS[day.weekday - 1]!] ?? [];
}

/** The open intervals [start, end) of the sessions opening on a London day, sorted by start. */
function intervalsOn(hours: OpeningHours, day: DateTime): { start: number; end: number }[] {
  return sessionsOn(hours, day)
    .map((s) => {
      const start = wallClock(day, s.opens);
      const end = s.closes === '24:00' || s.closes > s.opens ? wallClock(day, s.closes) : wallClock(day.plus({ days: 1 }), s.closes);
      return { start, end };
    })
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
}

/**
 * The open periods that end after `from`, in order, merged where sessions touch or overlap. Starts
 * from the day before `from` (last night's session may still be open). Sessions opening on a later
 * day start after every session of an earlier day starts, so the stream is sorted as it is built.
 */
function* openPeriods(hours: OpeningHours, from: number): Generator<Period> {
  const first = startOfLondonDay(from).minus({ days: 1 });
  let current: { start: number; end: number } | undefined;
  let horizon = first.toMillis();
  for (let d = 0; d <= HORIZON_DAYS; d++) {
    const day = first.plus({ days: d });
    horizon = day.plus({ days: 1 }).startOf('day').toMillis();
    for (const i of intervalsOn(hours, day)) {
      if (current && i.start <= current.end) {
        current.end = Math.max(current.end, i.end);
        continue;
      }
      if (current && current.end > from) yield { ...current, endless: false };
      current = { ...i };
    }
  }
  if (current && current.end > from) yield { ...current, endless: current.end >= horizon };
}

function millis(at: Date, name: string): number {
  const t = at.getTime();
  if (Number.isNaN(t)) throw new RangeError(`${name} must be a valid date`);
  return t;
}

/** Whether the team or service is open at an instant. */
export function isOpenAt(hours: OpeningHours | null, at: Date): boolean {
  if (hours === null) return true;
  const t = millis(at, 'at');
  for (const p of openPeriods(hours, t)) return p.start <= t;
  return false;
}

/**
 * When the team or service is next open at or after `from`: `from` itself when open then (and for
 * 24/7), otherwise the start of the next session. Null when it never opens (within two years).
 */
export function nextOpening(hours: OpeningHours | null, from: Date): Date | null {
  if (hours === null) return new Date(millis(from, 'from'));
  const t = millis(from, 'from');
  for (const p of openPeriods(hours, t)) return new Date(Math.max(p.start, t));
  return null;
}

/**
 * When the team or service next closes after `from`: the end of the open period it is in, or, when
 * closed, the end of the next one. Null for 24/7 and when it never closes or never opens again.
 */
export function nextClosing(hours: OpeningHours | null, from: Date): Date | null {
  if (hours === null) return null;
  const t = millis(from, 'from');
  for (const p of openPeriods(hours, t)) return p.endless ? null : new Date(p.end);
  return null;
}

/**
 * The instant at which `minutes` of open time have passed since `from`, counting only time the team
 * is open (nights, weekends and closed bank holidays do not count). The result is open, or exactly
 * at a closing time when the minutes run out there. With 0 minutes: the next opening (or `from`).
 * Throws when the hours have not that much open time within two years.
 */
export function addWorkingTime(hours: OpeningHours | null, from: Date, minutes: number): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError('minutes must be zero or more');
  const t = millis(from, 'from');
  let remaining = Math.round(minutes * 60_000);
  if (hours === null) return new Date(t + remaining);
  for (const p of openPeriods(hours, t)) {
    const start = Math.max(p.start, t);
    if (remaining <= p.end - start) return new Date(start + remaining);
    remaining -= p.end - start;
  }
  throw new RangeError('These opening hours have not that much open time within two years');
}

/**
 * The closing time of the next working day after `from`'s London day: the latest closing of the
 * sessions that open on the first later day with any (a night session closes the morning after).
 * For 24/7, midnight at the end of the next day. Throws when there is no working day within two years.
 */
export function endOfNextWorkingDay(hours: OpeningHours | null, from: Date): Date {
  const today = startOfLondonDay(millis(from, 'from'));
  if (hours === null) return today.plus({ days: 2 }).startOf('day').toJSDate();
  for (let d = 1; d <= HORIZON_DAYS; d++) {
    const intervals = intervalsOn(hours, today.plus({ days: d }));
    if (intervals.length > 0) return new Date(Math.max(...intervals.map((i) => i.end)));
  }
  throw new RangeError('These opening hours have no working day within two years');
}
