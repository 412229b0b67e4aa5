// The person record (issue 5, items 1 and 9): duplicates confirmed or rejected, merges that keep
// history and can be undone, details changed without overwriting anyone, the timeline gathered from
// the front door, involvement that ends when the request closes, and every view audited.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../platform/db/ids.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { signIn } from '../../testing/auth.ts';
import { serviceRecord } from '../directory/factories.ts';
import { upsertServiceRecord } from '../directory/store.ts';
import { addNote, closeArranged, decide, recordAttempt } from '../front-door/queue.ts';
import { involvement } from './access.ts';
import { breakGlass } from './break-glass.ts';
import { paths } from './paths.ts';
import { type Alliance, aNhsNumber, aPerson, createAlliance, type Member, personWithoutRequest, personWithRequest } from './testing.ts';

for (const dialect of testDialects()) {
  describe(`the person record (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    const browsers = new Map<Member, Browser>();
    const as = (m: Member) => browsers.get(m)!;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createAlliance(t);
      for (const m of [a.hubPractitioner, a.hubLead, a.outsider, a.communityLead]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(m, b);
      }
    });
    after(async () => {
      await t?.close();
    });

    /** A record with no request, then a request with the same details: a possible duplicate of it. */
    async function possibleDuplicate(overrides: Parameters<typeof aPerson>[0] = {}, newerOverrides: Parameters<typeof aPerson>[0] = {}) {
      const details = aPerson(overrides);
      const olderId = await personWithoutRequest(t, details);
      t.clock.advance(1000);
      const request = await personWithRequest(t, { ...details, ...newerOverrides });
      const candidate = await t.db.read.selectFrom('person_duplicate_candidates').select(['id', 'candidate_id']).where('person_id', '=', request.personId).executeTakeFirstOrThrow();
      assert.equal(candidate.candidate_id, olderId);
      return { details, olderId, newerId: request.personId, requestId: request.id, candidateId: candidate.id };
    }

    async function timelineOf(b: Browser, id: string): Promise<string[]> {
      const page = await b.get(paths.person(id));
      assert.equal(page.statusCode, 200);
      const timeline = page.body.slice(page.body.indexOf('<h2>Timeline</h2>'));
      return [...timeline.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    }

    const auditFor = (personId: string) => t.db.read.selectFrom('audit_events').select(['action', 'actor_user_id', 'actor_team_id', 'outcome']).where('person_id', '=', personId).orderBy('seq').execute();

    it('merges two records confirmed as one person, shows both histories on the one kept, and undoing the merge restores both records and their timelines', async () => {
      const b = as(a.hubPractitioner);
      const older = aPerson();
      const olderRequest = await personWithRequest(t, older);
      await addNote(t.platform, a.hubPractitioner.actor, olderRequest.id, 'Known to the community team since 2024.');
      t.clock.advance(60_000);
      const newer = await personWithRequest(t, older);
      await recordAttempt(t.platform, a.hubPractitioner.actor, newer.id, { method: 'phone', result: 'message-left', note: 'Left a message after 6pm' });
      const candidate = await t.db.read.selectFrom('person_duplicate_candidates').select(['id']).where('person_id', '=', newer.personId).executeTakeFirstOrThrow();
      const before = { older: await timelineOf(b, olderRequest.personId), newer: await timelineOf(b, newer.personId) };
      const rowsBefore = await t.db.read.selectFrom('people').select(['id', 'given_name', 'family_name', 'phone', 'merged_into_id']).where('id', 'in', [olderRequest.personId, newer.personId]).orderBy('id').execute();
      assert.ok(before.older.some((e) => e.includes('Known to the community team since 2024.')));
      assert.ok(before.newer.some((e) => e.includes('Left a message after 6pm')));

      // Confirm: the newer record is merged into the older; the newer's address now shows the older.
      await b.get(paths.duplicate(newer.personId, candidate.id));
      const confirmed = await b.post(paths.duplicate(newer.personId, candidate.id), { same: 'yes', note: 'Same GP and address, confirmed with the person by phone' });
      assert.equal(confirmed.statusCode, 303);
      assert.equal(confirmed.headers.location, paths.person(olderRequest.personId));
      const moved = await b.get(paths.person(newer.personId));
      assert.equal(moved.statusCode, 303);
      assert.equal(moved.headers.location, paths.person(olderRequest.personId));
      const merged = await timelineOf(b, olderRequest.personId);
      const withoutMerges = (entries: string[]) => entries.filter((e) => !/records of this person were merged|merge of two records was undone/.test(e));
      assert.deepEqual(
        withoutMerges(merged).map((e) => e.replace(' From a merged record', '')).sort(),
        [...before.older, ...before.newer].sort(),
        'every entry of both records, and nothing else',
      );
      assert.ok(merged.some((e) => e.includes('From a merged record') && e.includes('Left a message after 6pm')));
      assert.ok(merged.some((e) => e.includes('Two records of this person were merged')));
      const candidateRow = await t.db.read.selectFrom('person_duplicate_candidates').select(['status', 'decided_by', 'decision_note']).where('id', '=', candidate.id).executeTakeFirstOrThrow();
      assert.deepEqual(candidateRow, { status: 'confirmed', decided_by: a.hubPractitioner.userId, decision_note: 'Same GP and address, confirmed with the person by phone' });

      // Undo: both records and their timelines as they were (with the merge and its undoing in the history).
      const merge = await t.db.read.selectFrom('person_merges').select(['id']).where('merged_id', '=', newer.personId).executeTakeFirstOrThrow();
      const mergePage = await b.get(paths.merge(olderRequest.personId, merge.id));
      assert.match(mergePage.body, /Left a message after 6pm/, 'the merged record’s own history is shown before undoing');
      const undone = await b.post(paths.merge(olderRequest.personId, merge.id), { reason: 'Different people: the person confirmed a different GP' });
      assert.equal(undone.statusCode, 303);
      const rowsAfter = await t.db.read.selectFrom('people').select(['id', 'given_name', 'family_name', 'phone', 'merged_into_id']).where('id', 'in', [olderRequest.personId, newer.personId]).orderBy('id').execute();
      assert.deepEqual(rowsAfter, rowsBefore);
      assert.deepEqual(withoutMerges(await timelineOf(b, olderRequest.personId)), before.older);
      assert.deepEqual(withoutMerges(await timelineOf(b, newer.personId)), before.newer);
      assert.ok((await timelineOf(b, newer.personId)).some((e) => e.includes('A merge of two records was undone') && e.includes('Different people')));
      const after = await t.db.read.selectFrom('person_duplicate_candidates').select(['status', 'decision_note']).where('id', '=', candidate.id).executeTakeFirstOrThrow();
      assert.deepEqual(after, { status: 'rejected', decision_note: 'Merge undone: Different people: the person confirmed a different GP' });
      const mergeRow = await t.db.read.selectFrom('person_merges').select(['unmerged_by', 'unmerge_reason']).where('id', '=', merge.id).executeTakeFirstOrThrow();
      assert.deepEqual(mergeRow, { unmerged_by: a.hubPractitioner.userId, unmerge_reason: 'Different people: the person confirmed a different GP' });

      // Both audited, for both people.
      for (const id of [olderRequest.personId, newer.personId]) {
        const actions = (await auditFor(id)).map((e) => e.action);
        for (const action of ['people.duplicate.confirm', 'people.merge', 'people.unmerge']) assert.ok(actions.includes(action), `${action} for ${id}`);
      }
    });

    it('rejects a possible duplicate: nothing is merged, and who decided and how they checked are kept', async () => {
      const d = await possibleDuplicate();
      const b = as(a.hubPractitioner);
      await b.get(paths.duplicate(d.newerId, d.candidateId));
      const res = await b.post(paths.duplicate(d.newerId, d.candidateId), { same: 'no', note: 'Different middle name and GP practice' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, paths.person(d.newerId));
      const row = await t.db.read.selectFrom('person_duplicate_candidates').select(['status', 'decided_by', 'decision_note']).where('id', '=', d.candidateId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'rejected', decided_by: a.hubPractitioner.userId, decision_note: 'Different middle name and GP practice' });
      const people = await t.db.read.selectFrom('people').select(['merged_into_id']).where('id', 'in', [d.olderId, d.newerId]).execute();
      assert.deepEqual(people, [{ merged_into_id: null }, { merged_into_id: null }]);
      assert.doesNotMatch((await b.get(paths.person(d.newerId))).body, /Possible duplicate records/);
      assert.equal((await b.get(paths.duplicate(d.newerId, d.candidateId))).statusCode, 404, 'a decided duplicate is not decided again');
      assert.ok((await auditFor(d.olderId)).some((e) => e.action === 'people.duplicate.reject'));
    });

    it('shows both records to compare, refuses to merge records with different NHS numbers, and keeps what was typed', async () => {
      const [first, second] = [aNhsNumber(), aNhsNumber()];
      const d = await possibleDuplicate({ nhsNumber: first }, { nhsNumber: second });
      const b = as(a.hubPractitioner);
      const compare = await b.get(paths.duplicate(d.newerId, d.candidateId));
      const spaced = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
      const [mine, other] = [compare.body.indexOf(spaced(second)), compare.body.indexOf(spaced(first))];
      assert.ok(mine > 0 && other > mine, 'this record, then the other, side by side');
      const res = await b.post(paths.duplicate(d.newerId, d.candidateId), { same: 'yes', note: 'They look the same to me' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /different NHS numbers, so they are not the same person/);
      assert.match(res.body, /They look the same to me/);
      assert.match(res.body, /value="yes" checked/);
      const people = await t.db.read.selectFrom('people').select(['merged_into_id']).where('id', 'in', [d.olderId, d.newerId]).execute();
      assert.ok(people.every((p) => p.merged_into_id === null));
    });

    it('keeps what was typed, with an error summary, on every form of the record', async () => {
      const d = await possibleDuplicate();
      const b = as(a.hubPractitioner);
      const checks: { url: string; form: Record<string, string>; typed: RegExp[]; error: RegExp }[] = [
        {
          url: paths.edit(d.newerId),
          form: { version: '1', givenName: 'Alexandra', familyName: '', 'dateOfBirth[day]': '31', 'dateOfBirth[month]': '2', 'dateOfBirth[year]': '1990', postcode: 'SW9 9SL', phone: '07700 900 123', interpreter: 'yes', safeTimes: 'Weekday mornings' },
          typed: [/value="Alexandra"/, /value="31"/, /value="07700 900 123"/, /value="Weekday mornings"/],
          error: /Enter their last name[\s\S]*Date of birth must be a real date/,
        },
        { url: paths.breakGlass(d.olderId), form: { reasonKind: 'safeguarding', reason: 'Too short' }, typed: [/Too short/, /value="safeguarding" checked/], error: /The reason must be 20 characters or more/ },
        { url: paths.duplicate(d.newerId, d.candidateId), form: { note: 'Checked with their GP surgery' }, typed: [/Checked with their GP surgery/], error: /Select yes if these records are the same person/ },
      ];
      for (const c of checks) {
        await b.get(c.url);
        const res = await b.post(c.url, c.form);
        assert.equal(res.statusCode, 400, c.url);
        assert.match(res.body, /There is a problem/);
        assert.match(res.body, c.error);
        for (const typed of c.typed) assert.match(res.body, typed, `${c.url} keeps ${typed}`);
      }
    });

    it('changes the details, audited; a form opened before someone else’s change saves nothing', async () => {
      const { personId } = await personWithRequest(t);
      const b = as(a.hubPractitioner);
      const lead = as(a.hubLead);
      const form = (await b.get(paths.edit(personId))).body;
      await lead.get(paths.edit(personId));
      const version = /name="version" value="([^"]+)"/.exec(form)![1]!;
      const nhsNumber = aNhsNumber();
      const fields = {
        version,
        givenName: 'Alex',
        familyName: 'Changed',
        'dateOfBirth[day]': '27',
        'dateOfBirth[month]': '3',
        'dateOfBirth[year]': '1990',
        postcode: 'se5 8af',
        nhsNumber: `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`,
        phone: '07700900555',
        email: 'alex@example.org',
        contactMethods: ['phone', 'email'],
        safeTimes: 'Weekdays after 6pm',
        mayLeaveMessage: 'yes',
        preferredLanguage: 'Portuguese',
        interpreter: 'yes',
        accessNeeds: 'Large print',
        ethnicity: 'N',
      };
      const saved = await b.post(paths.edit(personId), fields);
      assert.equal(saved.statusCode, 303, /nhsuk-error-summary__list[\s\S]*?<\/ul>/.exec(saved.body)?.[0].replace(/<[^>]+>|\s+/g, " "));
      const row = await t.db.read.selectFrom('people').select(['family_name', 'postcode', 'nhs_number', 'interpreter_needed', 'contact_preferences', 'equality']).where('id', '=', personId).executeTakeFirstOrThrow();
      assert.deepEqual(
        { ...row, contact_preferences: JSON.parse(row.contact_preferences!), equality: JSON.parse(row.equality!) },
        {
          family_name: 'Changed',
          postcode: 'SE5 8AF',
          nhs_number: nhsNumber,
          interpreter_needed: 1,
          contact_preferences: { methods: ['phone', 'email'], safeTimes: 'Weekdays after 6pm', mayLeaveMessage: true },
          equality: { ethnicity: 'N' },
        },
      );
      const page = (await b.get(paths.person(personId))).body;
      assert.match(page, new RegExp(`${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`));
      assert.match(page, /Black or Black British: African/);
      assert.ok((await auditFor(personId)).some((e) => e.action === 'people.details.change' && e.actor_user_id === a.hubPractitioner.userId && e.actor_team_id === a.hubTeamId));

      // The lead opened the form before that change: their save is refused, and nothing of theirs is written.
      const leadVersion = version;
      const stale = await lead.post(paths.edit(personId), { ...fields, version: leadVersion, familyName: 'Overwritten' });
      assert.equal(stale.statusCode, 409);
      assert.match(stale.body, /Someone changed these details after you opened the form/);
      const after = await t.db.read.selectFrom('people').select(['family_name']).where('id', '=', personId).executeTakeFirstOrThrow();
      assert.equal(after.family_name, 'Changed');
    });

    it('writes an audit event with the person’s id, role and team for every view', async () => {
      const d = await possibleDuplicate();
      const b = as(a.hubPractitioner);
      const views: [string, string[], string][] = [
        [paths.person(d.newerId), [d.newerId], 'people.record.view'],
        [paths.edit(d.newerId), [d.newerId], 'people.details.view'],
        [paths.duplicate(d.newerId, d.candidateId), [d.newerId, d.olderId], 'people.duplicate.view'],
      ];
      for (const [url, ids, action] of views) {
        const before = await t.db.read.selectFrom('audit_events').select(['seq']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
        assert.equal((await b.get(url)).statusCode, 200, url);
        const events = await t.db.read.selectFrom('audit_events').select(['action', 'person_id', 'actor_user_id', 'actor_role', 'actor_team_id']).where('seq', '>', before.seq).execute();
        for (const id of ids) {
          assert.ok(
            events.some((e) => e.action === action && e.person_id === id && e.actor_user_id === a.hubPractitioner.userId && e.actor_role === 'practitioner' && e.actor_team_id === a.hubTeamId),
            `${url} audits ${action} for ${id}`,
          );
        }
      }
      // The merge page, for the kept record and the merged one.
      await b.post(paths.duplicate(d.newerId, d.candidateId), { same: 'yes', note: 'Confirmed with the person by phone' });
      const merge = await t.db.read.selectFrom('person_merges').select(['id']).where('merged_id', '=', d.newerId).executeTakeFirstOrThrow();
      await b.get(paths.merge(d.olderId, merge.id));
      for (const id of [d.olderId, d.newerId]) assert.ok((await auditFor(id)).some((e) => e.action === 'people.merge.view'));
      // A refused look at an existing record is audited as denied (the caller sees only "not found").
      await as(a.outsider).get(paths.person(d.olderId));
      assert.ok((await auditFor(d.olderId)).some((e) => e.action === 'people.record.view' && e.outcome === 'denied' && e.actor_user_id === a.outsider.userId));
      // The access review list shows reasons about people: each shown is in that person's trail.
      await breakGlass(t.platform, a.outsider.actor, d.olderId, { reasonKind: 'safeguarding', reason: 'Safeguarding call from the school about a child at home' });
      await as(a.communityLead).get(paths.accessReviews);
      assert.ok((await auditFor(d.olderId)).some((e) => e.action === 'people.break-glass.review-list' && e.actor_user_id === a.communityLead.userId));
    });

    it('links the front door request page to the person’s record', async () => {
      const { personId, id } = await personWithRequest(t);
      const b = as(a.hubPractitioner);
      const request = await b.get(`/front-door/requests/${id}`);
      assert.equal(request.statusCode, 200);
      assert.match(request.body, new RegExp(`href="${paths.person(personId)}"`));
      const record = await b.get(paths.person(personId));
      assert.equal(record.statusCode, 200);
      assert.match(record.body, /Why you can see this record[\s\S]*Open front door request MH-/);
    });

    it('shows the front door’s requests, notes, contact attempts and referrals on the timeline, newest first', async () => {
      const { personId, id } = await personWithRequest(t);
      t.clock.advance(60_000);
      await addNote(t.platform, a.hubPractitioner.actor, id, 'Prefers a call after work.');
      t.clock.advance(60_000);
      await recordAttempt(t.platform, a.hubPractitioner.actor, id, { method: 'phone', result: 'reached', note: 'Talked for 20 minutes' });
      t.clock.advance(60_000);
      const service = serviceRecord({ name: `Peer support group ${newId().slice(-6)}` });
      await t.db.write((tx) => upsertServiceRecord(tx, service));
      await decide(t.platform, a.hubPractitioner.actor, id, { kind: 'refer', serviceId: service.id, serviceName: service.name, reason: 'Would like to meet others' });
      const entries = await timelineOf(as(a.hubPractitioner), personId);
      const order = [`Referred to ${service.name}`, 'phone, reached', 'Prefers a call after work.', 'received (routine, asked by the person)'];
      const positions = order.map((text) => entries.findIndex((e) => e.includes(text)));
      assert.ok(positions.every((p) => p >= 0), `every entry shown: ${JSON.stringify(entries)}`);
      assert.deepEqual([...positions].sort((x, y) => x - y), positions, 'newest first');
      assert.ok(entries.some((e) => e.includes('Talked for 20 minutes')));
      assert.ok(entries.some((e) => e.includes('Decision on request') && e.includes('referred to a partner service')));
    });

    it('counts a team as involved while its request is open or a referral to its organisation’s service runs, and not after', async () => {
      const { personId, id } = await personWithRequest(t);
      assert.deepEqual((await involvement(t.platform, personId, a.hubPractitioner.actor)).map((i) => i.kind), ['request']);
      assert.deepEqual(await involvement(t.platform, personId, a.outsider.actor), []);
      // A referral to a service the trust runs: the trust's community team is involved too.
      const service = serviceRecord({ organisation: { id: newId(), name: 'Trust services', description: 'Services of the trust.', platformOrganisationId: a.organisationId } });
      await t.db.write((tx) => upsertServiceRecord(tx, service));
      await decide(t.platform, a.hubPractitioner.actor, id, { kind: 'refer', serviceId: service.id, serviceName: service.name, reason: 'Needs the community team' });
      const outsiders = await involvement(t.platform, personId, a.outsider.actor);
      assert.deepEqual(
        outsiders.map((i) => [i.kind, i.teamId]),
        [['referral', a.communityTeamId]],
      );
      assert.equal((await as(a.outsider).get(paths.person(personId))).statusCode, 200);
      // Closed, and the referral completed: nobody is involved any more.
      await closeArranged(t.platform, a.hubPractitioner.actor, id, 'Taken on by the community team');
      await t.db.write((tx) => tx.updateTable('referrals').set({ status: 'completed' }).where('request_id', '=', id).execute());
      assert.deepEqual(await involvement(t.platform, personId, a.hubPractitioner.actor), []);
      assert.deepEqual(await involvement(t.platform, personId, a.outsider.actor), []);
      assert.equal((await as(a.hubPractitioner).get(paths.person(personId))).statusCode, 404);
    });

    it('lets a team lead review their team’s break glass with a note, once, and never their own', async () => {
      const personId = await personWithoutRequest(t);
      const { grantId } = await breakGlass(t.platform, a.outsider.actor, personId, { reasonKind: 'urgent-care', reason: 'Out of hours call from A&E about this person' });
      const lead = as(a.communityLead);
      await lead.get(paths.accessReviews);
      const empty = await lead.post(paths.accessReview(grantId!), { note: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Enter your review of this access/);
      const done = await lead.post(paths.accessReview(grantId!), { note: 'Justified: A&E needed the safety information' });
      assert.equal(done.statusCode, 303);
      const row = await t.db.read.selectFrom('break_glass_grants').select(['reviewed_by', 'review_note']).where('id', '=', grantId!).executeTakeFirstOrThrow();
      assert.deepEqual(row, { reviewed_by: a.communityLead.userId, review_note: 'Justified: A&E needed the safety information' });
      assert.ok((await auditFor(personId)).some((e) => e.action === 'people.break-glass.review' && e.actor_user_id === a.communityLead.userId));
      assert.equal((await lead.post(paths.accessReview(grantId!), { note: 'Again' })).statusCode, 409);
      // The lead's own emergency access waits for another lead.
      const own = await breakGlass(t.platform, a.communityLead.actor, await personWithoutRequest(t), { reasonKind: 'other', reason: 'Checking an address for a home visit today' });
      await lead.get(paths.accessReviews);
      const refused = await lead.post(paths.accessReview(own.grantId!), { note: 'Fine' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Another team lead must review your own emergency access/);
    });
  });
}
