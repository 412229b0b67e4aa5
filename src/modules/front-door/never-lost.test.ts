// Never lost (issue 4, item 10; hazard H1). Random sequences of submissions, claims, contact attempts,
// decisions and clock moves (nights, weekends, bank holidays, both clock changes), with the timer
// worker running as time passes, must always leave every request in one of three states:
// closed with an outcome, contacted by its target, or escalated at its target.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { testDialects } from '../../platform/db/testing.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import { claim, decide, recordAttempt } from './queue.ts';
import { createHub, type Hub, submit } from './testing.ts';

// Moments that have caught out schedulers: a Friday near closing, a weekend night, the days around
// Christmas and New Year (bank holidays), and the nights the clocks go forward and back.
const STARTS = [
  '2026-03-27T16:55:00.000Z', // Friday before the clocks go forward (29 March)
  '2026-03-28T23:30:00.000Z', // Saturday night, clocks go forward at 01:00 GMT
  '2026-10-23T16:30:00.000Z', // Friday before the clocks go back (25 October)
  '2026-10-25T00:30:00.000Z', // the repeated hour
  '2026-12-24T15:00:00.000Z', // Christmas Eve afternoon
  '2026-12-31T20:00:00.000Z', // New Year's Eve night
  '2026-08-28T18:00:00.000Z', // Friday before the summer bank holiday
  '2026-12-02T03:00:00.000Z', // a weekday night
];

const STORIES = [
  'I have been feeling low and cannot sleep.', // routine
  'I am thinking of killing myself and have a plan.', // crisis
  'My son has been self-harming again this week.', // high or urgent
  'Worried about money and feeling very anxious.', // routine
];

type Command =
  | { kind: 'submit'; story: number }
  | { kind: 'claim'; pick: number }
  | { kind: 'attempt'; pick: number; reached: boolean }
  | { kind: 'decide'; pick: number; how: 'signpost' | 'close' | 'refer' }
  | { kind: 'wait'; minutes: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('submit' as const), story: fc.nat(STORIES.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('attempt' as const), pick: fc.nat(), reached: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('decide' as const), pick: fc.nat(), how: fc.constantFrom('signpost' as const, 'close' as const, 'refer' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      // From minutes to four days: crosses targets, nights, weekends and holidays.
      minutes: fc.oneof(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 60, max: 24 * 60 }), fc.integer({ min: 24 * 60, max: 4 * 24 * 60 })),
    }),
  },
);

const RUNS = Number(process.env.NEVER_LOST_RUNS ?? 1000);

for (const dialect of testDialects()) {
  // PostgreSQL runs fewer sequences: the same code, and each run costs a network round trip a write.
  const runs = dialect.name === 'sqlite' ? RUNS : Math.max(50, Math.floor(RUNS / 10));
  describe(`a request is never lost (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let hub: Hub;
    before(async () => {
      t = await buildTestApp(dialect);
      hub = await createHub(t.platform);
    });
    after(async () => {
      await t.close();
    });

    it(`holds for ${runs} random sequences of submissions, work and time`, { timeout: 600_000 }, async () => {
      let checked = 0;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...STARTS), fc.integer({ min: 0, max: 180 }), fc.array(command, { minLength: 1, maxLength: 14 }), async (start, offset, commands) => {
          // Each run stands at its own moment; the timers of earlier runs are cleared so that moving the
          // clock back to this run's start cannot fire them. Only this run's requests are checked.
          await clearPendingTimers(t);
          t.clock.set(new Date(new Date(start).getTime() + offset * 60_000));
          const mine: string[] = [];
          for (const c of commands) {
            const open = mine.length ? mine[c.kind === 'submit' || c.kind === 'wait' ? 0 : c.pick % mine.length]! : undefined;
            try {
              if (c.kind === 'submit') mine.push((await submit(t.platform, { story: STORIES[c.story]! })).id);
              else if (c.kind === 'claim' && open) await claim(t.platform, hub.practitioner, open);
              else if (c.kind === 'attempt' && open)
                await recordAttempt(t.platform, hub.practitioner, open, { method: 'phone', result: c.reached ? 'reached' : 'no-answer' });
              else if (c.kind === 'decide' && open) {
                if (c.how === 'signpost') await decide(t.platform, hub.practitioner, open, { kind: 'signpost', serviceIds: ['svc'], services: [{ name: 'A service' }] });
                else if (c.how === 'refer') await decide(t.platform, hub.practitioner, open, { kind: 'refer', serviceId: 'svc', serviceName: 'A service', reason: 'fits' });
                else await decide(t.platform, hub.practitioner, open, { kind: 'close', reason: 'No longer needed' });
              } else if (c.kind === 'wait') {
                t.clock.advanceMinutes(c.minutes);
                await runDueTimers(t.platform); // the worker, as it would run in the server
              }
            } catch (error) {
              // Acting on a closed request is refused, as it should be; anything else is a failure.
              if (!(error instanceof Error && error.name === 'ConflictError')) throw error;
            }
            await assertNoneLost(t, mine);
            checked++;
          }
        }),
        { numRuns: runs, seed: Number(process.env.NEVER_LOST_SEED ?? 20261129) },
      );
      console.log(`# never lost (${dialect.name}): ${runs} runs, ${checked} states checked`);
    });
  });
}

async function clearPendingTimers(t: TestApp): Promise<void> {
  await t.db.write((tx) => tx.deleteFrom('timers').where('status', '!=', 'done').execute());
}

async function assertNoneLost(t: TestApp, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const now = t.clock.now().toISOString();
  const rows = await t.db.read
    .selectFrom('requests')
    .leftJoin('request_breaches', (j) => j.onRef('request_breaches.request_id', '=', 'requests.id').on('request_breaches.kind', '=', 'breach'))
    .select(['requests.id', 'requests.status', 'requests.outcome', 'requests.closed_at', 'requests.contact_target_at', 'requests.first_contact_at', 'requests.escalated_at', 'request_breaches.at as breach_at'])
    .where('requests.id', 'in', ids)
    .execute();
  assert.equal(rows.length, ids.length, 'every submitted request is in the database');
  for (const r of rows) {
    const closedWithOutcome = r.status === 'closed' && r.outcome !== null && r.closed_at !== null;
    const contactedInTime = r.first_contact_at !== null && r.first_contact_at <= r.contact_target_at;
    const notYetDue = now < r.contact_target_at;
    const escalatedAtTarget = r.escalated_at !== null && r.breach_at !== null && r.escalated_at >= r.contact_target_at;
    assert.ok(
      closedWithOutcome || contactedInTime || notYetDue || escalatedAtTarget,
      `request ${r.id} is lost at ${now}: ${JSON.stringify(r)}`,
    );
    if (r.status === 'closed') assert.ok(r.outcome, 'a closed request has an outcome');
  }
}
