// Safety plans (issue 6, item 4): written with the person by a practitioner whose team may see them,
// or by the person in their portal; every save a version; a save from an older version refused with
// both versions shown and nothing lost; shared with network members who hold the 'safety-plan'
// label; printable (a print stylesheet and a PDF); shown on a crisis responder's page; audited.
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../platform/db/ids.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { DEMO } from '../../platform/seed/demo-alliance.ts';
import { seedDemoAlliance } from '../../seed.ts';
import { createTestPersonAccount, createTestUser, lastSignInCode, signIn, signInPerson, type TestPersonAccount, type TestUser } from '../../testing/auth.ts';
import { seed as directorySeed } from '../directory/index.ts';
import { seedDirectoryDemo } from '../directory/seed.ts';
import { seed as peopleSeed } from '../people/index.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithRequest } from '../people/testing.ts';
import { createCrisisAlliance } from './episode-testing.ts';
import { openCrisisEpisode, safetyPlanFor } from './index.ts';
import { seedSafetyPlanDemo } from './safety-plan.ts';
import { paths } from './paths.ts';

/**
 * The text a PDF shows, a line per text operator: every stream inflated, each font's ToUnicode map
 * read (the embedded font writes glyph codes, not letters), and each TJ string decoded with the font
 * its Tf chose (a font without a map: the bytes as Latin-1, as the standard fonts write them).
 */
export function pdfTextOf(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: string | null }>();
  for (const m of raw.matchAll(/(\d+) 0 obj\b/g)) {
    const end = raw.indexOf('endobj', m.index);
    const at = raw.indexOf('stream', m.index);
    if (at < 0 || at > end) {
      objects.set(Number(m[1]), { dict: raw.slice(m.index, end), stream: null });
      continue;
    }
    const dict = raw.slice(m.index, at);
    const start = at + (raw.startsWith('stream\r\n', at) ? 8 : 7);
    let body = pdf.subarray(start, raw.indexOf('endstream', start));
    if (/FlateDecode/.test(dict)) {
      try {
        body = inflateSync(body);
      } catch {
        continue; // fonts and images that are not text
      }
    }
    // Text operators only: not a font's own bytes (binary), where the search below would crawl.
    const text = body.toString('latin1');
    objects.set(Number(m[1]), { dict, stream: text.includes('\u0000') ? null : text });
  }
  // Each font object's ToUnicode map: glyph code to text.
  const maps = new Map<number, Map<number, string>>();
  for (const [n, o] of objects) {
    const ref = /\/ToUnicode (\d+) 0 R/.exec(o.dict)?.[1];
    const cmap = ref ? objects.get(Number(ref))?.stream : null;
    if (!cmap) continue;
    const map = new Map<number, string>();
    for (const range of cmap.matchAll(/<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]/gi)) {
      const from = Number.parseInt(range[1]!, 16);
      [...range[3]!.matchAll(/<([0-9a-f ]+)>/gi)].forEach((u, i) => {
        const units = u[1]!.trim().split(/\s+/).map((h) => Number.parseInt(h, 16));
        map.set(from + i, String.fromCharCode(...units));
      });
    }
    maps.set(n, map);
  }
  // Font resource names (/F1) to their objects.
  const fonts = new Map<string, number>();
  for (const o of objects.values()) for (const f of o.dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) fonts.set(f[1]!, Number(f[2]));
  const lines: string[] = [];
  for (const o of objects.values()) {
    if (!o.stream) continue;
    let map: Map<number, string> | undefined;
    for (const op of o.stream.matchAll(/\/(F\d+)\s+[\d.]+\s+Tf|\[((?:<[0-9a-f]*>[^<\]]*)+)\]\s*TJ/g)) {
      if (op[1]) {
        map = maps.get(fonts.get(op[1]) ?? -1);
        continue;
      }
      const hex = [...op[2]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => h[1]!).join('');
      lines.push(map ? (hex.match(/.{4}/g) ?? []).map((code) => map!.get(Number.parseInt(code, 16)) ?? '\ufffd').join('') : Buffer.from(hex, 'hex').toString('latin1'));
    }
  }
  return lines.join('\n');
}

const entity = (s: string) => s.replaceAll('&#39;', "'").replaceAll('&amp;', '&').replaceAll('&quot;', '"');

