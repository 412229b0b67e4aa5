// Crisis episodes (issue 6, item 1): opened from the crisis-line form (unnamed), a walk-in, and a
// front door decision in the same unit of work; targets and their timers (warning, escalation);
// responders, the action log, linking a person; closing refused without an outcome, and closing with
// one makes the follow-up and asks the person; access for other teams and roles.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { NotFoundError } from '../../platform/http/problems.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestPersonAccount, signIn, signInPerson } from '../../testing/auth.ts';
import { decide } from '../front-door/queue.ts';
import { frontDoorRiskFlags } from '../front-door/risk-flag-store.ts';
import { accessTo, peoplePaths } from '../people/index.ts';
import { aPerson, type Member, personWithRequest } from '../people/testing.ts';
import { normaliseEpisodeReference } from './episode-store.ts';
import { type CrisisAlliance, createCrisisAlliance, messagesTo } from './episode-testing.ts';
import { addShift } from './board.ts';
import { addNote, closeEpisode, markResponded, openEpisode, openEpisodeIn } from './episodes.ts';
import { paths } from './paths.ts';
import { crisisRiskFlags } from './risk-flag-store.ts';

for (const dialect of testDialects()) {
  describe(`crisis episodes (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: CrisisAlliance;
    // A browser per member, signed in again when the test clock has moved past the session's idle time.
    const browsers = new Map<Member, { b: Browser; at: number }>();
    async function as(m: Member): Promise<Browser> {
      const now = t.clock.now().getTime();
      const known = browsers.get(m);
      if (known && now >= known.at && now - known.at < 10 * 60_000) {
        known.at = now;
        return known.b;
      }
      const b = new Browser(t.app);
      await signIn(b, m, t.clock);
      browsers.set(m, { b, at: now });
      return b;
    }

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createCrisisAlliance(t);
    });
    after(async () => {
      await t?.close();
    });

    const episode = (id: string) => t.db.read.selectFrom('crisis_episodes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const actions = async (id: string) => (await t.db.read.selectFrom('crisis_episode_actions').select('kind').where('episode_id', '=', id).orderBy('at').orderBy('id').execute()).map((r) => r.kind);
    const idFrom = (location: unknown) => String(location).split('/').pop()!;
    /** The page's text with its markup's whitespace collapsed, for matching. */
    const squash = (html: string) => html.replace(/\s+/g, ' ').replace(/> </g, '><');

    it('opens an episode from the crisis-line form with the caller unnamed, timed from the call, and shows it', async () => {
      const b = await as(a.crisisPractitioner);
      const form = await b.get(paths.episodeNew);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Respond within 4 hours/);
      const res = await b.post(paths.episodeNew, {
        priority: 'very-urgent',
        summary: 'Caller says her brother has not slept for days and is talking about ending his life.',
        callerDescription: 'Woman, his sister, calling from work',
        callbackPhone: '07700 900 123',
        postcode: 'SE11 5QY',
        source: 'phone',
        respondMyself: 'yes',
      });
      assert.equal(res.statusCode, 303);
      const e = await episode(idFrom(res.headers.location));
      assert.equal(e.person_id, null);
      assert.equal(e.source, 'phone');
      assert.equal(e.team_id, a.crisisTeamId);
      assert.equal(e.postcode_district, 'SE11', 'only the district is kept');
      assert.equal(e.callback_phone, '07700900123');
      assert.equal(e.target_at, '2026-12-01T14:00:00.000Z', 'very urgent: 4 hours from the call');
      assert.ok(normaliseEpisodeReference(e.reference), 'the reference carries a valid check character');
      assert.deepEqual(await actions(e.id), ['opened', 'responder-added']);
      const page = await b.get(paths.episode(e.id));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Not named yet: Woman, his sister, calling from work/);
      assert.match(page.body, /4 hours left/);
    });

    it('refuses a form without a priority or a summary, with an error summary, and keeps what was typed', async () => {
      const b = await as(a.crisisPractitioner);
      await b.get(paths.episodeNew);
      const res = await b.post(paths.episodeNew, { summary: '', callerDescription: 'Man calling from a phone box', postcode: 'not a postcode', source: 'phone' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(squash(res.body), /href="#priority"> ?Choose the priority/);
      assert.match(squash(res.body), /href="#summary"> ?Enter what is happening/);
      assert.match(res.body, /Enter a postcode or the first half of one/);
      assert.match(res.body, /value="Man calling from a phone box"/);
    });

    it('opens an episode for a walk-in at a sanctuary, and one from a police referral', async () => {
      const b = await as(a.crisisPractitioner);
      const form = await b.get(`${paths.episodeNew}?source=walk-in`);
      assert.match(form.body, /value="walk-in" checked/);
      const walkIn = await b.post(paths.episodeNew, { priority: 'urgent', summary: 'Walked in distressed after an argument at home.', source: 'walk-in', sourceDetail: 'Brixton Evening Sanctuary' });
      const police = await b.post(paths.episodeNew, { priority: 'emergency', summary: 'Police found him on the bridge; now at the station, calm.', source: 'police', sourceDetail: 'Lambeth police, section 136 suite' });
      const w = await episode(idFrom(walkIn.headers.location));
      const p = await episode(idFrom(police.headers.location));
      assert.equal(w.source, 'walk-in');
      assert.equal(w.source_detail, 'Brixton Evening Sanctuary');
      assert.equal(new Date(w.target_at).getTime() - new Date(w.first_contact_at).getTime(), 24 * 3_600_000, 'urgent: 24 hours');
      assert.equal(p.source, 'police');
      assert.equal(new Date(p.target_at).getTime() - new Date(p.first_contact_at).getTime(), 3_600_000, 'emergency: 1 hour');
    });

    it('opens an episode from a front door crisis decision in the same unit of work, timed from the request, and the crisis team is then involved with the person', async () => {
      const request = await personWithRequest(t, aPerson({ postcode: 'SW9 9SL' }));
      t.clock.advance(30 * 60_000);
      assert.equal(await accessTo(t.platform, t.db.read, a.crisisPractitioner.actor, request.personId), null, 'not involved before the decision');
      await decide(t.platform, a.hubPractitioner.actor, request.id, { kind: 'crisis', reason: 'Says he has a plan for tonight', priority: 'emergency' });
      const e = await t.db.read.selectFrom('crisis_episodes').selectAll().where('request_id', '=', request.id).executeTakeFirstOrThrow();
      const r = await t.db.read.selectFrom('requests').select(['created_at', 'status', 'decision_detail']).where('id', '=', request.id).executeTakeFirstOrThrow();
      assert.equal(e.person_id, request.personId);
      assert.equal(e.source, 'front-door');
      assert.equal(e.priority, 'emergency');
      assert.equal(e.team_id, a.crisisTeamId);
      assert.equal(e.first_contact_at, r.created_at, 'first contact is when the front door received the request');
      assert.equal(new Date(e.target_at).getTime() - new Date(r.created_at).getTime(), 3_600_000);
      assert.equal(e.postcode_district, 'SW9');
      assert.equal(r.status, 'arranging');
      assert.match(String(r.decision_detail), new RegExp(e.reference));
      const access = await accessTo(t.platform, t.db.read, a.crisisPractitioner.actor, request.personId);
      assert.ok(access?.involvements.some((i) => i.source === 'crisis' && i.kind === 'episode'), 'the open episode makes the crisis team involved');
      const audit = await t.db.read.selectFrom('audit_events').select(['action', 'actor_user_id']).where('person_id', '=', request.personId).where('action', '=', 'crisis.episode.open').execute();
      assert.deepEqual(audit, [{ action: 'crisis.episode.open', actor_user_id: a.hubPractitioner.userId }]);
      // The person's record shows the episode in its timeline.
      const record = await (await as(a.crisisPractitioner)).get(`/people/${request.personId}`);
      assert.equal(record.statusCode, 200);
      assert.match(record.body, new RegExp(`Crisis episode ${e.reference} opened \\(emergency, front door decision\\)`));
    });

    it('flags, for caseloads, high-risk words in an open request and then the open episode a crisis decision makes', async () => {
      const request = await personWithRequest(t, aPerson(), { story: 'I am thinking of ending my life tonight and I have a plan.' });
      const calm = await personWithRequest(t, aPerson());
      const before = await frontDoorRiskFlags(t.db.read, [request.personId, calm.personId]);
      assert.deepEqual([...before.keys()], [request.personId], 'only the person whose words were flagged');
      assert.match(before.get(request.personId)![0]!, /^High risk words in open front door request MH-/);
      assert.equal((await crisisRiskFlags(t.db.read, [request.personId])).size, 0, 'no episode yet');
      await decide(t.platform, a.hubPractitioner.actor, request.id, { kind: 'crisis', reason: 'Plan for tonight' });
      const e = await t.db.read.selectFrom('crisis_episodes').select(['reference']).where('request_id', '=', request.id).executeTakeFirstOrThrow();
      assert.deepEqual((await crisisRiskFlags(t.db.read, [request.personId, calm.personId])).get(request.personId), [`Open crisis episode ${e.reference} (emergency)`]);
    });

    it('takes the crisis priority chosen on the front door request page, and its form shows the suggestion', async () => {
      const request = await personWithRequest(t, aPerson());
      const b = await as(a.hubPractitioner);
      const page = await b.get(`/front-door/requests/${request.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /As suggested \(very urgent\)/, 'no risk flagged: very urgent is suggested');
      const bad = await b.post(`/front-door/requests/${request.id}/decision`, { decision: 'crisis', reason: 'Needs the crisis team today', crisisPriority: 'soon' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /href="#crisisPriority">\s*Choose a crisis priority from the list/);
      assert.match(bad.body, /Needs the crisis team today/, 'what was typed is kept');
      const res = await b.post(`/front-door/requests/${request.id}/decision`, { decision: 'crisis', reason: 'Needs the crisis team today', crisisPriority: 'urgent' });
      assert.equal(res.statusCode, 303);
      const e = await t.db.read.selectFrom('crisis_episodes').select(['priority']).where('request_id', '=', request.id).executeTakeFirstOrThrow();
      assert.equal(e.priority, 'urgent');
    });

    it('opens an emergency episode from a crisis decision on a request whose words flagged a high risk', async () => {
      const request = await personWithRequest(t, aPerson(), { story: 'I am thinking of ending my life tonight and I have a plan.' });
      await decide(t.platform, a.hubPractitioner.actor, request.id, { kind: 'crisis', reason: 'Plan for tonight' });
      const e = await t.db.read.selectFrom('crisis_episodes').select(['priority']).where('request_id', '=', request.id).executeTakeFirstOrThrow();
      assert.equal(e.priority, 'emergency');
    });

    it('warns at three quarters of the target and escalates to the team leads at the target, unless a response was recorded', async () => {
      t.clock.set('2026-12-02T10:00:00.000Z');
      const late = await openEpisode(t.platform, a.crisisPractitioner.actor, { source: 'phone', priority: 'emergency', summary: 'Caller cut off mid-sentence.', respondMyself: true });
      const answered = await openEpisode(t.platform, a.crisisPractitioner.actor, { source: 'phone', priority: 'emergency', summary: 'Calling from A&E waiting room.' });
      t.clock.advance(44 * 60_000);
      await runDueTimers(t.platform);
      assert.equal((await episode(late.id)).warned_at, null, 'not before 45 minutes');
      t.clock.advance(60_000);
      await runDueTimers(t.platform);
      assert.equal((await episode(late.id)).warned_at, '2026-12-02T10:45:00.000Z');
      const warnings = await messagesTo(t, a.crisisPractitioner.email, 'crisis.target-warning');
      assert.ok(warnings.some((m) => String(m.personalisation).includes(late.reference)), 'the responder is warned');
      await markResponded(t.platform, a.crisisColleague.actor, answered.id, { how: 'Phoned back and arranged a visit' });
      t.clock.advance(15 * 60_000);
      await runDueTimers(t.platform);
      const e = await episode(late.id);
      assert.equal(e.escalated_at, '2026-12-02T11:00:00.000Z');
      assert.equal((await episode(answered.id)).escalated_at, null, 'a response in time is not escalated');
      const breaches = await messagesTo(t, a.crisisLead.email, 'crisis.target-breach');
      assert.equal(breaches.filter((m) => String(m.personalisation).includes(late.reference)).length, 1);
      assert.ok(!breaches.some((m) => String(m.personalisation).includes(answered.reference)));
      assert.ok(!String(breaches[0]!.personalisation).includes('Caller cut off'), 'no clinical detail in staff email');
      assert.deepEqual((await actions(late.id)).slice(-2), ['target-warning', 'target-breached']);
      const page = await (await as(a.crisisPractitioner)).get(paths.episode(late.id));
      assert.match(page.body, /nhsuk-tag--red">Overdue by 1 minute|nhsuk-tag--red">Overdue by less than a minute/);
    });

    it('puts an entry the person writes in their record on the action log of their open episode, without the words (H19)', async () => {
      const { personId } = await personWithRequest(t, aPerson({ postcode: 'SW9 9SL' }));
      const open = (summary: string) => t.db.write((tx) => openEpisodeIn(t.platform, tx, { source: 'phone', priority: 'urgent', summary, personId, teamId: a.crisisTeamId, openedBy: a.crisisPractitioner.userId }));
      const e = await open('Worried about tonight.');
      const closed = await open('An earlier call.');
      await closeEpisode(t.platform, a.crisisPractitioner.actor, closed.id, { outcome: 'resolved-at-home', note: 'Talked it through.' });
      const account = await createTestPersonAccount(t.db, t.clock, { personId, organisationId: a.organisationId });
      const person = new Browser(t.app);
      await signInPerson(person, t.db, account.email);
      await person.get(peoplePaths.myEntries);
      assert.equal((await person.post(peoplePaths.myEntries, { body: 'I am scared about tonight.' })).statusCode, 303);
      const logged = (id: string) => t.db.read.selectFrom('crisis_episode_actions').select(['by_user_id', 'text']).where('episode_id', '=', id).where('kind', '=', 'person-entry').execute();
      assert.deepEqual(await logged(e.id), [{ by_user_id: account.userId, text: null }]);
      assert.deepEqual(await logged(closed.id), [], 'not on a closed episode');
      const page = await (await as(a.crisisPractitioner)).get(paths.episode(e.id));
      assert.match(page.body, /The person wrote in their own record/);
    });

    it('changing the priority sets a new target from first contact, and the old timers do nothing', async () => {
      t.clock.set('2026-12-03T10:00:00.000Z');
      const e = await openEpisode(t.platform, a.crisisPractitioner.actor, { source: 'phone', priority: 'urgent', summary: 'Low mood, worried about tonight.' });
      const b = await as(a.crisisPractitioner);
      await b.get(paths.episode(e.id));
      const res = await b.post(paths.episodeAction(e.id, 'priority'), { priority: 'very-urgent', reason: 'Called back: now has a plan' });
      assert.equal(res.statusCode, 303);
      assert.equal((await episode(e.id)).target_at, '2026-12-03T14:00:00.000Z');
      t.clock.advance(4 * 3_600_000 + 60_000);
      await runDueTimers(t.platform);
      assert.equal((await episode(e.id)).escalated_at, '2026-12-03T14:01:00.000Z', 'the new target escalates');
    });

    it('lets a crisis team lead change the response targets, for episodes opened afterwards, and nobody else', async () => {
      t.clock.set('2026-12-03T12:00:00.000Z');
      const lead = await as(a.crisisLead);
      const form = await lead.get(paths.targets);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Default: 4 hours/);
      const before = await openEpisode(t.platform, a.crisisPractitioner.actor, { source: 'phone', priority: 'very-urgent', summary: 'Before the change.' });
      const wrongOrder = await lead.post(paths.targets, { emergency: '60', 'very-urgent': '30', urgent: '1440', routine: '4320' });
      assert.equal(wrongOrder.statusCode, 400);
      assert.match(wrongOrder.body, /as long as the one above it or longer/);
      const notANumber = await lead.post(paths.targets, { emergency: 'soon', 'very-urgent': '180', urgent: '1440', routine: '4320' });
      assert.equal(notANumber.statusCode, 400);
      assert.match(notANumber.body, /Enter the emergency target in minutes/);
      const saved = await lead.post(paths.targets, { emergency: '60', 'very-urgent': '180', urgent: '1440', routine: '4320' });
      assert.equal(saved.statusCode, 303);
      const after = await openEpisode(t.platform, a.crisisPractitioner.actor, { source: 'phone', priority: 'very-urgent', summary: 'After the change.' });
      assert.equal((await episode(before.id)).target_at, '2026-12-03T16:00:00.000Z', 'an open episode keeps its target');
      assert.equal((await episode(after.id)).target_at, '2026-12-03T15:00:00.000Z', '3 hours now');
      assert.deepEqual(await t.db.read.selectFrom('crisis_targets').select(['priority', 'minutes']).execute(), [{ priority: 'very-urgent', minutes: 180 }], 'only the change is kept');
      // Back to the defaults for the tests that follow; the lead of another team and a practitioner cannot.
      await lead.get(paths.targets);
      await lead.post(paths.targets, { emergency: '60', 'very-urgent': '240', urgent: '1440', routine: '4320' });
      assert.equal((await t.db.read.selectFrom('crisis_targets').select('priority').execute()).length, 0);
      assert.equal((await (await as(a.communityLead)).get(paths.targets)).statusCode, 404, 'a lead of another team');
      assert.equal((await (await as(a.crisisPractitioner)).get(paths.targets)).statusCode, 404, 'a practitioner');
    });

    it('refuses to close without an outcome, with an error summary, and closing with one makes the follow-up and asks the person', async () => {
      t.clock.set('2026-12-04T09:00:00.000Z');
      const b = await as(a.crisisPractitioner);
      const opened = await b.post(paths.episodeNew, { priority: 'urgent', summary: 'Panic and thoughts of self-harm.', source: 'phone', respondMyself: 'yes' });
      const id = idFrom(opened.headers.location);
      // Link the person.
      await b.get(paths.episode(id));
      const person = aPerson();
      const bad = await b.post(paths.episodeAction(id, 'person'), { givenName: person.givenName, familyName: '', 'dateOfBirth[day]': '31', 'dateOfBirth[month]': '2', 'dateOfBirth[year]': '1990' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter their last name/);
      const linked = await b.post(paths.episodeAction(id, 'person'), {
        givenName: person.givenName,
        familyName: person.familyName,
        'dateOfBirth[day]': '27',
        'dateOfBirth[month]': '3',
        'dateOfBirth[year]': '1990',
        postcode: 'SW9 9SL',
        phone: '07700 900 456',
      });
      assert.equal(linked.statusCode, 303);
      const named = await episode(id);
      assert.ok(named.person_id);
      assert.equal(named.postcode_district, 'SW9');
      // Close without an outcome: refused, still open.
      const page = await b.get(paths.episode(id));
      assert.match(page.body, /safety plan/i, 'the safety plan is on the episode page');
      const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
      const refused = await b.post(paths.episodeAction(id, 'close'), { version, note: 'Settled' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /There is a problem/);
      assert.match(squash(refused.body), /href="#outcome"> ?Choose the outcome before closing the episode/);
      assert.match(refused.body, /Settled<\/textarea>/, 'what was typed is kept');
      assert.equal((await episode(id)).status, 'open');
      // The domain refuses too, whatever the caller.
      await assert.rejects(closeEpisode(t.platform, a.crisisPractitioner.actor, id, { outcome: null }), /Choose the outcome/);
      // Close with an outcome.
      const closed = await b.post(paths.episodeAction(id, 'close'), { version, outcome: 'resolved-at-home', note: 'Settled with a plan for the night' });
      assert.equal(closed.statusCode, 303);
      const e = await episode(id);
      assert.equal(e.status, 'closed');
      assert.equal(e.outcome, 'resolved-at-home');
      assert.equal(e.closed_by, a.crisisPractitioner.userId);
      const task = await t.db.read.selectFrom('tasks').selectAll().where('source', '=', 'crisis').where('person_id', '=', named.person_id!).executeTakeFirstOrThrow();
      assert.equal(task.source_kind, 'crisis-follow-up');
      assert.equal(task.team_id, a.crisisTeamId);
      assert.equal(task.due_at, '2026-12-07T09:00:00.000Z', '72 hours after closing');
      const asked = await messagesTo(t, '07700900456', 'crisis.feedback-request');
      assert.equal(asked.length, 1);
      assert.equal(asked[0]!.person_id, named.person_id);
      const audit = await t.db.read.selectFrom('audit_events').select('action').where('person_id', '=', named.person_id).orderBy('seq').execute();
      for (const action of ['crisis.episode.link-person', 'crisis.episode.view', 'crisis.episode.close', 'crisis.follow-up.create']) {
        assert.ok(audit.some((x) => x.action === action), `${action} is audited with the person`);
      }
      // The person answers the one question through the link.
      const link = /(\/crisis\/feedback\/[A-Za-z0-9_-]+)/.exec(String(asked[0]!.personalisation))![1]!;
      const visitor = new Browser(t.app);
      const q = await visitor.get(link);
      assert.equal(q.statusCode, 200);
      assert.match(q.body, /Did you get the right response/);
      const empty = await visitor.post(link, {});
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Choose yes, partly or no/);
      const answered = await visitor.post(link, { answer: 'partly', comment: 'Kind, but it took a while' });
      assert.equal(answered.statusCode, 200);
      assert.match(answered.body, /Thank you/);
      const stored = await t.db.read.selectFrom('crisis_feedback').select(['answer', 'comment']).where('episode_id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(stored, { answer: 'partly', comment: 'Kind, but it took a while' });
      assert.equal((await visitor.get('/crisis/feedback/not-a-real-token')).statusCode, 404);
      // A closed episode takes no more changes.
      await assert.rejects(markResponded(t.platform, a.crisisPractitioner.actor, id, { how: 'late' }), /closed/);
    });

    it('an admission waits for the discharge from hospital to make the follow-up', async () => {
      t.clock.set('2026-12-05T09:00:00.000Z');
      const request = await personWithRequest(t);
      await decide(t.platform, a.hubPractitioner.actor, request.id, { kind: 'crisis', reason: 'Very unwell' });
      const e = await t.db.read.selectFrom('crisis_episodes').selectAll().where('request_id', '=', request.id).executeTakeFirstOrThrow();
      assert.equal(e.priority, 'very-urgent', 'a crisis decision without a priority, on a request with no risk flagged: very urgent');
      await closeEpisode(t.platform, a.crisisPractitioner.actor, e.id, { outcome: 'admitted-informally' });
      assert.equal((await t.db.read.selectFrom('crisis_follow_ups').select('id').where('source_id', '=', e.id).execute()).length, 0);
      t.clock.set('2026-12-12T15:00:00.000Z');
      const b = await as(a.crisisPractitioner);
      await b.get(paths.episode(e.id));
      const future = await b.post(paths.episodeAction(e.id, 'discharge'), { dischargedAt: '2026-12-13T10:00' });
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /The discharge must be now or in the past/);
      const res = await b.post(paths.episodeAction(e.id, 'discharge'), { dischargedAt: '2026-12-12T14:30' });
      assert.equal(res.statusCode, 303);
      const f = await t.db.read.selectFrom('crisis_follow_ups').selectAll().where('source_id', '=', e.id).executeTakeFirstOrThrow();
      assert.equal(f.discharged_from, 'admission');
      assert.equal(f.discharged_at, '2026-12-12T14:30:00.000Z', 'UK time in winter is UTC');
      assert.equal(f.due_at, '2026-12-15T14:30:00.000Z');
    });

    it('assigns a responder from another team, who may then see the episode; others outside the team may not', async () => {
      t.clock.set('2026-12-14T20:00:00.000Z');
      const e = await openEpisode(t.platform, a.crisisPractitioner.actor, { source: 'walk-in', priority: 'urgent', summary: 'At the sanctuary, wants to talk to someone.' });
      assert.equal((await (await as(a.sanctuaryWorker)).get(paths.episode(e.id))).statusCode, 404, 'not before being assigned');
      // Only members of the crisis team can be assigned from the page.
      const b = await as(a.crisisPractitioner);
      await b.get(paths.episode(e.id));
      const wrong = await b.post(paths.episodeAction(e.id, 'responders'), { responder: a.sanctuaryWorker.userId });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /Choose someone in the crisis team/);
      const ok = await b.post(paths.episodeAction(e.id, 'responders'), { responder: a.crisisColleague.userId });
      assert.equal(ok.statusCode, 303);
      assert.match((await b.get(paths.episode(e.id))).body, new RegExp(`${a.crisisColleague.actor.displayName}, since`));
      // A sanctuary worker made a responder through the store (by the places part, say) can see it.
      await t.db.write(async (tx) => {
        const { addResponder } = await import('./episode-store.ts');
        await addResponder(tx, e.id, a.sanctuaryWorker.userId, a.crisisPractitioner.userId, t.clock.now());
      });
      assert.equal((await (await as(a.sanctuaryWorker)).get(paths.episode(e.id))).statusCode, 200);
      assert.equal((await (await as(a.outsider)).get(paths.episode(e.id))).statusCode, 404, 'another team: not found');
      await assert.rejects(addNote(t.platform, a.outsider.actor, e.id, { kind: 'note', text: 'Looked in' }), NotFoundError, 'nor can they act on it');
      assert.notEqual((await (await as(a.providerAdmin)).get(paths.episode(e.id))).statusCode, 200, 'a provider admin: denied');
      assert.notEqual((await (await as(a.providerAdmin)).get(paths.episodeNew)).statusCode, 200);
      // A sanctuary worker with a walk-in opens an episode for the crisis team, and is made its responder.
      const sanctuary = await as(a.sanctuaryWorker);
      const form = await sanctuary.get(paths.episodeNew);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /You are not in a crisis team/);
      const walkIn = await sanctuary.post(paths.episodeNew, { teamId: a.crisisTeamId, priority: 'urgent', summary: 'Walked in, wants to talk to the crisis team.', source: 'walk-in' });
      assert.equal(walkIn.statusCode, 303);
      const opened = await episode(idFrom(walkIn.headers.location));
      assert.equal(opened.team_id, a.crisisTeamId);
      assert.equal((await sanctuary.get(paths.episode(opened.id))).statusCode, 200, 'they see the episode they opened');
      assert.equal((await (await as(a.outsider)).get(paths.episode(opened.id))).statusCode, 404);
    });

    it('at night, tells whoever is on the duty rota now, beside the leads, of an episode nobody is answering, and texts the duty mobile, and tells them again while nobody responds (H14)', async () => {
      t.clock.set('2026-12-19T01:00:00.000Z');
      // Every due timer, however many the earlier tests left (a pass takes 50).
      const runAllDue = async () => {
        while ((await runDueTimers(t.platform)).claimed > 0);
      };
      const shift = (m: Member, role: 'duty-senior' | 'responder', startsAt: string, endsAt: string, phone: string | null) =>
        t.db.write((tx) => addShift(tx, { teamId: a.crisisTeamId, userId: m.userId, role, startsAt: new Date(startsAt), endsAt: new Date(endsAt), phone, by: a.crisisLead.userId, at: t.clock.now() }));
      await shift(a.crisisColleague, 'duty-senior', '2026-12-18T19:00:00.000Z', '2026-12-19T07:00:00.000Z', '07700900111');
      // Tomorrow night's responder is not on now, and hears nothing, nor does tomorrow night's duty phone.
      await shift(a.crisisPractitioner, 'responder', '2026-12-19T19:00:00.000Z', '2026-12-20T07:00:00.000Z', '07700900222');
      const e = await openEpisode(t.platform, a.crisisLead.actor, { source: 'phone', priority: 'emergency', summary: 'Caller in a phone box, line dropped.' });
      const about = async (m: Member, kind: string) => (await messagesTo(t, m.email, kind)).filter((x) => String(x.personalisation).includes(e.reference)).length;
      t.clock.advance(45 * 60_000);
      await runAllDue();
      assert.deepEqual([await about(a.crisisColleague, 'crisis.target-warning'), await about(a.crisisLead, 'crisis.target-warning'), await about(a.crisisPractitioner, 'crisis.target-warning')], [1, 1, 0]);
      t.clock.advance(15 * 60_000);
      await runAllDue();
      assert.deepEqual([await about(a.crisisColleague, 'crisis.target-breach'), await about(a.crisisLead, 'crisis.target-breach'), await about(a.crisisPractitioner, 'crisis.target-breach')], [1, 1, 0]);
      // The duty mobile on now had a text at each, naming the episode and nothing of what was said.
      const texts = async (phone: string) => [...(await messagesTo(t, phone, 'crisis.target-warning')), ...(await messagesTo(t, phone, 'crisis.target-breach'))].map((m) => JSON.parse(String(m.personalisation)).body as string).filter((body) => body.includes(e.reference));
      const sent = await texts('07700900111');
      assert.equal(sent.length, 2);
      assert.match(sent[0]!, new RegExp(`episode ${e.reference} \\(emergency\\) has no responder and no response yet\\. Target 02:00\\.`));
      assert.match(sent[1]!, new RegExp(`episode ${e.reference} \\(emergency\\) passed its response target, 02:00, with no response`));
      for (const body of sent) assert.doesNotMatch(body, /phone box|line dropped/, 'nothing of what was said');
      assert.deepEqual(await texts('07700900222'), []);

      // Nobody responds: told again every 15 minutes (an emergency), by email and on the duty mobile, until someone does.
      const again = async () => (await messagesTo(t, '07700900111', 'crisis.target-still-waiting')).map((m) => JSON.parse(String(m.personalisation)).body as string).filter((b) => b.includes(e.reference));
      t.clock.advance(14 * 60_000);
      await runAllDue();
      assert.deepEqual(await again(), [], 'not before fifteen minutes');
      t.clock.advance(60_000);
      await runAllDue();
      assert.deepEqual(await again(), [`Mutual crisis board: Crisis episode ${e.reference} (emergency) still has no response, 15 minutes after its target, 02:00. Please make sure someone responds now.`]);
      assert.equal((await messagesTo(t, a.crisisLead.email, 'crisis.target-still-waiting')).filter((m) => String(m.personalisation).includes(e.reference)).length, 1, 'the lead by email');
      t.clock.advance(15 * 60_000);
      await runAllDue();
      assert.equal((await again()).length, 2);
      await markResponded(t.platform, a.crisisColleague.actor, e.id, { how: 'Rang the caller back' });
      t.clock.advance(60 * 60_000);
      await runAllDue();
      assert.equal((await again()).length, 2, 'nothing more once someone responded');
    });
  });
}
