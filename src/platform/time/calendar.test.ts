import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  addWorkingTime,
  bankHolidayCoverage,
  endOfNextWorkingDay,
  isBankHoliday,
  isOpenAt,
  londonDate,
  nextClosing,
  nextOpening,
  type OpeningHours,
  openingHoursFromJson,
  openingHoursSchema,
} from './calendar.ts';

const d = (iso: string) => new Date(iso);
const WEEKDAY = [{ opens: '09:00', closes: '17:00' }];
const NINE_TO_FIVE: OpeningHours = {
  weekly: { mon: WEEKDAY, tue: WEEKDAY, wed: WEEKDAY, thu: WEEKDAY, fri: WEEKDAY },
  bankHolidays: 'closed',
};
const everyDay = (opens: string, closes: string, bankHolidays: OpeningHours['bankHolidays'] = 'open'): OpeningHours => ({
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [{ opens, closes }]])),
  bankHolidays,
});
const SANCTUARY = everyDay('18:00', '24:00');
const SANCTUARY_WRITTEN_AS_MIDNIGHT = everyDay('18:00', '00:00');
const NIGHT_22_TO_02 = everyDay('22:00', '02:00');
const FRONT_DOOR = everyDay('08:00', '20:00', [{ opens: '10:00', closes: '16:00' }]);

describe('londonDate', () => {
  it('gives the London calendar date, which differs from the UTC date late on a summer evening', () => {
    assert.equal(londonDate(d('2026-07-01T23:30:00Z')), '2026-07-02');
    assert.equal(londonDate(d('2026-12-01T23:30:00Z')), '2026-12-01');
  });
});

describe('isBankHoliday', () => {
  it('knows the 2026 bank holidays of England and Wales, including the Boxing Day substitute', () => {
    for (const date of ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']) {
      assert.equal(isBankHoliday(date), true, date);
    }
    assert.equal(isBankHoliday('2026-12-26'), false, 'Boxing Day falls on a Saturday: the holiday is the Monday');
    assert.equal(isBankHoliday('2026-12-24'), false);
  });

  it('reads an instant as its London date', () => {
    // 23:30 UTC on 24 December is 23:30 in London (winter): not yet Christmas Day.
    assert.equal(isBankHoliday(d('2026-12-24T23:30:00Z')), false);
    // 23:30 UTC on 24 May is 00:30 on the 25th in London (summer): the spring bank holiday.
    assert.equal(isBankHoliday(d('2026-05-24T23:30:00Z')), true);
    assert.equal(isBankHoliday('2026-05-24T23:30:00Z'), true);
  });

  it('refuses something that is not a date rather than answering no', () => {
    assert.throws(() => isBankHoliday('next tuesday'), RangeError);
  });

  it('covers 2024 to 2028', () => {
    assert.deepEqual(bankHolidayCoverage(), { first: '2024-01-01', last: '2028-12-26' });
  });
});

