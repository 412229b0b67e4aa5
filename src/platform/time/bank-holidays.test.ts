import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { BankHolidayFeedError, importBankHolidayFile, mergeBankHolidays, parseBankHolidayFeed, shippedBankHolidays, toFeed } from './bank-holidays.ts';

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(year: number): DateTime {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.utc(year, month, day);
}

const MONDAY = 1;
const SATURDAY = 6;
const SUNDAY = 7;

function firstMonday(year: number, month: number): DateTime {
  let day = DateTime.utc(year, month, 1);
  while (day.weekday !== MONDAY) day = day.plus({ days: 1 });
  return day;
}

function lastMonday(year: number, month: number): DateTime {
  let day = DateTime.utc(year, month, 1).endOf('month').startOf('day');
  while (day.weekday !== MONDAY) day = day.minus({ days: 1 });
  return day;
}

/** The usual rules of the Banking and Financial Dealings Act 1971, with substitute days for weekends. */
function expectedYear(year: number): { title: string; date: string; substitute: boolean }[] {
  const out: { title: string; date: string; substitute: boolean }[] = [];
  const add = (title: string, day: DateTime, substitute = false) => out.push({ title, date: day.toISODate()!, substitute });

  const newYear = DateTime.utc(year, 1, 1);
  if (newYear.weekday === SATURDAY) add('New Year’s Day', newYear.plus({ days: 2 }), true);
  else if (newYear.weekday === SUNDAY) add('New Year’s Day', newYear.plus({ days: 1 }), true);
  else add('New Year’s Day', newYear);

  const easter = easterSunday(year);
  add('Good Friday', easter.minus({ days: 2 }));
  add('Easter Monday', easter.plus({ days: 1 }));
  add('Early May bank holiday', firstMonday(year, 5));
  add('Spring bank holiday', lastMonday(year, 5));
  add('Summer bank holiday', lastMonday(year, 8));

  const christmas = DateTime.utc(year, 12, 25);
  const boxing = DateTime.utc(year, 12, 26);
  if (christmas.weekday === SATURDAY) {
    add('Christmas Day', christmas.plus({ days: 2 }), true);
    add('Boxing Day', boxing.plus({ days: 2 }), true);
  } else if (christmas.weekday === SUNDAY) {
    add('Boxing Day', boxing);
    add('Christmas Day', christmas.plus({ days: 2 }), true);
  } else if (boxing.weekday === SATURDAY) {
    add('Christmas Day', christmas);
    add('Boxing Day', boxing.plus({ days: 2 }), true);
  } else {
    add('Christmas Day', christmas);
    add('Boxing Day', boxing);
  }
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

describe('shipped bank holidays of England and Wales', () => {
  it('computes Easter correctly (checked against known dates) before checking the data with it', () => {
    assert.equal(easterSunday(2024).toISODate(), '2024-03-31');
    assert.equal(easterSunday(2025).toISODate(), '2025-04-20');
    assert.equal(easterSunday(2026).toISODate(), '2026-04-05');
    assert.equal(easterSunday(2019).toISODate(), '2019-04-21');
    assert.equal(easterSunday(2038).toISODate(), '2038-04-25');
  });

  for (const year of [2024, 2025, 2026, 2027, 2028]) {
    it(`holds exactly the eight bank holidays of ${year}, by the weekday and Easter rules`, () => {
      const actual = shippedBankHolidays.filter((e) => e.date.startsWith(`${year}-`));
      assert.deepEqual(
        actual.map((e) => ({ title: e.title, date: e.date, substitute: e.notes === 'Substitute day' })),
        expectedYear(year),
      );
    });
  }

  it('has the 2026 dates the GOV.UK feed gives', () => {
    assert.deepEqual(
      shippedBankHolidays.filter((e) => e.date.startsWith('2026-')).map((e) => e.date),
      ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'],
    );
  });

  it('puts every bank holiday on a weekday', () => {
    for (const e of shippedBankHolidays) assert.ok(DateTime.fromISO(e.date).weekday <= 5, `${e.title} ${e.date}`);
  });
});

describe('parseBankHolidayFeed', () => {
  it('reads the GOV.UK shape and ignores the other divisions', () => {
    const events = parseBankHolidayFeed({
      'england-and-wales': { division: 'england-and-wales', events: [{ title: 'Boxing Day', date: '2029-12-26', notes: '', bunting: true }, { title: 'Christmas Day', date: '2029-12-25', notes: '', bunting: true }] },
      scotland: { division: 'scotland', events: [{ title: 'St Andrew’s Day', date: '2029-11-30', notes: '', bunting: true }] },
    });
    assert.deepEqual(
      events.map((e) => e.date),
      ['2029-12-25', '2029-12-26'],
    );
  });

  it('names what is wrong with a file that is not in the GOV.UK format', () => {
    assert.throws(() => parseBankHolidayFeed({ scotland: {} }), BankHolidayFeedError);
    assert.throws(
      () => parseBankHolidayFeed({ 'england-and-wales': { division: 'england-and-wales', events: [{ title: 'Christmas Day', date: '2029-02-30' }] } }),
      (error: unknown) => error instanceof BankHolidayFeedError && /date: Expected a date as YYYY-MM-DD/.test(error.message),
    );
  });
});

describe('importing a newer GOV.UK file', () => {
  it('replaces the years the new file covers and keeps the others', () => {
    const merged = mergeBankHolidays(shippedBankHolidays, [
      { title: 'Extra bank holiday', date: '2028-06-05', notes: '', bunting: true },
      { title: 'New Year’s Day', date: '2029-01-01', notes: '', bunting: true },
    ]);
    assert.equal(merged.filter((e) => e.date.startsWith('2028-')).length, 1, '2028 comes from the new file');
    assert.equal(merged.filter((e) => e.date.startsWith('2027-')).length, 8, '2027 is kept');
    assert.ok(merged.some((e) => e.date === '2029-01-01'));
  });

  it('writes the merged data to the target file, and writes nothing from an invalid file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-bank-holidays-'));
    try {
      const target = path.join(dir, 'bank-holidays.json');
      fs.writeFileSync(target, JSON.stringify(toFeed(shippedBankHolidays)));
      const incoming = path.join(dir, 'gov-uk.json');
      const feed = toFeed(shippedBankHolidays.filter((e) => e.date.startsWith('2028-')).map((e) => ({ ...e, date: e.date.replace('2028', '2029') })));
      fs.writeFileSync(incoming, JSON.stringify(feed));
      const summary = importBankHolidayFile(incoming, target);
      assert.deepEqual(summary.years, ['2029']);
      assert.equal(summary.last, '2029-12-26');
      assert.equal(parseBankHolidayFeed(JSON.parse(fs.readFileSync(target, 'utf8'))).length, shippedBankHolidays.length + 8);

      const before = fs.readFileSync(target, 'utf8');
      fs.writeFileSync(incoming, '{"not": "a feed"}');
      assert.throws(() => importBankHolidayFile(incoming, target), BankHolidayFeedError);
      assert.equal(fs.readFileSync(target, 'utf8'), before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
