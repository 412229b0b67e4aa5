import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weekly } from './factories.ts';
import { describeOpenState, hoursInWords, isOpenAt, openingSlots, openState } from './hours.ts';
import type { Schedule } from './model.ts';

const christmas = (d: string) => d === '2026-12-25' || d === '2026-12-28';
const line = (schedules: Schedule[], iso: string, rule: 'sunday-hours' | 'as-usual' | 'closed' = 'sunday-hours') =>
  describeOpenState(openState(schedules, rule, new Date(iso), christmas), new Date(iso));

describe('opening hours', () => {
  const sanctuary = [weekly('MO,TU,WE,TH,FR,SA,SU', '18:00', '00:00')];
  const therapies = [weekly('MO,TU,WE,TH,FR', '09:00', '17:00')];
  const always = [weekly('MO,TU,WE,TH,FR,SA,SU', '00:00', '24:00')];

  it('says when an evening service closes, and midnight in words', () => {
    assert.equal(line(sanctuary, '2026-12-01T20:00:00Z'), 'Open now · closes midnight');
    assert.equal(line([weekly('TU', '18:00', '23:00')], '2026-12-01T20:00:00Z'), 'Open now · closes 23:00');
  });

  it('says when a closed service next opens: today, tomorrow, or the day', () => {
    assert.equal(line(sanctuary, '2026-12-01T10:00:00Z'), 'Opens today 18:00');
    assert.equal(line(therapies, '2026-12-01T20:00:00Z'), 'Opens tomorrow 09:00');
    assert.equal(line(therapies, '2026-12-05T12:00:00Z'), 'Opens Monday 09:00', 'Saturday');
    assert.equal(line([weekly('SA', '10:00', '12:30')], '2026-12-06T12:00:00Z'), 'Opens Saturday 10:00', 'Sunday');
  });

  it('treats a bank holiday as Sunday by default, so weekday services are closed', () => {
    assert.equal(isOpenAt(therapies, 'sunday-hours', new Date('2026-12-25T11:00:00Z'), christmas), false);
    assert.equal(line(therapies, '2026-12-25T11:00:00Z'), 'Opens Tuesday 09:00', 'Christmas Friday, then Boxing Day Monday off');
    assert.equal(isOpenAt(therapies, 'as-usual', new Date('2026-12-25T11:00:00Z'), christmas), true);
    assert.equal(isOpenAt(sanctuary, 'closed', new Date('2026-12-25T19:00:00Z'), christmas), false);
  });

  it('runs a session past midnight into the next day', () => {
    const friday = [weekly('FR', '22:00', '02:00')];
    assert.equal(isOpenAt(friday, 'sunday-hours', new Date('2026-12-05T01:30:00Z'), () => false), true);
    assert.equal(isOpenAt(friday, 'sunday-hours', new Date('2026-12-05T02:30:00Z'), () => false), false);
    assert.equal(line(friday, '2026-12-04T23:00:00Z'), 'Open now · closes 02:00');
    const slots = openingSlots(friday).slots;
    assert.deepEqual(
      slots.map((s) => [s.day, s.spill, s.opensMin, s.closesMin]),
      [
        [4, false, 1320, 1440],
        [5, true, 0, 120],
      ],
    );
  });

  it('recognises 24/7 and says so', () => {
    assert.equal(line(always, '2026-12-25T03:00:00Z'), 'Open 24 hours');
    assert.deepEqual(hoursInWords(always, 'as-usual'), ['Every day, 24 hours', 'Open as usual on bank holidays']);
  });

  it('reads monthly and fortnightly rules in code, and marks them complex for search', () => {
    const firstWednesday: Schedule[] = [{ id: 'a', freq: 'MONTHLY', byday: '1WE', opensAt: '18:30', closesAt: '20:30' }];
    assert.equal(isOpenAt(firstWednesday, 'sunday-hours', new Date('2026-12-02T19:00:00Z'), () => false), true);
    assert.equal(isOpenAt(firstWednesday, 'sunday-hours', new Date('2026-12-09T19:00:00Z'), () => false), false);
    assert.equal(openingSlots(firstWednesday).complex, true);
    const fortnightly: Schedule[] = [{ id: 'b', freq: 'WEEKLY', interval: 2, byday: 'TU', dtstart: '2026-01-06', opensAt: '18:00', closesAt: '19:30' }];
    // 6 January 2026 is a Tuesday; 47 weeks later is 1 December 2026 (odd): closed; 8 December: open.
    assert.equal(isOpenAt(fortnightly, 'sunday-hours', new Date('2026-12-01T18:30:00Z'), () => false), false);
    assert.equal(isOpenAt(fortnightly, 'sunday-hours', new Date('2026-12-08T18:30:00Z'), () => false), true);
  });

  it('respects valid_from and valid_to', () => {
    const winter = [weekly('MO,TU,WE,TH,FR,SA,SU', '09:00', '17:00', { validFrom: '2026-12-10', validTo: '2026-12-20' })];
    assert.equal(isOpenAt(winter, 'as-usual', new Date('2026-12-01T10:00:00Z'), () => false), false);
    assert.equal(isOpenAt(winter, 'as-usual', new Date('2026-12-15T10:00:00Z'), () => false), true);
  });

  it('describes hours in words', () => {
    assert.deepEqual(hoursInWords([...therapies, weekly('SA', '10:00', '12:30')], 'closed'), [
      'Monday to Friday, 09:00 to 17:00',
      'Saturday, 10:00 to 12:30',
      'Closed on bank holidays',
    ]);
    assert.deepEqual(hoursInWords(sanctuary, 'sunday-hours')[0], 'Every day, 18:00 to midnight');
  });
});