describe('opening hours schema', () => {
  it('accepts weekly sessions, midnight as 24:00, sessions past midnight and bank holiday sessions', () => {
    const parsed = openingHoursSchema.parse({
      weekly: { mon: [{ opens: '09:00', closes: '17:00' }], fri: [{ opens: '22:00', closes: '02:00' }], sat: [{ opens: '18:00', closes: '24:00' }] },
      bankHolidays: [{ opens: '10:00', closes: '16:00' }],
    });
    assert.equal(parsed.weekly.fri?.[0]?.closes, '02:00');
  });

  it('treats bank holidays as closed when not said', () => {
    assert.equal(openingHoursSchema.parse({ weekly: { mon: WEEKDAY } }).bankHolidays, 'closed');
  });

  it('explains in plain English what is wrong with a time, a day or an empty week', () => {
    const messages = (value: unknown) => {
      const r = openingHoursSchema.safeParse(value);
      assert.equal(r.success, false);
      return r.error!.issues.map((i) => i.message);
    };
    assert.deepEqual(messages({ weekly: { mon: [{ opens: '9am', closes: '17:00' }] } }), ['Enter an opening time in 24-hour format, like 09:00']);
    assert.deepEqual(messages({ weekly: { mon: [{ opens: '09:00', closes: '25:00' }] } }), ['Enter a closing time in 24-hour format, like 17:00, or 24:00 for midnight']);
    assert.deepEqual(messages({ weekly: { mon: [{ opens: '09:00', closes: '09:00' }] } }), ['The closing time must be different from the opening time']);
    assert.ok(messages({ weekly: { monday: WEEKDAY } }).includes('Name days as mon, tue, wed, thu, fri, sat or sun'));
    assert.deepEqual(messages({ weekly: {} }), ['Enter at least one opening time, or choose open 24 hours']);
  });

  it('reads a team column: null is open 24 hours, and invalid hours are refused', () => {
    assert.equal(openingHoursFromJson(null), null);
    assert.deepEqual(openingHoursFromJson(JSON.stringify(NINE_TO_FIVE)), NINE_TO_FIVE);
    assert.throws(() => openingHoursFromJson('{"weekly":{"mon":[{"opens":"9","closes":"5"}]}}'));
  });
});

describe('isOpenAt across the clock changes', () => {
  it('opens a 09:00–17:00 team at 09:00 British Summer Time (08:00 UTC) on the Monday after the March change', () => {
    // Clocks went forward at 01:00 UTC on Sunday 29 March 2026.
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-03-30T08:30:00Z')), true, '09:30 BST');
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-03-30T07:59:00Z')), false, '08:59 BST');
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-03-30T16:30:00Z')), false, '17:30 BST, though 16:30 UTC');
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-03-27T16:30:00Z')), true, 'the Friday before: 16:30 GMT');
  });

  it('opens a 09:00–17:00 team at 09:00 Greenwich Mean Time (09:00 UTC) on the Monday after the October change', () => {
    // Clocks went back at 01:00 UTC on Sunday 25 October 2026.
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-10-26T09:30:00Z')), true, '09:30 GMT');
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-10-26T08:30:00Z')), false, '08:30 GMT, though 09:30 in summer');
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-10-26T16:30:00Z')), true, '16:30 GMT');
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-10-23T16:30:00Z')), false, 'the Friday before: 17:30 BST');
  });

  it('is closed at weekends and on bank holidays when the hours say so', () => {
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-12-05T12:00:00Z')), false, 'Saturday');
    assert.equal(isOpenAt(NINE_TO_FIVE, d('2026-12-28T12:00:00Z')), false, 'Boxing Day substitute');
    assert.equal(isOpenAt({ ...NINE_TO_FIVE, bankHolidays: 'open' }, d('2026-12-28T12:00:00Z')), true);
  });

  it('keeps bank holiday sessions in place of the weekly ones (the front door hub, 10:00–16:00)', () => {
    assert.equal(isOpenAt(FRONT_DOOR, d('2026-08-31T08:30:00Z')), false, '09:30 BST on the summer bank holiday');
    assert.equal(isOpenAt(FRONT_DOOR, d('2026-08-31T09:30:00Z')), true, '10:30 BST');
    assert.equal(isOpenAt(FRONT_DOOR, d('2026-09-01T07:30:00Z')), true, '08:30 BST the next day');
    assert.equal(isOpenAt(FRONT_DOOR, d('2026-08-30T18:59:00Z')), true, '19:59 BST on the Sunday before');
  });

  it('treats null as open 24 hours, every day', () => {
    assert.equal(isOpenAt(null, d('2026-12-25T03:00:00Z')), true);
  });
});

