// DIALOG-style reviews (issue 5, item 5): a practitioner records a review with the person and it shows
// in the trend chart and its table; the person sees their reviews and adds their own in their portal;
// a form with a bad rating keeps what was entered; the chart's numbers are the table's; other teams,
// commissioners and other people see nothing; every view and change is audited with the person's id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestPersonAccount, createTestUser, signIn, signInPerson, type TestPersonAccount } from '../../testing/auth.ts';
import { createTeam } from '../../platform/auth/accounts.ts';
import { openCrisisEpisode } from '../crisis/index.ts';
import { frontDoorPaths, OWN_REVIEW_STORY } from '../front-door/index.ts';
import { peoplePaths } from '../people/index.ts';
import { addMember } from '../people/network.ts';
import { markJoined } from '../people/network-store.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithRequest } from '../people/testing.ts';
import { closeCoordination, openCoordination } from './coordination.ts';
import { paths } from './paths.ts';
import { allItems, helpField, parseReviewItems, REVIEW_ITEMS, ratingField, reviewSchema } from './reviews.ts';
import { parseXml } from './xml-testing.ts';

/** A filled-in form: every item rated (the given ratings, 4 otherwise) and "more help?" answered. */
function reviewForm(ratings: Record<string, string> = {}, help: Record<string, string> = {}, extra: Record<string, string> = {}): Record<string, string> {
  const form: Record<string, string> = { privacyLabel: 'mental-health', 'reviewedOn[day]': '1', 'reviewedOn[month]': '12', 'reviewedOn[year]': '2026', ...extra };
  for (const item of allItems()) {
    form[ratingField(item.key)] = ratings[item.key] ?? '4';
    form[helpField(item.key)] = help[item.key] ?? 'no';
  }
  return form;
}

/** The trend table of a page: item key → the cells' text, in review order. */
function tableOf(html: string): Map<string, { review: string; text: string }[]> {
  const table = html.slice(html.indexOf('<table class="nhsuk-table app-trend-table">'), html.indexOf('</table>', html.indexOf('app-trend-table')));
  const rows = new Map<string, { review: string; text: string }[]>();
  for (const row of table.matchAll(/<tr class="nhsuk-table__row" data-item="([^"]+)">([\s\S]*?)<\/tr>/g)) {
    rows.set(
      row[1]!,
      [...row[2]!.matchAll(/<td class="nhsuk-table__cell" data-review="([^"]+)">([^<]*)<\/td>/g)].map((c) => ({ review: c[1]!, text: c[2]!.trim() })),
    );
  }
  return rows;
}

/** The chart's points: "item|review" → "rating|more help". */
function pointsOf(html: string): Map<string, string> {
  const start = html.lastIndexOf('<svg', html.indexOf('class="app-trend-chart"'));
  const svg = html.slice(start, html.indexOf('</svg>', start) + '</svg>'.length);
  const elements = parseXml(svg);
  const points = new Map<string, string>();
  elements.forEach((e, i) => {
    if (e.attrs.class !== 'point') return;
    const number = elements.find((x) => x.parent === i && x.name === 'text')!.text;
    points.set(`${elements[e.parent]!.attrs['data-item']}|${e.attrs['data-review']}`, `${number}|${e.attrs['data-more-help']}`);
  });
  return points;
}

describe('review items and form (no database)', () => {
  it('ships eleven items (eight of life, three of care) and a scale from 1 to 7 in our own words', () => {
    assert.deepEqual(
      REVIEW_ITEMS.groups.map((g) => g.items.length),
      [8, 3],
    );
    assert.equal(REVIEW_ITEMS.scale[0]!.label, 'Totally dissatisfied');
    assert.equal(REVIEW_ITEMS.scale[6]!.label, 'Totally satisfied');
  });

  it('refuses item data with a repeated key or a scale that is not 1 to 7', () => {
    const bad = structuredClone(REVIEW_ITEMS);
    bad.groups[1]!.items[0]!.key = 'mental-health';
    assert.throws(() => parseReviewItems(bad), /each item key must be used once/);
    const short = { ...structuredClone(REVIEW_ITEMS), scale: REVIEW_ITEMS.scale.slice(0, 5) };
    assert.throws(() => parseReviewItems(short), /1 to 7/);
  });

  it('reports every missing or out-of-range rating at once, each on its own field', () => {
    const schema = reviewSchema({ withDate: false, now: () => new Date('2026-12-01T10:00:00Z') });
    const form = reviewForm({ 'mental-health': '0', leisure: '8' });
    delete form[helpField('medication')];
    const result = schema.safeParse(form);
    assert.equal(result.success, false);
    const fields = result.error!.issues.map((i) => i.path.join('.'));
    assert.deepEqual(fields, ['rating-mental-health', 'rating-leisure', 'help-medication']);
    assert.ok(schema.safeParse(reviewForm()).success);
  });
});

