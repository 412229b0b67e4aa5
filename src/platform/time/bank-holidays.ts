// Bank holidays of England and Wales, as data in the shape of the GOV.UK feed
// (https://www.gov.uk/bank-holidays.json): `{ "england-and-wales": { division, events: [{ title,
// date, notes, bunting }] } }`. The shipped file `bank-holidays.json` covers 2024–2028.
//
// Updating: `mutual import bank-holidays <file.json>` reads a newer GOV.UK file, validates it, and
// writes it into the shipped file: for each year the new file covers, its events replace ours;
// years it does not cover are kept (GOV.UK publishes about two years ahead, we ship five). The
// change takes effect when Mutual next starts; commit the updated file so every deployment has it.
// Dates are data, never computed at run time: one-off holidays (a coronation, a jubilee, a moved
// early May holiday) come only from the feed.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { z } from 'zod';
import shipped from './bank-holidays.json' with { type: 'json' };

/** Where the shipped data lives; the import command writes here. */
export const BANK_HOLIDAYS_FILE = new URL('./bank-holidays.json', import.meta.url);

export const DIVISION = 'england-and-wales';

const isoDate = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid, { message: 'Expected a date as YYYY-MM-DD' });

const eventSchema = z.object({
  title: z.string().min(1),
  date: isoDate,
  notes: z.string().default(''),
  bunting: z.boolean().default(true),
});
export type BankHolidayEvent = z.output<typeof eventSchema>;

const feedSchema = z.object({
  [DIVISION]: z.object({
    division: z.literal(DIVISION),
    events: z.array(eventSchema).min(1, 'Expected at least one event'),
  }),
});

export interface BankHolidayFeed {
  [DIVISION]: { division: typeof DIVISION; events: BankHolidayEvent[] };
}

export class BankHolidayFeedError extends Error {
  constructor(readonly problems: string[]) {
    super(`The bank holidays file is not in the GOV.UK format:\n  ${problems.join('\n  ')}`);
    this.name = 'BankHolidayFeedError';
  }
}

/** Validates a GOV.UK-format feed and returns its England and Wales events, sorted by date, one per date. */
export function parseBankHolidayFeed(json: unknown): BankHolidayEvent[] {
  const parsed = feedSchema.safeParse(json);
  if (!parsed.success) {
    throw new BankHolidayFeedError(parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`));
  }
  const byDate = new Map<string, BankHolidayEvent>();
  for (const e of parsed.data[DIVISION].events) {
    if (byDate.has(e.date)) throw new BankHolidayFeedError([`${e.date}: appears twice`]);
    byDate.set(e.date, e);
  }
  return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** For each year `incoming` covers, its events replace `current`'s; other years of `current` stay. */
export function mergeBankHolidays(current: readonly BankHolidayEvent[], incoming: readonly BankHolidayEvent[]): BankHolidayEvent[] {
  const years = new Set(incoming.map((e) => e.date.slice(0, 4)));
  return [...current.filter((e) => !years.has(e.date.slice(0, 4))), ...incoming].sort((a, b) => a.date.localeCompare(b.date));
}

export function toFeed(events: readonly BankHolidayEvent[]): BankHolidayFeed {
  return { [DIVISION]: { division: DIVISION, events: [...events] } };
}

/** The shipped events (as read when this process started). */
export const shippedBankHolidays: readonly BankHolidayEvent[] = Object.freeze(parseBankHolidayFeed(shipped));

export interface BankHolidayImport {
  years: string[];
  replaced: number;
  added: number;
  first: string;
  last: string;
}

/**
 * Reads a GOV.UK-format file, merges it into the data at `target` (the shipped file by default) and
 * writes the result. Throws BankHolidayFeedError (nothing written) when the file is not valid.
 */
export function importBankHolidayFile(file: string, target: URL | string = BANK_HOLIDAYS_FILE): BankHolidayImport {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BankHolidayFeedError([`cannot read ${file} as JSON (${error instanceof Error ? error.message : String(error)})`]);
  }
  const incoming = parseBankHolidayFeed(json);
  const targetPath = typeof target === 'string' ? target : fileURLToPath(target);
  const current = parseBankHolidayFeed(JSON.parse(fs.readFileSync(targetPath, 'utf8')));
  const years = [...new Set(incoming.map((e) => e.date.slice(0, 4)))].sort();
  const merged = mergeBankHolidays(current, incoming);
  const replaced = current.filter((e) => years.includes(e.date.slice(0, 4))).length;
  const tmp = `${targetPath}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(toFeed(merged), null, 2)}\n`);
  fs.renameSync(tmp, targetPath);
  return { years, replaced, added: incoming.length, first: merged[0]!.date, last: merged[merged.length - 1]!.date };
}