describe('overnight sessions', () => {
  it('counts an 18:00–midnight sanctuary as open at 23:30 and closed at midnight, however midnight is written', () => {
    for (const hours of [SANCTUARY, SANCTUARY_WRITTEN_AS_MIDNIGHT]) {
      assert.equal(isOpenAt(hours, d('2026-12-04T23:30:00Z')), true, '23:30 GMT');
      assert.equal(isOpenAt(hours, d('2026-12-05T00:00:00Z')), false, 'midnight');
      assert.equal(isOpenAt(hours, d('2026-07-04T22:30:00Z')), true, '23:30 BST');
      assert.equal(isOpenAt(hours, d('2026-07-04T23:00:00Z')), false, 'midnight BST');
    }
  });

  it('counts a 22:00–02:00 session as open at 01:00 the next morning, and closed at 02:00', () => {
    assert.equal(isOpenAt(NIGHT_22_TO_02, d('2026-12-05T01:00:00Z')), true);
    assert.equal(isOpenAt(NIGHT_22_TO_02, d('2026-12-05T02:00:00Z')), false);
    assert.equal(isOpenAt(NIGHT_22_TO_02, d('2026-12-05T21:59:00Z')), false);
  });

  it('runs last night’s session into a closed bank holiday, because a session belongs to the day it opens', () => {
    const sundayNights: OpeningHours = { weekly: { sun: [{ opens: '22:00', closes: '02:00' }] }, bankHolidays: 'closed' };
    // Sunday 30 August 2026 22:00 BST, into the summer bank holiday Monday.
    assert.equal(isOpenAt(sundayNights, d('2026-08-31T00:00:00Z')), true, '01:00 BST on the bank holiday');
    assert.equal(isOpenAt(sundayNights, d('2026-08-31T01:00:00Z')), false, '02:00 BST');
  });

  it('lasts an hour longer on the night the clocks go back, and an hour shorter on the night they go forward', () => {
    // 22:00 BST Saturday 24 October (21:00 UTC) to 02:00 GMT Sunday (02:00 UTC): five hours.
    assert.equal(nextClosing(NIGHT_22_TO_02, d('2026-10-24T21:00:00Z'))?.toISOString(), '2026-10-25T02:00:00.000Z');
    // 22:00 GMT Saturday 28 March (22:00 UTC) to 02:00 BST Sunday (01:00 UTC): three hours.
    assert.equal(nextClosing(NIGHT_22_TO_02, d('2026-03-28T22:00:00Z'))?.toISOString(), '2026-03-29T01:00:00.000Z');
  });
});

describe('nextOpening and nextClosing', () => {
  it('finds Monday 09:00 after a Friday evening, and the closing after that', () => {
    const friday = d('2026-12-04T18:00:00Z');
    assert.equal(nextOpening(NINE_TO_FIVE, friday)?.toISOString(), '2026-12-07T09:00:00.000Z');
    assert.equal(nextClosing(NINE_TO_FIVE, friday)?.toISOString(), '2026-12-07T17:00:00.000Z');
  });

  it('gives the moment itself as the opening when open, and today’s closing', () => {
    const at = d('2026-12-03T11:00:00Z');
    assert.equal(nextOpening(NINE_TO_FIVE, at)?.toISOString(), at.toISOString());
    assert.equal(nextClosing(NINE_TO_FIVE, at)?.toISOString(), '2026-12-03T17:00:00.000Z');
  });

  it('skips the Christmas bank holidays', () => {
    assert.equal(nextOpening(NINE_TO_FIVE, d('2026-12-24T17:00:00Z'))?.toISOString(), '2026-12-29T09:00:00.000Z');
  });

  it('finds the Monday opening across the March change in BST', () => {
    assert.equal(nextOpening(NINE_TO_FIVE, d('2026-03-27T17:00:00Z'))?.toISOString(), '2026-03-30T08:00:00.000Z');
  });

  it('merges sessions that touch: 18:00–24:00 then 00:00–02:00 closes at 02:00', () => {
    const hours: OpeningHours = { weekly: { fri: [{ opens: '18:00', closes: '24:00' }], sat: [{ opens: '00:00', closes: '02:00' }] }, bankHolidays: 'open' };
    assert.equal(nextClosing(hours, d('2026-12-04T19:00:00Z'))?.toISOString(), '2026-12-05T02:00:00.000Z');
  });

  it('never closes when open 24 hours, whether null or written as whole days', () => {
    assert.equal(nextClosing(null, d('2026-12-04T19:00:00Z')), null);
    assert.equal(nextClosing(everyDay('00:00', '24:00'), d('2026-12-04T19:00:00Z')), null);
    assert.equal(nextOpening(null, d('2026-12-04T19:00:00Z'))?.toISOString(), '2026-12-04T19:00:00.000Z');
  });

  it('answers null when hours never open', () => {
    const never: OpeningHours = { weekly: {}, bankHolidays: 'closed' };
    assert.equal(nextOpening(never, d('2026-12-04T19:00:00Z')), null);
    assert.equal(nextClosing(never, d('2026-12-04T19:00:00Z')), null);
  });
});

