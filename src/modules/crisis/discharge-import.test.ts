// The trust's discharge list read into Mutual (hazard H15): each discharge from a ward gets its
// follow-up within 72 hours for a team, the person found by NHS number or recorded anew (a possible
// duplicate marked, never merged), a row read twice changes nothing, the same discharge recorded on a
// crisis episode makes one follow-up, and a bad row is reported by line and column and saves nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import { accessTo, PEOPLE_READ } from '../people/index.ts';
import { aNhsNumber, aPerson, personWithoutRequest } from '../people/testing.ts';
import { formatDischargeReport, parseSince, runDischargeImport } from './discharge-cli.ts';
import { DischargeImportError, importDischarges, parseDischargedAt, sourceIdOf } from './discharge-import.ts';
import { type CrisisAlliance, createCrisisAlliance } from './episode-testing.ts';
import { scheduleFollowUp } from './follow-up.ts';

const HEADER = 'Discharge ID,Discharged at,NHS number,Given name,Family name,Date of birth,Postcode,Phone,Ward,Team';

describe('reading the time of a discharge', () => {
  it('reads London wall-clock time in winter and summer, UK dates, and ISO instants with their offset', () => {
    assert.equal(parseDischargedAt('2026-11-28 14:30')?.toISOString(), '2026-11-28T14:30:00.000Z');
    assert.equal(parseDischargedAt('2026-07-01T14:30')?.toISOString(), '2026-07-01T13:30:00.000Z', 'BST is an hour ahead of UTC');
    assert.equal(parseDischargedAt('01/07/2026 14:30')?.toISOString(), '2026-07-01T13:30:00.000Z');
    assert.equal(parseDischargedAt('2026-07-01T14:30:00+01:00')?.toISOString(), '2026-07-01T13:30:00.000Z');
    assert.equal(parseDischargedAt('2026-07-01T14:30:00Z')?.toISOString(), '2026-07-01T14:30:00.000Z');
    for (const bad of ['', 'yesterday', '2026-02-30 10:00', '31/11/2026 10:00', '2026-11-28', '2026-11-28 25:00']) assert.equal(parseDischargedAt(bad), null, bad);
  });

  it('reads --since as the start of a London day', () => {
    assert.equal(parseSince('2026-07-01')?.toISOString(), '2026-06-30T23:00:00.000Z');
    assert.equal(parseSince('2026-12-01')?.toISOString(), '2026-12-01T00:00:00.000Z');
    assert.equal(parseSince('2026-13-01'), null);
    assert.equal(parseSince('1 Dec'), null);
  });
});