for (const dialect of testDialects()) {
  describe(`DIALOG-style reviews (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    let personId: string;
    let familyName: string;
    let coordinationId: string;
    let account: TestPersonAccount;
    let personBrowser: Browser;
    let other: { browser: Browser; familyName: string };
    const staff = new Map<Member, Browser>();
    const as = (m: Member) => staff.get(m)!;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createAlliance(t);
      const details = aPerson();
      familyName = details.familyName;
      personId = (await personWithRequest(t, details)).personId;
      coordinationId = await openCoordination(t.platform, a.hubPractitioner.actor, personId, { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [] });
      account = await createTestPersonAccount(t.db, t.clock, { personId, organisationId: a.organisationId });
      personBrowser = new Browser(t.app);
      await signInPerson(personBrowser, t.db, account.email);
      const otherDetails = aPerson({ givenName: 'Robin' });
      const otherPerson = await personWithRequest(t, otherDetails);
      const otherAccount = await createTestPersonAccount(t.db, t.clock, { personId: otherPerson.personId, organisationId: a.organisationId });
      other = { browser: new Browser(t.app), familyName: otherDetails.familyName };
      await signInPerson(other.browser, t.db, otherAccount.email);
      for (const m of [a.hubPractitioner, a.outsider, a.commissioner]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        staff.set(m, b);
      }
    });
    after(async () => {
      await t?.close();
    });

    const auditFor = (action: string) => t.db.read.selectFrom('audit_events').select(['person_id', 'actor_user_id', 'actor_team_id', 'outcome']).where('action', '=', action).execute();

    it('a practitioner records a review with the person: it is saved, audited, and shown in the chart and its table', async () => {
      const b = as(a.hubPractitioner);
      const form = await b.get(paths.reviewNew(coordinationId));
      assert.equal(form.statusCode, 200);
      assert.ok(form.body.includes(familyName), 'the caption names the person');
      assert.match(form.body, /How satisfied are you with your mental health\?/);
      assert.match(form.body, /name="reviewedOn\[day\]"[^>]*value="1"/, 'today is filled in');
      const res = await b.post(
        paths.reviewNew(coordinationId),
        reviewForm({ 'mental-health': '2', accommodation: '6', medication: '5' }, { 'mental-health': 'yes', 'practical-help': 'yes' }, { 'reviewedOn[day]': '20', 'reviewedOn[month]': '11', 'reviewedOn[year]': '2026', comment: 'Sleeping better since the move.' }),
      );
      assert.equal(res.statusCode, 400, 'the review date is before coordination opened');
      assert.match(res.body, /The date of the review must be on or after the day care coordination opened/);

      const ok = await b.post(
        paths.reviewNew(coordinationId),
        reviewForm({ 'mental-health': '2', accommodation: '6', medication: '5' }, { 'mental-health': 'yes', 'practical-help': 'yes' }, { 'reviewedOn[day]': '1', 'reviewedOn[month]': '12', 'reviewedOn[year]': '2026', comment: 'Sleeping better since the move.' }),
      );
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, paths.reviews(coordinationId));
      const review = await t.db.read.selectFrom('care_reviews').select(['id', 'person_id', 'entered_by', 'entered_by_role', 'team_id', 'privacy_label', 'items_version']).where('coordination_id', '=', coordinationId).executeTakeFirstOrThrow();
      assert.deepEqual(
        { ...review, id: undefined },
        { id: undefined, person_id: personId, entered_by: a.hubPractitioner.userId, entered_by_role: 'practitioner', team_id: a.hubTeamId, privacy_label: 'mental-health', items_version: REVIEW_ITEMS.version },
      );
      const ratings = await t.db.read.selectFrom('care_review_ratings').select(['item_key', 'rating', 'wants_more_help']).where('review_id', '=', review.id).execute();
      assert.equal(ratings.length, 11);
      assert.deepEqual(
        ratings.find((r) => r.item_key === 'mental-health'),
        { item_key: 'mental-health', rating: 2, wants_more_help: 1 },
      );

      const page = await b.get(paths.reviews(coordinationId));
      assert.equal(page.statusCode, 200);
      const table = tableOf(page.body);
      assert.deepEqual(table.get('mental-health'), [{ review: review.id, text: '2, wants more help' }]);
      assert.deepEqual(table.get('accommodation'), [{ review: review.id, text: '6' }]);
      assert.equal(pointsOf(page.body).get(`mental-health|${review.id}`), '2|yes');
      assert.match(page.body, /More help wanted/);
      assert.match(page.body, /Mental health, Practical help/);
      assert.match(page.body, /Sleeping better since the move\./);
      const recorded = await auditFor('care.review.record');
      assert.deepEqual(recorded, [{ person_id: personId, actor_user_id: a.hubPractitioner.userId, actor_team_id: a.hubTeamId, outcome: 'success' }]);
      assert.ok((await auditFor('care.reviews.view')).some((e) => e.person_id === personId && e.actor_user_id === a.hubPractitioner.userId));
      assert.ok((await auditFor('care.review.form.view')).some((e) => e.person_id === personId));
    });

    it('refuses a rating out of range or missing with an error summary, keeping everything entered, and saves nothing', async () => {
      const b = as(a.hubPractitioner);
      await b.get(paths.reviewNew(coordinationId));
      const before = await t.db.read.selectFrom('care_reviews').select(['id']).execute();
      const form = reviewForm({ 'mental-health': '9', leisure: '6' }, { leisure: 'yes' }, { comment: 'Kept as typed' });
      delete form[ratingField('friendships')];
      const res = await b.post(paths.reviewNew(coordinationId), form);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /href="#rating-mental-health"[^>]*>\s*Select a rating from 1 to 7 for mental health/);
      assert.match(res.body, /href="#rating-friendships"[^>]*>\s*Select a rating from 1 to 7 for friendships/);
      assert.match(res.body, /<title>Error: /);
      assert.match(res.body, /id="rating-leisure-6"[^>]*value="6"[^>]*checked/, 'the rating chosen is still chosen');
      assert.match(res.body, /id="help-leisure"[^>]*value="yes"[^>]*checked/, 'the answer to "more help?" is kept');
      assert.ok(res.body.includes('Kept as typed'));
      assert.equal((await t.db.read.selectFrom('care_reviews').select(['id']).execute()).length, before.length);
    });

    it('the chart on the page is well-formed SVG, one image with a title and description, and its numbers are the table’s', async () => {
      t.clock.advanceMinutes(1);
      const b = as(a.hubPractitioner);
      await b.get(paths.reviewNew(coordinationId));
      assert.equal((await b.post(paths.reviewNew(coordinationId), reviewForm({ 'mental-health': '3', accommodation: '7' }, { accommodation: 'yes' }))).statusCode, 303);
      const page = await b.get(paths.reviews(coordinationId));
      assert.match(page.body, /<svg[^>]*role="img"[^>]*aria-labelledby="trend-[^"]+-title trend-[^"]+-desc"/);
      const points = pointsOf(page.body);
      const fromTable = new Map<string, string>();
      for (const [item, cells] of tableOf(page.body)) {
        for (const c of cells) {
          const m = /^(\d)(, wants more help)?$/.exec(c.text);
          if (m) fromTable.set(`${item}|${c.review}`, `${m[1]}|${m[2] ? 'yes' : 'no'}`);
        }
      }
      assert.equal(points.size, 22, 'two reviews of eleven items');
      assert.deepEqual(points, fromTable);
    });

    it('the person sees their reviews and the trend in their portal, and adds their own, entered by them', async () => {
      t.clock.advanceMinutes(1);
      const mine = await personBrowser.get(paths.myReviews);
      assert.equal(mine.statusCode, 200);
      assert.equal(tableOf(mine.body).get('mental-health')?.length, 2);
      assert.match(mine.body, /Say how things are going/);
      assert.ok((await auditFor('care.portal.reviews.view')).some((e) => e.person_id === personId && e.actor_user_id === account.userId));

      const form = await personBrowser.get(paths.myReviewNew);
      assert.equal(form.statusCode, 200);
      assert.doesNotMatch(form.body, /reviewedOn/, 'the person’s review is today’s');
      assert.ok((await auditFor('care.portal.review.form.view')).some((e) => e.person_id === personId && e.actor_user_id === account.userId));
      const bad = await personBrowser.post(paths.myReviewNew, { ...reviewForm({ 'physical-health': 'x' }), comment: 'My own words' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Select a rating from 1 to 7 for physical health/);
      assert.ok(bad.body.includes('My own words'));
      const res = await personBrowser.post(paths.myReviewNew, { ...reviewForm({ 'mental-health': '5' }, { 'mental-health': 'yes' }), comment: 'My own words', privacyLabel: 'general' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, paths.myReviews);
      const saved = await t.db.read.selectFrom('care_reviews').select(['id', 'entered_by', 'entered_by_role', 'team_id', 'privacy_label']).where('entered_by_role', '=', 'person').where('person_id', '=', personId).executeTakeFirstOrThrow();
      assert.equal(saved.entered_by, account.userId);
      assert.equal(saved.team_id, null);
      assert.equal(saved.privacy_label, 'general');
      assert.ok((await auditFor('care.portal.review.record')).some((e) => e.person_id === personId && e.actor_user_id === account.userId));
      // Someone is told: the key worker gets a task to talk it through, by the end of the next working day.
      const task = await t.db.read.selectFrom('tasks').select(['team_id', 'assignee_id', 'person_id', 'title', 'detail', 'source', 'due_at', 'status']).where('source_kind', '=', 'review-follow-up').where('source_id', '=', saved.id).executeTakeFirstOrThrow();
      assert.deepEqual(task, {
        team_id: a.hubTeamId,
        assignee_id: a.hubPractitioner.userId,
        person_id: personId,
        title: 'Talk through a review the person entered online: they want more help',
        detail: 'More help wanted with: mental health.',
        source: 'care',
        due_at: '2026-12-02T17:00:00.000Z',
        status: 'open',
      });
      const after = await personBrowser.get(paths.myReviews);
      assert.deepEqual(
        tableOf(after.body).get('mental-health')?.map((c) => c.text),
        ['2, wants more help', '3', '5, wants more help'],
      );
      assert.match(after.body, /Entered by you in your online record/);
      // The practitioner's page shows it too.
      assert.equal(tableOf((await as(a.hubPractitioner).get(paths.reviews(coordinationId))).body).get('mental-health')?.length, 3);
    });

    it('what the person writes in their record makes a task for the key worker, with none of its words (H19)', async () => {
      const words = 'Can we talk about my medication at the next meeting? I keep forgetting the evening dose.';
      await personBrowser.get(peoplePaths.myEntries);
      const res = await personBrowser.post(peoplePaths.myEntries, { body: words });
      assert.equal(res.statusCode, 303);
      const entry = await t.db.read.selectFrom('person_entries').select(['id']).where('person_id', '=', personId).executeTakeFirstOrThrow();
      const task = await t.db.read.selectFrom('tasks').select(['team_id', 'assignee_id', 'person_id', 'title', 'detail', 'source', 'due_at', 'status']).where('source_kind', '=', 'own-entry').where('source_id', '=', entry.id).executeTakeFirstOrThrow();
      assert.deepEqual(task, {
        team_id: a.hubTeamId,
        assignee_id: a.hubPractitioner.userId,
        person_id: personId,
        title: 'Read what the person wrote in their record',
        detail: 'They wrote it online, in their own words; it is on their record’s timeline. Talk it through with them.',
        source: 'care',
        due_at: '2026-12-02T17:00:00.000Z',
        status: 'open',
      });
      assert.doesNotMatch(JSON.stringify(task), /medication|evening dose/);
      // Someone no team coordinates care for writes too: the entry is kept, and no task is made for anyone.
      const before = (await t.db.read.selectFrom('tasks').select(['id']).execute()).length;
      await other.browser.get(peoplePaths.myEntries);
      assert.equal((await other.browser.post(peoplePaths.myEntries, { body: 'Just saying hello.' })).statusCode, 303);
      assert.equal((await t.db.read.selectFrom('tasks').select(['id']).execute()).length, before);
    });

    it('words that may mean risk make the key worker’s task due within the hour, naming the risk and not the words (H19)', async () => {
      t.clock.advanceMinutes(1);
      await personBrowser.get(peoplePaths.myEntries);
      const res = await personBrowser.post(peoplePaths.myEntries, { body: 'I am not feeling safe at home tonight.' });
      assert.equal(res.headers.location, `${peoplePaths.myEntries}?added=urgent`);
      const entry = await t.db.read.selectFrom('person_entries').select(['id', 'written_at']).where('person_id', '=', personId).orderBy('written_at', 'desc').executeTakeFirstOrThrow();
      const task = await t.db.read.selectFrom('tasks').select(['assignee_id', 'title', 'detail', 'due_at']).where('source_kind', '=', 'own-entry').where('source_id', '=', entry.id).executeTakeFirstOrThrow();
      assert.equal(task.assignee_id, a.hubPractitioner.userId);
      assert.equal(task.due_at, new Date(new Date(entry.written_at).getTime() + 3_600_000).toISOString(), 'within the hour, not the end of the next working day');
      assert.equal(task.title, 'Read now what the person wrote in their record: the words may mean risk (Immediate danger)');
      assert.match(String(task.detail), /A team that works day and night has been told too/);
      assert.doesNotMatch(JSON.stringify(task), /safe at home/);
    });

    it('a review saying the person does not feel safe shows them at once what to do now, and the task says so (H18)', async () => {
      await personBrowser.get(paths.myReviewNew);
      const res = await personBrowser.post(paths.myReviewNew, { ...reviewForm({ 'personal-safety': '1' }), privacyLabel: 'general' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `${paths.myReviews}?saved=unsafe`);
      const page = await personBrowser.get(String(res.headers.location));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /You said you do not feel safe/);
      // The callout's own words and numbers (the crisis panel of every page has numbers too).
      const callout = page.body.slice(page.body.indexOf('You said you do not feel safe'), page.body.indexOf('At each review you say'));
      assert.match(callout, /Thank you for telling us/);
      const { crisis } = t.platform.config;
      for (const n of [crisis.emergency, crisis.nhs111, crisis.samaritans]) assert.ok(callout.includes(`href="tel:${n.replace(/ /g, '')}"`), `calls ${n}`);
      assert.ok(page.body.indexOf('You said you do not feel safe') > page.body.indexOf('<h1'), 'after the page heading');
      const saved = await t.db.read.selectFrom('care_reviews').select(['id']).where('entered_by_role', '=', 'person').where('person_id', '=', personId).orderBy('reviewed_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
      const task = await t.db.read.selectFrom('tasks').select(['title']).where('source_kind', '=', 'review-follow-up').where('source_id', '=', saved.id).executeTakeFirstOrThrow();
      assert.equal(task.title, 'Talk through a review the person entered online: they rated their personal safety low');
      // …and a team that works round the clock hears of it (their open front door request says so), without a second task.
      const heard = await t.db.read.selectFrom('request_events').innerJoin('requests', 'requests.id', 'request_events.request_id').select(['request_events.detail']).where('requests.person_id', '=', personId).where('request_events.kind', '=', 'person-entry').execute();
      assert.ok(heard.some((e) => { const d = JSON.parse(String(e.detail)); return d.reviewId === saved.id && d.riskLevel === 'medium'; }), 'their request hears of it');
      assert.equal((await t.db.read.selectFrom('tasks').select(['id']).where('source_kind', '=', 'own-entry').where('source_id', '=', saved.id).execute()).length, 0, 'no second task');
      // A rating of 3 is not read as unsafe, and the page then says nothing of it.
      await personBrowser.get(paths.myReviewNew);
      const fine = await personBrowser.post(paths.myReviewNew, { ...reviewForm({ 'personal-safety': '3' }), privacyLabel: 'general' });
      assert.equal(fine.headers.location, paths.myReviews);
      assert.doesNotMatch((await personBrowser.get(paths.myReviews)).body, /You said you do not feel safe/);
    });

    it('a review saying the person does not feel safe, with nobody round the clock watching, opens an urgent front door request (H18)', async () => {
      // Their request has been answered (contacted): its target no longer watches them.
      const asked = await personWithRequest(t, aPerson());
      const alone = asked.personId;
      await as(a.hubPractitioner).get(frontDoorPaths.request(asked.id));
      assert.equal((await as(a.hubPractitioner).post(`${frontDoorPaths.request(asked.id)}/attempts`, { method: 'phone', result: 'reached', note: 'Talked it through.' })).headers.location, frontDoorPaths.request(asked.id));
      await openCoordination(t.platform, a.hubPractitioner.actor, alone, { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [] });
      const theirs = await createTestPersonAccount(t.db, t.clock, { personId: alone, organisationId: a.organisationId });
      const b = new Browser(t.app);
      await signInPerson(b, t.db, theirs.email);
      await b.get(paths.myReviewNew);
      const res = await b.post(paths.myReviewNew, { ...reviewForm({ 'personal-safety': '1' }), privacyLabel: 'general' });
      assert.equal(res.headers.location, `${paths.myReviews}?saved=unsafe`);
      const review = await t.db.read.selectFrom('care_reviews').select(['id']).where('person_id', '=', alone).executeTakeFirstOrThrow();
      const requests = await t.db.read.selectFrom('requests').select(['id', 'urgency', 'risk_level', 'story', 'team_id', 'contact_target_at']).where('person_id', '=', alone).where('id', '!=', asked.id).execute();
      assert.equal(requests.length, 1, 'a new request');
      assert.equal(requests[0]!.urgency, 'urgent');
      assert.equal(requests[0]!.risk_level, 'medium');
      assert.equal(requests[0]!.story, OWN_REVIEW_STORY);
      assert.equal(requests[0]!.team_id, a.hubTeamId);
      assert.equal(requests[0]!.contact_target_at, new Date(t.clock.now().getTime() + 4 * 3_600_000).toISOString(), 'four hours');
      const opened = await t.db.read.selectFrom('request_events').select(['detail']).where('request_id', '=', requests[0]!.id).where('kind', '=', 'submitted').executeTakeFirstOrThrow();
      assert.equal(JSON.parse(String(opened.detail)).reviewId, review.id);
      const page = await as(a.hubPractitioner).get(frontDoorPaths.request(requests[0]!.id));
      assert.match(page.body, /opened by the front door for a review in which the person rated their personal safety low/);
    });

    it('a review saying the person does not feel safe puts a line on their open crisis episode, and opens no request (H18)', async () => {
      const asked = await personWithRequest(t, aPerson());
      await as(a.hubPractitioner).get(frontDoorPaths.request(asked.id));
      await as(a.hubPractitioner).post(`${frontDoorPaths.request(asked.id)}/attempts`, { method: 'phone', result: 'reached', note: 'Talked it through.' });
      await openCoordination(t.platform, a.hubPractitioner.actor, asked.personId, { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [] });
      const crisisTeamId = await t.db.write((tx) => createTeam(tx, t.clock.now(), { organisationId: a.organisationId, name: 'Crisis team for reviews', kind: 'crisis', openingHours: null }));
      const episode = await t.db.write((tx) => openCrisisEpisode(t.platform, tx, { source: 'phone', priority: 'urgent', summary: 'Worried about tonight.', personId: asked.personId, teamId: crisisTeamId, openedBy: a.hubPractitioner.userId }));
      const theirs = await createTestPersonAccount(t.db, t.clock, { personId: asked.personId, organisationId: a.organisationId });
      const b = new Browser(t.app);
      await signInPerson(b, t.db, theirs.email);
      await b.get(paths.myReviewNew);
      assert.equal((await b.post(paths.myReviewNew, { ...reviewForm({ 'personal-safety': '2' }), privacyLabel: 'general' })).headers.location, `${paths.myReviews}?saved=unsafe`);
      const lines = await t.db.read.selectFrom('crisis_episode_actions').select(['text']).where('episode_id', '=', episode.id).where('kind', '=', 'person-entry').execute();
      assert.deepEqual(lines, [{ text: 'In a review they entered online, they rated their personal safety low (on their record’s timeline)' }]);
      const raised = await t.db.read.selectFrom('requests').select(['id']).where('person_id', '=', asked.personId).where('id', '!=', asked.id).execute();
      assert.deepEqual(raised, [], 'the crisis team is watching: no request');
    });

    it('a network member sees only the reviews with a label of theirs', async () => {
      const { memberId } = await addMember(t.platform, a.hubPractitioner.actor, personId, { name: 'Chris Brother', relationship: 'family', labels: ['mental-health'], consentMethod: 'in-person' }, null);
      const user = await createTestUser(t.db, t.clock, { role: 'network-member', organisationId: a.organisationId });
      await t.db.write((tx) => markJoined(tx, t.clock.now(), memberId, user.userId));
      const chris = new Browser(t.app);
      await signIn(chris, user, t.clock);
      const page = await chris.get(paths.sharedReviews(personId, 'mental-health'));
      assert.equal(page.statusCode, 200);
      // The two reviews labelled mental health, not the person's own labelled general.
      assert.deepEqual(
        tableOf(page.body).get('mental-health')?.map((c) => c.text),
        ['2, wants more help', '3'],
      );
      assert.equal((await chris.get(paths.sharedReviews(personId, 'general'))).statusCode, 404, 'not a label of theirs');
      assert.ok((await auditFor('care.reviews.network.view')).some((e) => e.person_id === personId && e.actor_user_id === user.userId));
    });

    it('the coordination’s page links to its reviews and meetings', async () => {
      const page = await as(a.hubPractitioner).get(paths.coordination(coordinationId));
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(`href="${paths.reviews(coordinationId)}"`));
      assert.ok(page.body.includes(`href="${paths.meetings(coordinationId)}"`));
    });

    it('shows each review on the person record’s timeline', async () => {
      const page = await as(a.hubPractitioner).get(peoplePaths.person(personId));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Review of how things are going, with the person/);
      assert.match(page.body, /Review of how things are going, entered by the person/);
    });

    it('another team, a commissioner and another person see nothing of it (404); the other person sees only their own', async () => {
      for (const m of [a.outsider, a.commissioner]) {
        for (const url of [paths.reviews(coordinationId), paths.reviewNew(coordinationId)]) {
          const res = await as(m).get(url);
          assert.equal(res.statusCode, 404, `${m.role} ${url}`);
          assert.ok(!res.body.includes(familyName));
        }
        await as(m).get('/sign-out'); // a page with a form: its CSRF token
        const post = await as(m).post(paths.reviewNew(coordinationId), reviewForm());
        assert.equal(post.statusCode, 404, `${m.role} cannot post`);
      }
      for (const url of [paths.reviews(coordinationId), paths.reviewNew(coordinationId)]) assert.equal((await personBrowser.get(url)).statusCode, 404, 'the person uses their portal');
      const theirs = await other.browser.get(paths.myReviews);
      assert.equal(theirs.statusCode, 200);
      assert.match(theirs.body, /You have no reviews yet/);
      assert.ok(!theirs.body.includes('app-trend-chart'), 'no chart');
      assert.match(theirs.body, /You can add a review here while a team is coordinating your care/);
      const form = await other.browser.get(paths.myReviewNew);
      assert.match(form.body, /No team is coordinating your care at the moment/);
      await other.browser.get('/sign-out'); // the form page has no form now: a token from another page
      assert.equal((await other.browser.post(paths.myReviewNew, reviewForm())).statusCode, 409, 'nothing to add a review to');
      assert.equal((await as(a.hubPractitioner).get(paths.myReviews)).statusCode, 404, 'staff have no portal');
      const anonymous = await t.app.inject({ method: 'GET', url: paths.reviews(coordinationId) });
      assert.notEqual(anonymous.statusCode, 200);
    });

    it('refuses a review of a closed coordination', async () => {
      const details = aPerson();
      const id = (await personWithRequest(t, details)).personId;
      const closing = await openCoordination(t.platform, a.hubPractitioner.actor, id, { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [] });
      await closeCoordination(t.platform, a.hubPractitioner.actor, closing, { reason: 'Moved away', version: 1 }, async () => {});
      const b = as(a.hubPractitioner);
      const page = await b.get(paths.reviews(closing));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /This care coordination is closed/);
      assert.equal((await b.get(paths.reviewNew(closing))).statusCode, 409);
    });
  });
}