describe('addWorkingTime', () => {
  it('carries time over the weekend: Friday 16:00 plus 2 hours is Monday 10:00', () => {
    assert.equal(addWorkingTime(NINE_TO_FIVE, d('2026-12-04T16:00:00Z'), 120).toISOString(), '2026-12-07T10:00:00.000Z');
  });

  it('skips Christmas Day, the weekend and the Boxing Day substitute: Thursday 24 December 16:00 plus 2 hours is Tuesday 29th 10:00', () => {
    assert.equal(addWorkingTime(NINE_TO_FIVE, d('2026-12-24T16:00:00Z'), 120).toISOString(), '2026-12-29T10:00:00.000Z');
  });

  it('carries time over the weekend the clocks go forward: Friday 16:00 GMT plus 2 hours is Monday 10:00 BST', () => {
    assert.equal(addWorkingTime(NINE_TO_FIVE, d('2026-03-27T16:00:00Z'), 120).toISOString(), '2026-03-30T09:00:00.000Z');
  });

  it('counts the real length of a night shift on the nights the clocks change', () => {
    // 22:00 GMT to 06:00 BST is seven hours; 22:00 BST to 06:00 GMT is nine.
    const nights = everyDay('22:00', '06:00');
    assert.equal(addWorkingTime(nights, d('2026-03-28T22:00:00Z'), 7 * 60).toISOString(), '2026-03-29T05:00:00.000Z');
    assert.equal(addWorkingTime(nights, d('2026-03-28T22:00:00Z'), 7 * 60 + 30).toISOString(), '2026-03-29T21:30:00.000Z');
    assert.equal(addWorkingTime(nights, d('2026-10-24T21:00:00Z'), 9 * 60).toISOString(), '2026-10-25T06:00:00.000Z');
  });

  it('adds plain elapsed time for a 24/7 team, across the clock change too', () => {
    assert.equal(addWorkingTime(null, d('2026-03-28T23:00:00Z'), 240).toISOString(), '2026-03-29T03:00:00.000Z');
    assert.equal(addWorkingTime(everyDay('00:00', '24:00'), d('2026-03-28T23:00:00Z'), 240).toISOString(), '2026-03-29T03:00:00.000Z');
  });

  it('ends exactly at closing time when the minutes run out there', () => {
    assert.equal(addWorkingTime(NINE_TO_FIVE, d('2026-12-03T16:00:00Z'), 60).toISOString(), '2026-12-03T17:00:00.000Z');
  });

  it('refuses negative minutes and hours with no open time', () => {
    assert.throws(() => addWorkingTime(NINE_TO_FIVE, d('2026-12-03T16:00:00Z'), -1), RangeError);
    assert.throws(() => addWorkingTime({ weekly: {}, bankHolidays: 'closed' }, d('2026-12-03T16:00:00Z'), 1), RangeError);
  });
});