for (const dialect of testDialects()) {
  describe(`the trust's discharge list (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: CrisisAlliance;
    let dir: string;
    let n = 0;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-10T10:00:00.000Z');
      a = await createCrisisAlliance(t);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-discharges-'));
    });
    after(async () => {
      await t?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const file = (...rows: string[]) => {
      const f = path.join(dir, `discharges-${++n}.csv`);
      fs.writeFileSync(f, `\uFEFF${[HEADER, ...rows].join('\r\n')}\r\n`);
      return f;
    };
    const organisation = async () => (await t.db.read.selectFrom('organisations').select('name').where('id', '=', a.organisationId).executeTakeFirstOrThrow()).name;
    const teamName = async (id: string) => (await t.db.read.selectFrom('teams').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;
    const followUpsOf = (sourceId: string) => t.db.read.selectFrom('crisis_follow_ups').selectAll().where('source_id', '=', sourceId).execute();
    const unique = () => `D${process.pid}x${++n}`;

    it('makes a follow-up due 72 hours after each discharge, for the team given or the row’s own; a second run changes nothing', async () => {
      t.clock.set('2026-12-10T10:00:00.000Z');
      const knownNhs = aNhsNumber();
      const known = await personWithoutRequest(t, aPerson({ nhsNumber: knownNhs }));
      const [d1, d2] = [unique(), unique()];
      const csv = file(
        `${d1},2026-12-09 16:45,${knownNhs.replace(/(\d{3})(\d{3})(\d{4})/, '$1 $2 $3')},Sam,Okafor,27/03/1990,SW9 9SL,,Nightingale Ward,`,
        `${d2},2026-12-10T08:15,,Jo,Nguyen${n},1985-01-02,se5 8az,07700 900 123,Ward 3,${await teamName(a.sanctuaryTeamId)}`,
      );
      const options = { organisation: await organisation(), team: await teamName(a.crisisTeamId) };
      const report = await importDischarges(t.platform, csv, options);
      assert.deepEqual(
        { read: report.read, followedUp: report.followedUp, newPeople: report.newPeople, unchanged: report.unchanged, failed: report.failed },
        { read: 2, followedUp: 2, newPeople: 1, unchanged: 0, failed: 0 },
      );

      const [first] = await followUpsOf(sourceIdOf(d1));
      assert.ok(first);
      assert.equal(first.person_id, known, 'found by NHS number, however it is spaced');
      assert.equal(first.team_id, a.crisisTeamId);
      assert.equal(first.discharged_from, 'admission');
      assert.equal(first.discharged_at, '2026-12-09T16:45:00.000Z');
      assert.equal(first.due_at, '2026-12-12T16:45:00.000Z');
      const task = await t.db.read.selectFrom('tasks').selectAll().where('id', '=', first.task_id).executeTakeFirstOrThrow();
      assert.equal(task.status, 'open');
      assert.equal(task.team_id, a.crisisTeamId);
      assert.match(task.title, /72 hours of discharge from an inpatient admission/);
      assert.match(task.detail ?? '', /Nightingale Ward, from the trust's discharge list/);

      const [second] = await followUpsOf(sourceIdOf(d2));
      assert.ok(second);
      assert.equal(second.team_id, a.sanctuaryTeamId, 'the row names its own team');
      const person = await t.db.read.selectFrom('people').select(['given_name', 'postcode', 'phone', 'date_of_birth']).where('id', '=', second.person_id).executeTakeFirstOrThrow();
      assert.deepEqual(person, { given_name: 'Jo', postcode: 'SE5 8AZ', phone: '07700900123', date_of_birth: '1985-01-02' });

      // The teams that follow up may open the person's record meanwhile (an open follow-up involves them).
      assert.ok(await accessTo(t.platform, t.db.read, a.crisisPractitioner.actor, known, PEOPLE_READ));
      // Each import is in the person's audit trail, by the system.
      const audited = await t.db.read.selectFrom('audit_events').select(['actor_role', 'person_id']).where('action', '=', 'crisis.discharge.import').where('entity_id', '=', first.id).execute();
      assert.deepEqual(audited, [{ actor_role: 'system', person_id: known }]);

      // The same list again (tomorrow's extract repeats today's rows): nothing new, no second record.
      const people = (await t.db.read.selectFrom('people').select('id').execute()).length;
      const again = await importDischarges(t.platform, csv, options);
      assert.deepEqual({ followedUp: again.followedUp, unchanged: again.unchanged }, { followedUp: 0, unchanged: 2 });
      assert.equal((await t.db.read.selectFrom('people').select('id').execute()).length, people);
      assert.equal((await followUpsOf(sourceIdOf(d1))).length, 1);
    });

    it('marks a new record with the same name, date of birth and postcode as a possible duplicate, never merging it', async () => {
      t.clock.set('2026-12-10T11:00:00.000Z');
      const existing = aPerson({ nhsNumber: null });
      const existingId = await personWithoutRequest(t, existing);
      const d = unique();
      const report = await importDischarges(t.platform, file(`${d},2026-12-10 09:00,,${existing.givenName},${existing.familyName},${existing.dateOfBirth},${existing.postcode},,,`), {
        organisation: await organisation(),
        team: a.crisisTeamId,
      });
      assert.deepEqual({ followedUp: report.followedUp, newPeople: report.newPeople, possibleDuplicates: report.possibleDuplicates }, { followedUp: 1, newPeople: 1, possibleDuplicates: 1 });
      const [f] = await followUpsOf(sourceIdOf(d));
      assert.notEqual(f?.person_id, existingId, 'a new record: never merged silently');
      const candidates = await t.db.read.selectFrom('person_duplicate_candidates').selectAll().where('person_id', '=', f!.person_id).execute();
      assert.equal(candidates.length, 1);
    });

    it('makes one follow-up when the same discharge was recorded on a crisis episode, in either order', async () => {
      t.clock.set('2026-12-10T12:00:00.000Z');
      const nhs = aNhsNumber();
      const personId = await personWithoutRequest(t, aPerson({ nhsNumber: nhs }));
      // Recorded on the episode page at 10:00; the trust's list says 10:20.
      const onEpisode = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, { personId, teamId: a.crisisTeamId, dischargedAt: new Date('2026-12-10T10:00:00.000Z'), from: 'admission', sourceId: `episode-${n}` }));
      assert.equal(onEpisode.made, true);
      const d = unique();
      const report = await importDischarges(t.platform, file(`${d},2026-12-10 10:20,${nhs},Ari,Mensah,1979-05-05,,,,`), { organisation: await organisation(), team: a.crisisTeamId });
      assert.deepEqual({ followedUp: report.followedUp, linked: report.linked }, { followedUp: 0, linked: 1 });
      assert.equal((await t.db.read.selectFrom('crisis_follow_ups').select('id').where('person_id', '=', personId).execute()).length, 1);
      // The other order: the list first, then the episode page.
      const nhs2 = aNhsNumber();
      const person2 = await personWithoutRequest(t, aPerson({ nhsNumber: nhs2 }));
      await importDischarges(t.platform, file(`${unique()},2026-12-10 09:00,${nhs2},Bo,Adeyemi,1980-06-06,,,,`), { organisation: await organisation(), team: a.crisisTeamId });
      const later = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, { personId: person2, teamId: a.crisisTeamId, dischargedAt: new Date('2026-12-10T09:30:00.000Z'), from: 'admission', sourceId: `episode-${n}` }));
      assert.equal(later.made, false);
      assert.equal((await t.db.read.selectFrom('crisis_follow_ups').select('id').where('person_id', '=', person2).execute()).length, 1);
      // A discharge two days apart is another stay: its own follow-up.
      const another = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, { personId: person2, teamId: a.crisisTeamId, dischargedAt: new Date('2026-12-08T09:00:00.000Z'), from: 'admission', sourceId: `episode-${n}-earlier` }));
      assert.equal(another.made, true);
    });

    it('reports each bad row by line and column, saves nothing of it, and goes on with the rest; old rows are skipped', async () => {
      t.clock.set('2026-12-10T13:00:00.000Z');
      const good = unique();
      const rows = [
        `${unique()},2026-12-11 09:00,,Future,Person,1990-01-01,,,,`, // line 2: in the future
        `${unique()},2026-12-09 09:00,1234567890,Bad,Nhs,1990-01-01,,,,`, // line 3: modulus 11 fails
        `,not a time,,,Person,1990-02-30,NOT A POSTCODE,12345,,`, // line 4: everything wrong
        `${unique()},2026-12-09 09:00,,Kim,Lee,1990-01-01,,,,No such team`, // line 5: unknown team
        `${unique()},2026-10-01 09:00,,Old,Stay,1990-01-01,,,,`, // line 6: before the 28 days
        `${good},2026-12-09 09:00,,Pat,Quinn${n},1990-01-01,,,<b>Ward</b>,`, // line 7: markup in the ward
        `${good.replace('D', 'E')},2026-12-09 09:00,,Pat,Quinn${n},1990-01-01,,,Ward 5,`, // line 8: fine
      ];
      const people = (await t.db.read.selectFrom('people').select('id').execute()).length;
      const lines: string[] = [];
      const code = await runDischargeImport(t.platform, file(...rows), { organisation: await organisation(), team: a.crisisTeamId }, { out: (l) => lines.push(l), progress: null });
      assert.equal(code, 1, 'a failed row makes the exit code 1');
      const text = lines.join('\n');
      assert.match(text, /read {10}7/);
      assert.match(text, /followed up {3}1 /);
      assert.match(text, /too old {7}1 /);
      assert.match(text, /failed {8}5/);
      assert.match(text, /line 2, discharge_id D\S+\n {4}discharged_at: discharged_at must be now or in the past/);
      assert.match(text, /line 3, discharge_id D\S+\n {4}nhs_number: Enter a valid 10-digit NHS number/);
      assert.match(text, /line 4\n {4}discharge_id: Give the discharge_id\n {4}discharged_at: /, 'one problem a column');
      assert.match(text, /line 4\n(?: {4}.*\n)*? {4}date_of_birth: Date of birth must be a real date/);
      assert.match(text, /line 4\n(?: {4}.*\n)*? {4}given_name: Enter the given name/);
      assert.match(text, /line 4\n(?: {4}.*\n)*? {4}postcode: Enter a full UK postcode/);
      assert.match(text, /line 4\n(?: {4}.*\n)*? {4}phone: Enter a UK phone number/);
      assert.match(text, /line 5, discharge_id D\S+\n {4}team: No team of the organisation has the id or name "No such team"/);
      assert.match(text, /line 7, discharge_id D\S+\n {4}ward: The ward must not contain anything in angle brackets/);
      assert.doesNotMatch(text, /Future|Kim|Quinn|Pat\b/, 'the report names rows by line and discharge_id, never by the person');
      assert.equal((await t.db.read.selectFrom('people').select('id').execute()).length, people + 1, 'only the good row made a record');
      assert.equal((await followUpsOf(sourceIdOf(good))).length, 0);
      assert.equal((await followUpsOf(sourceIdOf(good.replace('D', 'E')))).length, 1);
    });

    it('refuses to start without the team, the organisation or a required column, saying which', async () => {
      const csv = file(`${unique()},2026-12-09 09:00,,Al,Bee,1990-01-01,,,,`);
      await assert.rejects(importDischarges(t.platform, csv, { organisation: 'No such trust', team: 'x' }), (e: Error) => e instanceof DischargeImportError && /No organisation has the id or name "No such trust"/.test(e.message));
      await assert.rejects(importDischarges(t.platform, csv, { organisation: await organisation(), team: 'No such team' }), /No team of the organisation has the id or name "No such team"\./);
      const noColumn = path.join(dir, 'no-column.csv');
      fs.writeFileSync(noColumn, 'discharge_id,given_name,family_name\nX1,Al,Bee\n');
      const lines: string[] = [];
      assert.equal(await runDischargeImport(t.platform, noColumn, { organisation: await organisation(), team: a.crisisTeamId }, { out: (l) => lines.push(l), progress: null }), 1);
      assert.match(lines.join('\n'), /not imported\. The file has no discharged_at, date_of_birth columns/);
      const broken = path.join(dir, 'broken.csv');
      fs.writeFileSync(broken, `${HEADER}\n"${unique()},2026-12-09 09:00,,Al,Bee,1990-01-01,,,,\n`);
      lines.length = 0;
      assert.equal(await runDischargeImport(t.platform, broken, { organisation: await organisation(), team: a.crisisTeamId }, { out: (l) => lines.push(l), progress: null }), 1);
      assert.match(lines.join('\n'), /not imported\. The file could not be read as CSV after 0 rows/);
      lines.length = 0;
      assert.equal(await runDischargeImport(t.platform, path.join(dir, 'missing.csv'), { organisation: await organisation(), team: a.crisisTeamId }, { out: (l) => lines.push(l), progress: null }), 1);
      assert.match(lines.join('\n'), /not imported\. ENOENT/);
    });

    it('prints the summary of a clean run with the exit code 0', async () => {
      t.clock.set('2026-12-10T14:00:00.000Z');
      const lines: string[] = [];
      const code = await runDischargeImport(t.platform, file(`${unique()},2026-12-10 12:00,,Cy,Dee${n},1990-01-01,,,,`), { organisation: await organisation(), team: a.crisisTeamId }, { out: (l) => lines.push(l), progress: null });
      assert.equal(code, 0);
      assert.match(lines.join('\n'), /followed up {3}1 \(a follow-up task due within 72 hours of each discharge; 1 new record, 0 marked/);
      const empty = formatDischargeReport('x.csv', { read: 0, followedUp: 0, newPeople: 0, possibleDuplicates: 0, unchanged: 0, linked: 0, tooOld: 0, failed: 0, since: new Date('2026-11-01T00:00:00.000Z'), rows: [] }).join('\n');
      assert.match(empty, /^Discharges from x\.csv\n {2}read {10}0\n/);
      assert.match(empty, /too old {7}0 \(discharged before 1 November 2026 at 00:00: not imported\)/);
      assert.doesNotMatch(empty, /Failed/, 'no failed section when nothing failed');
    });
  });
}