for (const dialect of testDialects()) {
  describe(`safety plans (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    const browsers = new Map<Member | TestUser, Browser>();
    const as = (m: Member | TestUser) => browsers.get(m)!;

    /** A person who asked the front door for help (the hub is involved), with a portal account signed in. */
    async function aPersonWithAccount(): Promise<{ personId: string; familyName: string; account: TestPersonAccount; browser: Browser }> {
      const details = aPerson({ postcode: 'SW9 9SL' });
      const { personId } = await personWithRequest(t, details);
      const account = await createTestPersonAccount(t.db, t.clock, { personId, organisationId: a.organisationId });
      const browser = new Browser(t.app);
      await signInPerson(browser, t.db, account.email);
      return { personId, familyName: details.familyName, account, browser };
    }

    /** The fields of a small plan, as the form posts them. */
    function planForm(baseVersion: number, extra: Record<string, string> = {}): Record<string, string> {
      return {
        baseVersion: String(baseVersion),
        warningSigns: 'Not sleeping\nStaying in my room',
        copingAlone: 'A walk with music on',
        distractions: 'The library',
        'helpName-1': 'Chris (my brother)',
        'helpPhone-1': '07700 900462',
        'proName-1': 'Samaritans',
        'proPhone-1': '116 123',
        safer: 'Give my spare tablets to Chris',
        reasons: 'My niece',
        withPerson: 'yes',
        ...extra,
      };
    }

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T20:00:00.000Z'); // a Tuesday, 8pm in London: the evening sanctuary is open
      await seedDirectoryDemo(t.platform);
      a = await createAlliance(t);
      for (const m of [a.hubPractitioner, a.outsider, a.commissioner]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(m, b);
      }
    });
    after(async () => {
      await t?.close();
    });

    describe('writing a plan', () => {
      it('prefills professionals and services with the crisis numbers and the crisis support open now (8pm: the sanctuary)', async () => {
        const { personId } = await aPersonWithAccount();
        const res = await as(a.hubPractitioner).get(paths.safetyPlanEdit(personId));
        assert.equal(res.statusCode, 200);
        const body = entity(res.body);
        assert.match(body, /value="NHS 111, mental health option"/);
        assert.match(body, /value="Samaritans"/);
        assert.match(body, /value="116 123"/);
        assert.match(body, /value="Shout"/);
        assert.match(body, /value="85258"/);
        assert.match(body, /value="Brixton Evening Sanctuary"/, 'the sanctuary is open at 8pm and anyone may go');
        assert.doesNotMatch(body, /value="Coldharbour Crisis House"/, 'open, but only by referral: not a number for the person to call');
        assert.match(body, /name="baseVersion" value="0"/);
      });

      it('leaves the sanctuary out in the morning, when it is closed, and keeps the numbers that are always open', async () => {
        const { personId } = await aPersonWithAccount();
        t.clock.set('2026-12-02T10:00:00.000Z');
        try {
          // Signed in now (the other browsers' sessions would have timed out overnight).
          const morning = await createTestUser(t.db, t.clock, { role: 'practitioner', organisationId: a.organisationId, teamId: a.hubTeamId });
          const b = new Browser(t.app);
          await signIn(b, morning, t.clock);
          const body = entity((await b.get(paths.safetyPlanEdit(personId))).body);
          assert.doesNotMatch(body, /Brixton Evening Sanctuary/);
          assert.match(body, /value="Samaritans"/);
          assert.match(body, /value="Nightlight 24\/7 Crisis Line"/, 'the 24-hour line is open');
        } finally {
          t.clock.set('2026-12-01T20:00:00.000Z');
        }
      });

      it('saves version 1 with who wrote it, with the person, and shows it with the crisis numbers first', async () => {
        const { personId } = await aPersonWithAccount();
        const b = as(a.hubPractitioner);
        await b.get(paths.safetyPlanEdit(personId));
        const res = await b.post(paths.safetyPlanEdit(personId), planForm(0, { changeNote: 'Written together at the visit' }));
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, paths.safetyPlan(personId));
        const rows = await t.db.read.selectFrom('safety_plan_versions').select(['version', 'written_by', 'written_by_role', 'written_by_team_id', 'with_person', 'content', 'change_note']).where('person_id', '=', personId).execute();
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.version, 1);
        assert.equal(rows[0]!.written_by, a.hubPractitioner.userId);
        assert.equal(rows[0]!.written_by_team_id, a.hubTeamId);
        assert.equal(Number(rows[0]!.with_person), 1);
        assert.deepEqual(JSON.parse(rows[0]!.content).warningSigns, ['Not sleeping', 'Staying in my room']);
        assert.deepEqual(JSON.parse(rows[0]!.content).helpPeople, [{ name: 'Chris (my brother)', phone: '07700 900462', detail: null }]);

        const page = entity((await b.get(paths.safetyPlan(personId))).body);
        assert.ok(page.indexOf('If you are in danger now') < page.indexOf('Step 1: My warning signs'), 'danger first');
        assert.match(page, /href="tel:999"/);
        assert.match(page, /Staying in my room/);
        assert.match(page, /href="tel:07700900462"/);
        assert.match(page, /Version 1, saved .* by Hub practitioner/);
        assert.match(page, /Crisis support open now/);
      });

      it('keeps what was typed and shows an error summary when a row has no name or a phone number is not one', async () => {
        const { personId } = await aPersonWithAccount();
        const b = as(a.hubPractitioner);
        await b.get(paths.safetyPlanEdit(personId));
        const res = await b.post(paths.safetyPlanEdit(personId), planForm(0, { 'helpName-1': '', 'helpPhone-1': '07700 900462', 'proPhone-1': 'call me', withPerson: '', reasons: 'My dog Biscuit' }));
        assert.equal(res.statusCode, 400);
        const body = entity(res.body);
        assert.match(body, /There is a problem/);
        assert.match(body, /href="#helpName-1"/);
        assert.match(body, /People I can ask for help, row 1: enter who this is/);
        assert.match(body, /href="#proPhone-1"/);
        assert.match(body, /href="#withPerson"/);
        assert.match(body, /My dog Biscuit/, 'what was typed is kept');
        assert.match(body, /value="call me"/);
        assert.match(body, /Staying in my room/);
        assert.equal((await t.db.read.selectFrom('safety_plans').select(['id']).where('person_id', '=', personId).execute()).length, 0, 'nothing saved');

        const empty = await b.post(paths.safetyPlanEdit(personId), { baseVersion: '0', withPerson: 'yes' });
        assert.equal(empty.statusCode, 400);
        assert.match(empty.body, /Write at least one thing in the plan/);
      });
    });

    describe('versions', () => {
      it('makes each save a new version: the history lists who and when, and an earlier version stays readable', async () => {
        const { personId, browser } = await aPersonWithAccount();
        const b = as(a.hubPractitioner);
        await b.get(paths.safetyPlanEdit(personId));
        await b.post(paths.safetyPlanEdit(personId), planForm(0));
        t.clock.advance(60_000);
        await browser.get(paths.mySafetyPlanEdit);
        const mine = await browser.post(paths.mySafetyPlanEdit, planForm(1, { reasons: 'My niece\nMy dog Biscuit', changeNote: 'Added Biscuit', withPerson: '' }));
        assert.equal(mine.statusCode, 303);
        assert.equal(mine.headers.location, paths.mySafetyPlan);

        const history = entity((await b.get(paths.safetyPlanHistory(personId))).body);
        assert.match(history, /Version 2<\/a> \(current\)/);
        assert.match(history, /Version 1<\/a>/);
        assert.match(history, /Added Biscuit/);
        assert.match(history, /the person themself/);
        const first = entity((await b.get(paths.safetyPlanVersion(personId, '1'))).body);
        assert.match(first, /This is an earlier version/);
        assert.doesNotMatch(first, /My dog Biscuit/);
        assert.match(entity((await b.get(paths.safetyPlan(personId))).body), /My dog Biscuit/);
        assert.equal((await b.get(paths.safetyPlanVersion(personId, '3'))).statusCode, 404);
      });

      it('refuses a save made from an older version with a page showing both versions and what was typed; nothing is lost', async () => {
        const { personId, browser } = await aPersonWithAccount();
        const b = as(a.hubPractitioner);
        await b.get(paths.safetyPlanEdit(personId));
        await b.post(paths.safetyPlanEdit(personId), planForm(0));
        // Both open the form at version 1; the person saves first.
        await b.get(paths.safetyPlanEdit(personId));
        await browser.get(paths.mySafetyPlanEdit);
        assert.equal((await browser.post(paths.mySafetyPlanEdit, planForm(1, { reasons: 'My niece\nFinishing my course' }))).statusCode, 303);
        const res = await b.post(paths.safetyPlanEdit(personId), planForm(1, { copingAlone: 'A walk with music on\nCooking slowly' }));
        assert.equal(res.statusCode, 409);
        const body = entity(res.body);
        assert.match(body, /This plan changed after you opened it/);
        assert.match(body, /The plan as it is now/);
        assert.match(body, /Finishing my course/, 'the current version, shown');
        assert.match(body, /Your changes \(not saved yet\)/);
        assert.match(body, /Cooking slowly/, 'what was typed, shown and kept in the form');
        assert.match(body, /name="baseVersion" value="2"/, 'the form now saves on top of the current version');
        const plan = await t.db.read.selectFrom('safety_plans').select(['version']).where('person_id', '=', personId).executeTakeFirstOrThrow();
        assert.equal(Number(plan.version), 2, 'nothing overwritten');

        const again = await b.post(paths.safetyPlanEdit(personId), planForm(2, { copingAlone: 'A walk with music on\nCooking slowly', reasons: 'My niece\nFinishing my course' }));
        assert.equal(again.statusCode, 303);
        const content = await t.db.read.selectFrom('safety_plan_versions').select(['version', 'content']).where('person_id', '=', personId).orderBy('version').execute();
        assert.deepEqual(content.map((c) => c.version), [1, 2, 3]);
        assert.deepEqual(JSON.parse(content[2]!.content).copingAlone, ['A walk with music on', 'Cooking slowly']);
      });
    });

    describe('the person', () => {
      it('writes their own plan in the portal, prefilled with what is open now, and sees it there', async () => {
        const { personId, familyName, browser } = await aPersonWithAccount();
        const empty = await browser.get(paths.mySafetyPlan);
        assert.equal(empty.statusCode, 200);
        assert.match(empty.body, /You do not have a safety plan with us yet/);
        const form = entity((await browser.get(paths.mySafetyPlanEdit)).body);
        assert.match(form, /value="Brixton Evening Sanctuary"/);
        assert.doesNotMatch(form, /name="withPerson"/, 'the person is not asked whether they were there');
        const res = await browser.post(paths.mySafetyPlanEdit, planForm(0, { warningSigns: 'Pacing at night', withPerson: '' }));
        assert.equal(res.statusCode, 303);
        const row = await t.db.read.selectFrom('safety_plan_versions').select(['written_by_role', 'with_person']).where('person_id', '=', personId).executeTakeFirstOrThrow();
        assert.equal(row.written_by_role, 'person');
        assert.equal(Number(row.with_person), 1);
        const page = entity((await browser.get(paths.mySafetyPlan)).body);
        assert.match(page, /Your safety plan/);
        assert.match(page, /Pacing at night/);
        assert.match(page, /saved .* by you\./);
        assert.doesNotMatch(page, new RegExp(familyName), 'their own page, in their own words: "Your safety plan"');
        assert.match((await browser.get('/my-record')).body, /href="\/my-record\/safety-plan"/, 'linked from the portal home');
      });

      it('sends themself a copy to keep, by email and by text, to the email and mobile they sign in with; audited, and once however often they click (H11)', async () => {
        const { personId, account, browser } = await aPersonWithAccount();
        assert.equal((await browser.get(paths.mySafetyPlanSend)).statusCode, 404, 'no plan yet, nothing to send');
        await browser.get(paths.mySafetyPlanEdit);
        await browser.post(paths.mySafetyPlanEdit, planForm(0, { withPerson: '' }));
        const page = (await browser.get(paths.mySafetyPlan)).body;
        assert.match(page, /<a href="\/my-record\/safety-plan\/send">Send it to your email or phone<\/a>/);
        const form = await browser.get(paths.mySafetyPlanSend);
        assert.equal(form.statusCode, 200);
        assert.match(form.body, new RegExp(`By email to ${account.email}`));
        assert.match(form.body, new RegExp(`By text message to ${account.mobile.slice(0, 5)} ${account.mobile.slice(5, 8)} ${account.mobile.slice(8)}`));
        // Neither chosen: an error summary, nothing sent.
        const none = await browser.post(paths.mySafetyPlanSend, {});
        assert.equal(none.statusCode, 400);
        assert.match(none.body, /nhsuk-error-summary[\s\S]*href="#channels">\s*Choose how to send your plan: email, text message or both/);
        const sent = await browser.post(paths.mySafetyPlanSend, { channels: ['email', 'sms'] });
        assert.equal(sent.statusCode, 303);
        assert.equal(sent.headers.location, `${paths.mySafetyPlan}?sent=email,sms`);
        // A second click of the same form, in the same hour, sends nothing more.
        assert.equal((await browser.post(paths.mySafetyPlanSend, { channels: ['email', 'sms'] })).statusCode, 303);
        assert.match((await browser.get(String(sent.headers.location))).body, /Your safety plan has been sent by email and by text message/);
        const messages = await t.db.read.selectFrom('outbox_messages').select(['channel', 'recipient', 'personalisation', 'person_id']).where('kind', '=', 'crisis.safety-plan-copy').where('person_id', '=', personId).orderBy('channel').execute();
        assert.deepEqual(messages.map((m) => [m.channel, m.recipient]), [['email', account.email], ['sms', account.mobile]]);
        const email = JSON.parse(String(messages[0]!.personalisation)) as { subject: string; body: string };
        assert.equal(email.subject, 'Your safety plan');
        for (const words of ['If you are in danger now', 'Call 999 or go to A&E', 'Step 1. My warning signs', '* Not sleeping', 'Step 4. People I can ask for help', '* Chris (my brother) 07700 900462', '* Give my spare tablets to Chris', 'My reasons for living', '* My niece']) {
          assert.ok(email.body.includes(words), `the email holds "${words}"`);
        }
        const text = (JSON.parse(String(messages[1]!.personalisation)) as { body: string }).body;
        assert.ok(text.length <= 900, 'one text message of at most 900 characters');
        assert.match(text, /People I can ask for help: Chris \(my brother\) 07700 900462\./);
        assert.match(text, /Services I can contact: Samaritans 116 123/);
        assert.match(text, /In danger now: call 999\..*Samaritans 116 123\. Text SHOUT to 85258\.$/);
        assert.doesNotMatch(text, /Not sleeping|spare tablets/, 'the text holds the numbers, not the rest of the plan');
        const audited = await t.db.read.selectFrom('audit_events').select(['action', 'actor_role']).where('person_id', '=', personId).where('action', '=', 'crisis.safety-plan.send').execute();
        assert.deepEqual(audited, [{ action: 'crisis.safety-plan.send', actor_role: 'person' }, { action: 'crisis.safety-plan.send', actor_role: 'person' }]);
        // Practitioners have no such page: it is the person's own.
        assert.equal((await as(a.hubPractitioner).get(paths.mySafetyPlanSend)).statusCode, 404);
      });

      it('keeps the text message to 900 characters however long the plan, the crisis numbers always in it', async () => {
        const { personId, browser } = await aPersonWithAccount();
        const many: Record<string, string> = {};
        for (let i = 1; i <= 20; i++) {
          many[`helpName-${i}`] = `A friend with a rather long name and a note, number ${i}`;
          many[`helpPhone-${i}`] = `07700 900${String(100 + i)}`;
        }
        await browser.get(paths.mySafetyPlanEdit);
        assert.equal((await browser.post(paths.mySafetyPlanEdit, planForm(0, { withPerson: '', ...many }))).statusCode, 303);
        await browser.get(paths.mySafetyPlanSend);
        assert.equal((await browser.post(paths.mySafetyPlanSend, { channels: 'sms' })).statusCode, 303);
        const message = await t.db.read.selectFrom('outbox_messages').select(['personalisation']).where('kind', '=', 'crisis.safety-plan-copy').where('person_id', '=', personId).executeTakeFirstOrThrow();
        const text = (JSON.parse(String(message.personalisation)) as { body: string }).body;
        assert.ok(text.length <= 900, `${text.length} characters`);
        assert.match(text, /number 1 07700 900101/);
        assert.match(text, /More in your full plan\. In danger now: call 999\./);
      });

      it('finds it in their subject access export', async () => {
        const { personId, browser } = await aPersonWithAccount();
        await browser.get(paths.mySafetyPlanEdit);
        await browser.post(paths.mySafetyPlanEdit, planForm(0, { withPerson: '' }));
        const exported = JSON.parse((await browser.get('/my-record/download/my-record.json')).body) as { tables: Record<string, { person_id: string }[]> };
        assert.equal(exported.tables.safety_plans?.length, 1);
        assert.equal(exported.tables.safety_plan_versions?.[0]?.person_id, personId);
      });
    });

    describe('a copy sent by a practitioner', () => {
      it('sends it, when the person asks, to the contact details on their record, shown with their preferences; refused without their agreement (H11)', async () => {
        const details = aPerson({ postcode: 'SW9 9SL', phone: '07700 900 321', email: `copy.${Date.now()}@example.org`, contactPreferences: { methods: ['sms', 'email'], safeTimes: 'After 6pm', mayLeaveMessage: false } });
        const { personId } = await personWithRequest(t, details);
        const b = as(a.hubPractitioner);
        assert.equal((await b.get(paths.safetyPlanSend(personId))).statusCode, 404, 'no plan yet');
        await b.get(paths.safetyPlanEdit(personId));
        await b.post(paths.safetyPlanEdit(personId), planForm(0));
        assert.match((await b.get(paths.safetyPlan(personId))).body, new RegExp(`<a href="${paths.safetyPlanSend(personId)}">Send it to their email or phone</a>`));
        const form = entity((await b.get(paths.safetyPlanSend(personId))).body);
        assert.match(form, new RegExp(`By email to ${details.email}`));
        assert.match(form, /By text message to 07700 900 321/);
        assert.match(form, /contact by text message, email; safe times: After 6pm; <strong>we may not leave messages<\/strong>: check with them before sending/);
        // Without their agreement: an error summary, what was chosen kept, nothing sent.
        const refused = await b.post(paths.safetyPlanSend(personId), { channels: 'sms' });
        assert.equal(refused.statusCode, 400);
        assert.match(refused.body, /href="#agreed">\s*Confirm the person asked for a copy, sent to these details/);
        assert.match(refused.body, /name="channels" type="checkbox" value="sms" checked/);
        const none = async () => t.db.read.selectFrom('outbox_messages').select(['channel', 'recipient']).where('kind', '=', 'crisis.safety-plan-copy').where('person_id', '=', personId).execute();
        assert.deepEqual(await none(), []);
        const sent = await b.post(paths.safetyPlanSend(personId), { channels: 'sms', agreed: 'yes' });
        assert.equal(sent.statusCode, 303);
        assert.equal(sent.headers.location, `${paths.safetyPlan(personId)}?sent=sms`);
        assert.match((await b.get(String(sent.headers.location))).body, /The safety plan has been sent by text message/);
        assert.deepEqual(await none(), [{ channel: 'sms', recipient: '07700900321' }]);
        const audited = await t.db.read.selectFrom('audit_events').select(['actor_user_id']).where('person_id', '=', personId).where('action', '=', 'crisis.safety-plan.send').execute();
        assert.deepEqual(audited, [{ actor_user_id: a.hubPractitioner.userId }]);
        // Another team cannot, nor a commissioner.
        assert.equal((await as(a.outsider).get(paths.safetyPlanSend(personId))).statusCode, 404);
        assert.equal((await as(a.commissioner).get(paths.safetyPlanSend(personId))).statusCode, 404);
      });

      it('offers no text message to a landline, and says so when one is asked for', async () => {
        const { personId } = await personWithRequest(t, aPerson({ postcode: 'SW9 9SL', phone: '020 7946 0123' }));
        const b = as(a.hubPractitioner);
        await b.get(paths.safetyPlanEdit(personId));
        await b.post(paths.safetyPlanEdit(personId), planForm(0));
        const form = (await b.get(paths.safetyPlanSend(personId))).body;
        assert.match(form, /There is no email address or mobile number on their record/);
        assert.doesNotMatch(form, /Send the safety plan<\/button>/);
        // A form opened before the mobile left the record (any page's form token will do).
        await b.get(paths.safetyPlanEdit(personId));
        const res = await b.post(paths.safetyPlanSend(personId), { channels: 'sms', agreed: 'yes' });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /There is no mobile number on their record: choose email, or add their mobile to their record first/);
      });
    });

    describe('who may see it', () => {
      it('turns away another team, a commissioner and anonymous visitors; another person sees only their own', async () => {
        const { personId, browser } = await aPersonWithAccount();
        await browser.get(paths.mySafetyPlanEdit);
        await browser.post(paths.mySafetyPlanEdit, planForm(0, { warningSigns: 'Only mine', withPerson: '' }));
        for (const url of [paths.safetyPlan(personId), paths.safetyPlanEdit(personId), paths.safetyPlanPdf(personId), paths.safetyPlanHistory(personId), paths.safetyPlanVersion(personId, '1')]) {
          assert.equal((await as(a.outsider).get(url)).statusCode, 404, `another team: ${url}`);
          assert.equal((await as(a.commissioner).get(url)).statusCode, 404, `a commissioner: ${url}`);
          assert.notEqual((await t.app.inject({ method: 'GET', url })).statusCode, 200, `anonymous: ${url}`);
        }
        // Another team cannot save either (the form's token is refused first, or the person is not found).
        assert.ok([403, 404].includes((await as(a.outsider).post(paths.safetyPlanEdit(personId), planForm(1))).statusCode));
        assert.equal((await t.db.read.selectFrom('safety_plan_versions').select(['id']).where('person_id', '=', personId).execute()).length, 1, 'nothing saved');
        const denied = await t.db.read.selectFrom('audit_events').select(['outcome']).where('person_id', '=', personId).where('actor_user_id', '=', a.outsider.userId).execute();
        assert.ok(denied.length > 0 && denied.every((d) => d.outcome === 'denied'), 'refused looks are audited');
        const other = await aPersonWithAccount();
        const theirs = await other.browser.get(paths.mySafetyPlan);
        assert.doesNotMatch(theirs.body, /Only mine/);
        assert.equal((await other.browser.get(paths.sharedSafetyPlan(personId))).statusCode, 404, 'a person is not a network member');
      });

      it('shows it to a network member with the safety-plan label (page and PDF, audited in the person\'s log); 404 without the label', async () => {
        const { personId, browser } = await aPersonWithAccount();
        await browser.get(paths.mySafetyPlanEdit);
        await browser.post(paths.mySafetyPlanEdit, planForm(0, { warningSigns: 'Shared warning sign', withPerson: '' }));
        const member = async (labels: string[]) => {
          const user = await createTestUser(t.db, t.clock, { role: 'network-member', organisationId: a.organisationId });
          await t.db.write(async (tx) => {
            const at = t.clock.now().toISOString();
            await tx
              .insertInto('network_members')
              .values({ id: newId(), person_id: personId, relationship: 'family', name: 'Chris', labels: JSON.stringify(labels), consent_at: at, consent_recorded_by: a.hubPractitioner.userId, consent_given_by: 'person', consent_method: 'in-person', status: 'active', user_id: user.userId, added_by: a.hubPractitioner.userId, added_at: at, joined_at: at })
              .execute();
          });
          const b = new Browser(t.app);
          await signIn(b, user, t.clock);
          return { user, b };
        };
        const withLabel = await member(['safety-plan']);
        const page = await withLabel.b.get(paths.sharedSafetyPlan(personId));
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /Shared warning sign/);
        assert.match(page.body, /shares their safety plan with you/);
        const pdf = await withLabel.b.get(paths.sharedSafetyPlanPdf(personId));
        assert.equal(pdf.statusCode, 200);
        assert.match(pdfTextOf(pdf.rawPayload), /Shared warning sign/);
        const events = await t.db.read.selectFrom('audit_events').select(['action', 'actor_role', 'purpose']).where('person_id', '=', personId).where('actor_user_id', '=', withLabel.user.userId).execute();
        assert.deepEqual(events.map((e) => e.action).sort(), ['crisis.safety-plan.pdf', 'crisis.safety-plan.view']);
        assert.ok(events.every((e) => e.actor_role === 'network-member' && e.purpose === 'network member, shared by the person'));
        const log = await browser.get('/my-record/access-log');
        assert.match(entity(log.body), /Looked at your safety plan/, "in the person's access log");

        const without = await member(['general', 'mental-health']);
        assert.equal((await without.b.get(paths.sharedSafetyPlan(personId))).statusCode, 404);
        assert.equal((await without.b.get(paths.sharedSafetyPlanPdf(personId))).statusCode, 404);
        assert.equal((await without.b.get(paths.sharedSafetyPlan(newId()))).statusCode, 404);
      });
    });

    describe('printing', () => {
      it('makes a PDF that starts with %PDF and holds the plan and the crisis numbers', async () => {
        const { personId, browser } = await aPersonWithAccount();
        await browser.get(paths.mySafetyPlanEdit);
        await browser.post(paths.mySafetyPlanEdit, planForm(0, { warningSigns: 'Pacing at night\nNot answering my phone', reasons: 'Zażółć my niece', withPerson: '' }));
        for (const res of [await browser.get(paths.mySafetyPlanPdf), await as(a.hubPractitioner).get(paths.safetyPlanPdf(personId))]) {
          assert.equal(res.statusCode, 200);
          assert.match(String(res.headers['content-type']), /application\/pdf/);
          assert.equal(res.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
          const text = pdfTextOf(res.rawPayload);
          for (const expected of ['My safety plan', 'In danger now: call 999', 'Samaritans: 116 123', 'text SHOUT to 85258', 'Step 1: My warning signs', 'Pacing at night', 'Not answering my phone', 'Chris (my brother)', 'Version 1']) {
            assert.ok(text.includes(expected), `the PDF shows "${expected}" in:\n${text}`);
          }
          assert.ok(text.includes('Zażółć my niece'), 'Polish letters, as written');
          assert.ok(!text.includes('Some letters could not be shown'), 'nothing lost, nothing said');
        }
        const audited = await t.db.read.selectFrom('audit_events').select(['actor_user_id']).where('person_id', '=', personId).where('action', '=', 'crisis.safety-plan.pdf').execute();
        assert.equal(audited.length, 2);
        const none = await aPersonWithAccount();
        assert.equal((await none.browser.get(paths.mySafetyPlanPdf)).statusCode, 404, 'no plan, no PDF');
      });

      it('shows the person’s words in Latin, Greek and Cyrillic letters as written, and says so when a script cannot be shown', async () => {
        const { browser } = await aPersonWithAccount();
        await browser.get(paths.mySafetyPlanEdit);
        const words = ['Dzwonię do siostry', 'Kız kardeşimi ararım', 'Mo máa pe ẹ̀gbọ́n mi', 'Дзвоню сестрі', 'Τηλεφωνώ στην αδελφή μου', 'Tôi gọi cho chị gái'];
        await browser.post(paths.mySafetyPlanEdit, planForm(0, { warningSigns: words.join('\n'), reasons: 'My niece', withPerson: '' }));
        const shown = pdfTextOf((await browser.get(paths.mySafetyPlanPdf)).rawPayload);
        for (const w of words) assert.ok(shown.normalize('NFC').includes(w.normalize('NFC')), `"${w}" as written in:\n${shown}`);
        assert.ok(!shown.includes('Some letters could not be shown'), 'nothing lost, nothing said');
        // Arabic is written right to left and Bengali needs its letters joined: the PDF cannot lay them out, and says so.
        await browser.get(paths.mySafetyPlanEdit);
        await browser.post(paths.mySafetyPlanEdit, planForm(1, { warningSigns: 'أتصل بأختي\nবোনকে ফোন করি\nPacing at night', reasons: 'My niece', withPerson: '' }));
        const lost = pdfTextOf((await browser.get(paths.mySafetyPlanPdf)).rawPayload);
        assert.ok(lost.includes('Pacing at night'));
        assert.ok(!/[\u0600-\u06ff\u0980-\u09ff]/.test(lost), 'no letter laid out wrongly');
        assert.ok(lost.includes('Some letters could not be shown'), 'and the PDF says so');
        const page = await browser.get(paths.mySafetyPlan);
        assert.ok(page.body.includes('أتصل بأختي') && page.body.includes('বোনকে ফোন করি'), 'the page, which prints, shows every script');
      });

      it('has a print stylesheet: no navigation, the crisis numbers large and first', async () => {
        const { browser } = await aPersonWithAccount();
        const page = await browser.get(paths.mySafetyPlan);
        assert.match(page.body, new RegExp(`<link rel="stylesheet" href="${paths.safetyPlanCss}">`));
        const css = await t.app.inject({ method: 'GET', url: paths.safetyPlanCss });
        assert.equal(css.statusCode, 200);
        assert.match(String(css.headers['content-type']), /text\/css/);
        const print = css.body.slice(css.body.indexOf('@media print'));
        assert.ok(print.length > 20, 'a print section');
        assert.match(print, /\.nhsuk-header,[\s\S]*display: none/);
        assert.match(print, /\.app-safety-plan__crisis \{[^}]*font-size: 15pt/);
      });
    });

    describe('for crisis responders and the record', () => {
      it('gives the current plan to an episode page (safetyPlanFor) and the summary partial shows it', async () => {
        const { personId, browser } = await aPersonWithAccount();
        assert.equal(await safetyPlanFor(t.platform, t.db.read, [personId]), null);
        await browser.get(paths.mySafetyPlanEdit);
        await browser.post(paths.mySafetyPlanEdit, planForm(0, { warningSigns: 'Episode warning sign', withPerson: '' }));
        const plan = await safetyPlanFor(t.platform, t.db.read, [personId]);
        assert.ok(plan);
        assert.equal(plan.version, 1);
        assert.deepEqual(plan.content.warningSigns, ['Episode warning sign']);
        const html = await t.app.view('crisis/views/safety-plan/_summary.njk', { safetyPlan: plan });
        assert.match(html, /Safety plan/);
        assert.match(html, /Episode warning sign/);
        assert.match(html, new RegExp(`href="${paths.safetyPlan(personId)}"`));
        const none = await t.app.view('crisis/views/safety-plan/_summary.njk', { safetyPlan: null, safetyPlanWriteHref: paths.safetyPlanEdit(personId) });
        assert.match(none, /no safety plan with us yet/);
      });

      it('shows the plan to a crisis responder who opens an episode for the person, who can then open it whole and print it', async () => {
        const c = await createCrisisAlliance(t);
        const responder = new Browser(t.app);
        await signIn(responder, c.crisisPractitioner, t.clock);
        const { personId, browser } = await aPersonWithAccount();
        assert.equal((await responder.get(paths.safetyPlan(personId))).statusCode, 404, 'before the episode, the crisis team is not involved');
        await browser.get(paths.mySafetyPlanEdit);
        await browser.post(paths.mySafetyPlanEdit, planForm(0, { warningSigns: 'Walking at night without my phone', withPerson: '' }));
        const episode = await t.db.write((tx) => openCrisisEpisode(t.platform, tx, { source: 'phone', priority: 'urgent', summary: 'Worried about tonight.', personId, teamId: c.crisisTeamId, openedBy: c.crisisPractitioner.userId }));
        const page = await responder.get(paths.episode(episode.id));
        assert.equal(page.statusCode, 200);
        const body = entity(page.body);
        assert.match(body, /<h2[^>]*>Safety plan<\/h2>/);
        assert.match(body, /Walking at night without my phone/);
        assert.match(body, new RegExp(`href="${paths.safetyPlan(personId)}"`));
        assert.equal((await responder.get(paths.safetyPlan(personId))).statusCode, 200, 'the episode makes the crisis team involved');
        assert.equal((await responder.get(paths.safetyPlanPdf(personId))).statusCode, 200);
      });

      it("puts each save on the person's timeline, and audits every view and change with the person's id", async () => {
        const { personId } = await aPersonWithAccount();
        const b = as(a.hubPractitioner);
        await b.get(paths.safetyPlanEdit(personId));
        await b.post(paths.safetyPlanEdit(personId), planForm(0));
        await b.get(paths.safetyPlanEdit(personId));
        await b.post(paths.safetyPlanEdit(personId), planForm(1, { reasons: 'Changed reasons' }));
        await b.get(paths.safetyPlan(personId));
        await b.get(paths.safetyPlanHistory(personId));
        const record = entity((await b.get(`/people/${personId}`)).body);
        assert.match(record, /Safety plan written/);
        assert.match(record, /Safety plan changed \(version 2\)/);
        const events = await t.db.read
          .selectFrom('audit_events')
          .select(['action', 'person_id', 'actor_role', 'actor_team_id', 'purpose'])
          .where('actor_user_id', '=', a.hubPractitioner.userId)
          .where('action', 'like', 'crisis.safety-plan.%')
          .where('person_id', '=', personId)
          .execute();
        const actions = new Set(events.map((e) => e.action));
        for (const action of ['crisis.safety-plan.edit-view', 'crisis.safety-plan.create', 'crisis.safety-plan.change', 'crisis.safety-plan.view', 'crisis.safety-plan.history']) assert.ok(actions.has(action), action);
        assert.ok(events.every((e) => e.actor_role === 'practitioner' && e.actor_team_id === a.hubTeamId && e.purpose === 'direct care'));
      });
    });
  });
}

for (const dialect of testDialects()) {
  describe(`the safety plan demo (${dialect.name})`, { skip: dialect.skip }, () => {
    it("gives Jordan Reid a plan in two versions, which Jordan and their brother Chris (safety-plan label) can open", async (t) => {
      const app = await buildTestApp(dialect);
      t.after(() => app.close());
      app.clock.set('2026-12-01T20:00:00.000Z');
      await seedDemoAlliance(app.platform, () => {}, [directorySeed, peopleSeed]);
      assert.equal(await seedSafetyPlanDemo(app.platform, DEMO), 'a safety plan for Jordan Reid (2 versions)');
      assert.equal(await seedSafetyPlanDemo(app.platform, DEMO), undefined, 'once only');
      const versions = await app.db.read.selectFrom('safety_plan_versions').select(['version', 'written_by', 'written_by_role', 'with_person', 'content']).orderBy('version').execute();
      assert.deepEqual(versions.map((v) => [v.version, v.written_by, v.written_by_role, Number(v.with_person)]), [
        [1, DEMO.users.crisisPractitioner, 'practitioner', 1],
        [2, DEMO.users.person, 'person', 1],
      ]);
      assert.ok(JSON.parse(versions[0]!.content).professionals.some((p: { name: string }) => p.name === 'Brixton Evening Sanctuary'));
      const jordan = new Browser(app.app);
      await signInPerson(jordan, app.db, DEMO.emails.person);
      assert.match(entity((await jordan.get(paths.mySafetyPlan)).body), /My dog, Biscuit/);
      const chris = new Browser(app.app);
      await chris.get('/sign-in/my-record');
      await chris.post('/sign-in/my-record', { contact: DEMO.emails.networkMember });
      await chris.get('/sign-in/my-record/code');
      await chris.post('/sign-in/my-record/code', { code: await lastSignInCode(app.db, DEMO.emails.networkMember) });
      const personId = (await app.db.read.selectFrom('safety_plans').select(['person_id']).executeTakeFirstOrThrow()).person_id;
      assert.match(entity((await chris.get(paths.sharedSafetyPlan(personId))).body), /My dog, Biscuit/);
    });
  });
}