describe('endOfNextWorkingDay', () => {
  it('is Monday 17:00 from a Friday evening', () => {
    assert.equal(endOfNextWorkingDay(NINE_TO_FIVE, d('2026-12-04T19:00:00Z')).toISOString(), '2026-12-07T17:00:00.000Z');
  });

  it('is Tuesday 17:00 from the Friday before a bank holiday Monday (in BST: 16:00 UTC)', () => {
    assert.equal(endOfNextWorkingDay(NINE_TO_FIVE, d('2026-05-22T10:00:00Z')).toISOString(), '2026-05-26T16:00:00.000Z');
  });

  it('is tomorrow’s closing on an ordinary weekday, wherever in today the request falls', () => {
    assert.equal(endOfNextWorkingDay(NINE_TO_FIVE, d('2026-12-01T00:05:00Z')).toISOString(), '2026-12-02T17:00:00.000Z');
    assert.equal(endOfNextWorkingDay(NINE_TO_FIVE, d('2026-12-01T23:55:00Z')).toISOString(), '2026-12-02T17:00:00.000Z');
  });

  it('uses the bank holiday sessions of a team open on bank holidays (the front door hub)', () => {
    assert.equal(endOfNextWorkingDay(FRONT_DOOR, d('2026-08-30T12:00:00Z')).toISOString(), '2026-08-31T15:00:00.000Z');
  });

  it('ends a night session’s day the morning after', () => {
    assert.equal(endOfNextWorkingDay(NIGHT_22_TO_02, d('2026-12-04T12:00:00Z')).toISOString(), '2026-12-06T02:00:00.000Z');
  });

  it('is midnight at the end of tomorrow for a 24/7 team', () => {
    assert.equal(endOfNextWorkingDay(null, d('2026-07-01T12:00:00Z')).toISOString(), '2026-07-02T23:00:00.000Z');
  });
});

describe('addWorkingTime properties', () => {
  const SAMPLE_HOURS: (OpeningHours | null)[] = [NINE_TO_FIVE, FRONT_DOOR, SANCTUARY, NIGHT_22_TO_02, null, {
    weekly: { mon: [{ opens: '09:00', closes: '12:30' }, { opens: '13:30', closes: '17:00' }], wed: [{ opens: '18:00', closes: '21:00' }], sat: [{ opens: '10:00', closes: '14:00' }] },
    bankHolidays: 'closed',
  }];
  // Instants from 2025 to 2028: clock changes, Christmases and spring bank holidays included.
  const instant = fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2028-06-30T00:00:00Z') }).map((t) => new Date(t));
  const hours = fc.constantFrom(...SAMPLE_HOURS);
  const closingBoundary = (h: OpeningHours | null, at: Date) => !isOpenAt(h, at) && isOpenAt(h, new Date(at.getTime() - 1));

  it('is monotonic in the start and in the minutes, and ends open or exactly at a closing time', () => {
    fc.assert(
      fc.property(hours, instant, instant, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }), (h, a, b, m, extra) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const r = addWorkingTime(h, early, m);
        assert.ok(r > early);
        assert.ok(addWorkingTime(h, late, m) >= r, 'a later start never finishes sooner');
        assert.ok(addWorkingTime(h, early, m + extra) >= r, 'more minutes never finish sooner');
        assert.ok(isOpenAt(h, r) || closingBoundary(h, r), `ends open or at closing: ${r.toISOString()}`);
      }),
      { numRuns: 200 },
    );
  });

  it('counts exactly the open time between the start and the result (checked a quarter of an hour at a time)', () => {
    // Every session and clock change in the samples falls on a quarter hour, so stepping by 15 minutes
    // from a quarter hour sees every opening and closing.
    const QUARTER = 15 * 60_000;
    fc.assert(
      fc.property(hours, instant, fc.integer({ min: 1, max: 40 }), (h, at, quarters) => {
        const from = new Date(Math.floor(at.getTime() / QUARTER) * QUARTER);
        const r = addWorkingTime(h, from, quarters * 15);
        let open = 0;
        for (let t = from.getTime(); t < r.getTime(); t += QUARTER) if (isOpenAt(h, new Date(t))) open++;
        assert.equal(open, quarters);
      }),
      { numRuns: 40 },
    );
  });
});
