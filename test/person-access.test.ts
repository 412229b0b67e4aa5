// Issue 5, "Done when": one walk of EVERY route of the person-record capability (the people module's
// record, portal and network pages, care coordination, and the safety plan pages that belong to the
// person record), for each role and relationship, asserting allow or deny. The routes come from the
// app's route table, so a new route of the capability fails here until it has a row in TABLE, and a
// route whose `:param` the walk cannot fill fails too. The module tests check each part in depth; this
// is the one cross-cutting table, on both engines.
//
// One subject person has: an open front door request of the hub team (the hub is involved), an open
// care coordination of the community team (key worker: the community practitioner) with a shared plan
// and an action (a task), a DIALOG review, a held network meeting with notes, a shared note and a
// withheld one, a safety plan, a merged duplicate and an open possible duplicate, and a network: one
// member with only the 'safety-plan' label, one with 'general' and 'mental-health', one invited
// (its link is the token), one the network pages act on. Another person has an account, a request,
// a coordination, a safety plan and a network member of their own.
//
// Allowed: GET answers 200; POST (an empty form, or the no-field action) answers 2xx, 303 to a page
// of the capability, 400 with an error summary ("allowed to reach the form"), or 409 (the resource was
// reached; the action conflicts with its state). Denied: 404 for anyone signed in, 303 to a sign-in
// page for an anonymous caller. Every denied POST runs before any allowed one, and must change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
// The app first: it loads the modules in the order they load each other.
import { Browser, buildTestApp, csrfTokenOf, type TestApp } from '../src/testing/app.ts';
import { paths as carePaths } from '../src/modules/care/paths.ts';
import { addCareTeamMember, changeKeyWorker, openCoordination } from '../src/modules/care/coordination.ts';
import { allItems, helpField, ratingField } from '../src/modules/care/reviews.ts';
import { paths as crisisPaths } from '../src/modules/crisis/paths.ts';
import { decide } from '../src/modules/front-door/queue.ts';
import { breakGlass } from '../src/modules/people/break-glass.ts';
import { addMember, inviteMember } from '../src/modules/people/network.ts';
import { insertMember, markJoined } from '../src/modules/people/network-store.ts';
import { paths } from '../src/modules/people/paths.ts';
import { subjectAccessRows } from '../src/modules/people/portal-store.ts';
import { decideDuplicateFor } from '../src/modules/people/record.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithRequest } from '../src/modules/people/testing.ts';
import type { Role } from '../src/platform/access/policy.ts';
import { createTeam } from '../src/platform/auth/accounts.ts';
import { testDialects } from '../src/platform/db/testing.ts';
import { createTestPersonAccount, createTestUser, lastSignInCode, signIn, signInPerson, type TestPersonAccount } from '../src/testing/auth.ts';

/** The routes of the capability: the people module, care coordination, and the person record's safety plan pages. */
const CAPABILITY = /^\/(people|my-record|shared-with-me|network-invite|care|crisis\/people\/:personId\/safety-plan)(\/|\.|$)/;

/**
 * The actors, one column each:
 *   C   practitioner of the coordinating (community) team, the key worker
 *   L   team lead of the coordinating team
 *   H   practitioner of the hub, involved through the open front door request only
 *   O   practitioner of another team, not involved, no break glass
 *   NS  network member with only the 'safety-plan' label
 *   NG  network member with 'general' and 'mental-health' (not 'safety-plan')
 *   P   the person
 *   Q   another person (signed in to their own record)
 *   CM  commissioner
 *   PA  provider admin
 *   AN  anonymous
 */
const ACTORS = ['C', 'L', 'H', 'O', 'NS', 'NG', 'P', 'Q', 'CM', 'PA', 'AN'] as const;
type ActorKey = (typeof ACTORS)[number];

/** Actors not entitled to see anything of the subject: no response to them may carry the subject's name or content. */
const STRANGERS: readonly ActorKey[] = ['O', 'Q', 'CM', 'PA', 'AN'];

// y: allowed, .: denied. One row a route, one column an actor (in the order of ACTORS).
// (Aligned by hand: the formatter leaves test/ alone.)
const TABLE: Record<string, string> = {
  //                                                                   C  L  H  O  NS NG P  Q  CM PA AN
  // The person record (people module).
  'GET /people/:id':                                                  'y  y  y  .  .  .  .  .  .  .  .',
  'GET /people/:id/break-glass':                                      'y  y  y  y  .  .  .  .  .  .  .', // the form shows nothing of the person
  'POST /people/:id/break-glass':                                     'y  y  y  y  .  .  .  .  .  .  .', // (an empty form: the reason is required)
  'GET /people/:id/edit':                                             'y  y  y  .  .  .  .  .  .  .  .',
  'POST /people/:id/edit':                                            'y  y  y  .  .  .  .  .  .  .  .',
  'GET /people/:id/duplicates/:candidateId':                          'y  y  y  .  .  .  .  .  .  .  .',
  'POST /people/:id/duplicates/:candidateId':                         'y  y  y  .  .  .  .  .  .  .  .',
  'GET /people/:id/merges/:mergeId':                                  'y  y  y  .  .  .  .  .  .  .  .',
  'POST /people/:id/merges/:mergeId':                                 'y  y  y  .  .  .  .  .  .  .  .',
  'GET /people/:id/portal-invite':                                    'y  y  y  .  .  .  .  .  .  .  .',
  'POST /people/:id/portal-invite':                                   'y  y  y  .  .  .  .  .  .  .  .',
  'GET /people/access-reviews':                                       '.  y  .  .  .  .  .  .  .  .  .', // team leads
  'POST /people/access-reviews/:grantId':                             '.  y  .  .  .  .  .  .  .  .  .', // the lead of the team that broke glass
  // The person's portal: no person id in the address, each person sees their own.
  'GET /my-record':                                                   '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/access-log':                                        '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/download':                                          '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/download/my-record.json':                           '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/download/my-record.html':                           '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/messages':                                          '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/entries':                                           '.  .  .  .  .  .  y  y  .  .  .',
  'POST /my-record/entries':                                          '.  .  .  .  .  .  y  y  .  .  .', // (an empty form: the text is required)
  // The network, from the portal and from the record; the invitation link; the member's side.
  'GET /my-record/network':                                           '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/network/add':                                       '.  .  .  .  .  .  y  y  .  .  .',
  'POST /my-record/network/add':                                      '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/network/:memberId':                                 '.  .  .  .  .  .  y  .  .  .  .',
  'POST /my-record/network/:memberId':                                '.  .  .  .  .  .  y  .  .  .  .',
  'POST /my-record/network/:memberId/invite':                         '.  .  .  .  .  .  y  .  .  .  .',
  'GET /my-record/network/:memberId/details':                         '.  .  .  .  .  .  y  .  .  .  .',
  'POST /my-record/network/:memberId/details':                        '.  .  .  .  .  .  y  .  .  .  .',
  'GET /my-record/network/:memberId/remove':                          '.  .  .  .  .  .  y  .  .  .  .',
  'POST /my-record/network/:memberId/remove':                         '.  .  .  .  .  .  y  .  .  .  .',
  'GET /people/:id/network':                                          'y  y  y  .  .  .  .  .  .  .  .',
  'GET /people/:id/network/add':                                      'y  y  y  .  .  .  .  .  .  .  .',
  'POST /people/:id/network/add':                                     'y  y  y  .  .  .  .  .  .  .  .',
  'GET /people/:id/network/:memberId':                                'y  y  y  .  .  .  .  .  .  .  .',
  'POST /people/:id/network/:memberId':                               'y  y  y  .  .  .  .  .  .  .  .',
  'POST /people/:id/network/:memberId/invite':                        'y  y  y  .  .  .  .  .  .  .  .',
  'GET /people/:id/network/:memberId/details':                        'y  y  y  .  .  .  .  .  .  .  .',
  'POST /people/:id/network/:memberId/details':                       'y  y  y  .  .  .  .  .  .  .  .',
  'GET /people/:id/network/:memberId/remove':                         'y  y  y  .  .  .  .  .  .  .  .',
  'POST /people/:id/network/:memberId/remove':                        'y  y  y  .  .  .  .  .  .  .  .',
  'GET /network-invite/done':                                         'y  y  y  y  y  y  y  y  y  y  y', // public
  'GET /network-invite/:token':                                       'y  y  y  y  y  y  y  y  y  y  y', // public: the token is the key
  'POST /network-invite/:token':                                      'y  y  y  y  y  y  y  y  y  y  y',
  'GET /shared-with-me':                                              '.  .  .  .  y  y  .  .  .  .  .',
  'GET /shared-with-me/:personId':                                    '.  .  .  .  y  y  .  .  .  .  .',
  // Care coordination and the shared plan: the coordinating team changes it; another involved team only reads.
  'GET /care/people/:personId/coordinations':                         'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/people/:personId/coordinations/new':                     'y  y  y  .  .  .  .  .  .  .  .',
  'POST /care/people/:personId/coordinations/new':                    'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id':                                      'y  y  y  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/key-worker':                          'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/care-team':                           'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/care-team/:memberId/remove':          'y  y  .  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/close':                                'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/close':                               'y  y  .  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/plan':                                 'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/plan/edit':                            'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/plan/edit':                           'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/plan/actions/:actionId/done':         'y  y  .  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/plan/versions':                        'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/plan/versions/:version':               'y  y  y  .  .  .  .  .  .  .  .',
  'GET /my-record/plan':                                              '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/plan/:planId/versions':                             '.  .  .  .  .  .  y  .  .  .  .',
  'GET /my-record/plan/:planId/versions/:version':                    '.  .  .  .  .  .  y  .  .  .  .',
  'GET /care/shared/:personId/plans/:label':                          '.  .  .  .  .  y  .  .  .  .  .', // label: mental-health
  // Reviews in the DIALOG style.
  'GET /care/coordinations/:id/reviews':                              'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/reviews/new':                          'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/reviews/new':                         'y  y  .  .  .  .  .  .  .  .  .',
  'GET /my-record/reviews':                                           '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/reviews/new':                                       '.  .  .  .  .  .  y  y  .  .  .',
  'POST /my-record/reviews/new':                                      '.  .  .  .  .  .  y  y  .  .  .',
  'GET /care/shared/:personId/reviews/:label':                        '.  .  .  .  .  y  .  .  .  .  .',
  // Network meetings.
  'GET /care/coordinations/:id/meetings':                             'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/meetings/new':                         'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/meetings/new':                        'y  y  .  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/meetings/:meetingId':                  'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/meetings/:meetingId/reschedule':       'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/meetings/:meetingId/reschedule':      'y  y  .  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/meetings/:meetingId/cancel':           'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/meetings/:meetingId/cancel':          'y  y  .  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/meetings/:meetingId/record':           'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/meetings/:meetingId/record':          'y  y  .  .  .  .  .  .  .  .  .',
  'GET /care/coordinations/:id/meetings/:meetingId/follow-ups':       'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/coordinations/:id/meetings/:meetingId/follow-ups':      'y  y  .  .  .  .  .  .  .  .  .',
  'GET /my-record/meetings':                                          '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/meetings/:meetingId':                               '.  .  .  .  .  .  y  .  .  .  .',
  'GET /care/shared/:personId/meetings/:label':                       '.  .  .  .  .  y  .  .  .  .  .',
  // Notes with visibility: any involved team writes notes about the person; the team lead confirms a withholding.
  'GET /care/people/:personId/notes':                                 'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/people/:personId/notes/new':                             'y  y  y  .  .  .  .  .  .  .  .',
  'POST /care/people/:personId/notes/new':                            'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/people/:personId/notes/:noteId':                         'y  y  y  .  .  .  .  .  .  .  .',
  // Only a note's author corrects it (C wrote the subject's notes), as in a health record; others who may write add an addendum.
  'GET /care/people/:personId/notes/:noteId/correct':                 'y  .  .  .  .  .  .  .  .  .  .',
  'POST /care/people/:personId/notes/:noteId/correct':                'y  .  .  .  .  .  .  .  .  .  .',
  'GET /care/people/:personId/notes/:noteId/addendum':                'y  y  y  .  .  .  .  .  .  .  .',
  'POST /care/people/:personId/notes/:noteId/addendum':               'y  y  y  .  .  .  .  .  .  .  .',
  'GET /care/withheld-notes':                                         '.  y  .  .  .  .  .  .  .  .  .',
  'GET /care/withheld-notes/:id':                                     '.  y  .  .  .  .  .  .  .  .  .',
  'POST /care/withheld-notes/:id':                                    '.  y  .  .  .  .  .  .  .  .  .',
  'GET /my-record/notes':                                             '.  .  .  .  .  .  y  y  .  .  .',
  // Tasks and caseloads: each practitioner's own lists; a task of the coordinating team; team views for leads.
  'GET /care/tasks':                                                  'y  y  y  y  .  .  .  .  .  .  .',
  'GET /care/tasks/team':                                             'y  y  y  y  .  .  .  .  .  .  .',
  'GET /care/tasks/:id':                                              'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/tasks/:id/finish':                                      'y  y  .  .  .  .  .  .  .  .  .',
  'POST /care/tasks/:id/assign':                                      'y  y  .  .  .  .  .  .  .  .  .',
  'GET /care/caseload':                                               'y  y  y  y  .  .  .  .  .  .  .',
  'GET /care/caseload/team':                                          '.  y  .  .  .  .  .  .  .  .  .',
  // The safety plan (crisis module) as part of the person record: any involved team; the person; a member with the label.
  'GET /crisis/people/:personId/safety-plan':                         'y  y  y  .  .  .  .  .  .  .  .',
  'GET /crisis/people/:personId/safety-plan.pdf':                     'y  y  y  .  .  .  .  .  .  .  .',
  'GET /crisis/people/:personId/safety-plan/versions':                'y  y  y  .  .  .  .  .  .  .  .',
  'GET /crisis/people/:personId/safety-plan/versions/:version':       'y  y  y  .  .  .  .  .  .  .  .',
  'GET /crisis/people/:personId/safety-plan/edit':                    'y  y  y  .  .  .  .  .  .  .  .',
  'POST /crisis/people/:personId/safety-plan/edit':                   'y  y  y  .  .  .  .  .  .  .  .',
  'GET /crisis/people/:personId/safety-plan/send':                    'y  y  y  .  .  .  .  .  .  .  .',
  'POST /crisis/people/:personId/safety-plan/send':                   'y  y  y  .  .  .  .  .  .  .  .', // (an empty form: a channel and their agreement are required)
  'GET /my-record/safety-plan':                                       '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/safety-plan.pdf':                                   '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/safety-plan/versions':                              '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/safety-plan/versions/:version':                     '.  .  .  .  .  .  y  y  .  .  .', // their own version 1
  'GET /my-record/safety-plan/edit':                                  '.  .  .  .  .  .  y  y  .  .  .',
  'POST /my-record/safety-plan/edit':                                 '.  .  .  .  .  .  y  y  .  .  .',
  'GET /my-record/safety-plan/send':                                  '.  .  .  .  .  .  y  y  .  .  .',
  'POST /my-record/safety-plan/send':                                 '.  .  .  .  .  .  y  y  .  .  .', // (an empty form: a channel is required)
  'GET /shared-with-me/:personId/safety-plan':                        '.  .  .  .  y  .  .  .  .  .  .',
  'GET /shared-with-me/:personId/safety-plan.pdf':                    '.  .  .  .  y  .  .  .  .  .  .',
};

function expectationsOf(key: string): Map<ActorKey, boolean> {
  const cells = TABLE[key]!.trim().split(/\s+/);
  assert.equal(cells.length, ACTORS.length, `${key}: the row has ${cells.length} cells, not ${ACTORS.length}`);
  return new Map(ACTORS.map((actor, i) => [actor, cells[i] === 'y']));
}

/** The ids of the subject's content, by route (the first rule that names the parameter wins). */
type Ids = Record<string, string>;
function fill(url: string, rules: readonly [RegExp, Ids][], overrides: Ids = {}): { path: string; missing: string[] } {
  const missing: string[] = [];
  const path = url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = overrides[name] ?? rules.find(([re, ids]) => re.test(url) && name in ids)?.[1][name];
    if (value === undefined) {
      missing.push(name);
      return `:${name}`;
    }
    return encodeURIComponent(value);
  });
  return { path, missing };
}

const textOf = (res: LightMyRequestResponse) => (res.headers['content-type']?.toString().includes('pdf') ? '' : res.body);

for (const dialect of testDialects()) {
  describe(`access to the person record, walked route by route (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    let other: Member;
    let colleague: Member;
    let subjectId: string;
    let familyName: string;
    let marker: string;
    let otherPersonId: string;
    const browsers = new Map<ActorKey, Browser>();
    const tokens = new Map<ActorKey, string>();
    let rules: [RegExp, Ids][];
    /** Called before each request to these routes: fresh ids for actions that use up what they act on. */
    let fresh: Record<string, () => Promise<Ids>>;
    /**
     * Valid forms for refused POSTs whose page the actor may read (the hub practitioner reads the
     * coordination): an empty form is refused before its errors are shown, and a valid one shows that
     * the change itself is refused too, not only the form.
     */
    let deniedForms: Record<string, () => Promise<Record<string, string>>>;
    let account: TestPersonAccount;
    /** The other person's ids, to try in the subject's and the network members' addresses. */
    let crossIds: Ids;

    async function member(role: Role, teamId: string, label: string): Promise<Member> {
      const user = await createTestUser(t.db, t.clock, { role, organisationId: a.organisationId, teamId, displayName: label });
      return { ...user, role, teamId, actor: { kind: 'user', userId: user.userId, displayName: label, memberships: [{ organisationId: a.organisationId, teamId, role }], personId: null, sessionRef: `test-${user.userId}` } };
    }

    const summaryOf = (html: string) => [...html.matchAll(/<li>\s*<a href="#[^"]+">\s*([^<]+?)\s*<\/a>/g)].map((m) => m[1]).join('; ') || html.slice(0, 300);

    async function post(b: Browser, url: string, form: Record<string, string | string[]>, expected = 303) {
      const res = await b.post(url, form);
      assert.equal(res.statusCode, expected, `${url}: ${res.statusCode} ${summaryOf(res.body)}`);
      return res;
    }

    async function networkMember(personId: string, name: string, labels: string[], recordedBy: string) {
      const user = await createTestUser(t.db, t.clock, { role: 'network-member', organisationId: a.organisationId, displayName: name });
      const id = await t.db.write(async (tx) => {
        const id = await insertMember(tx, t.clock.now(), { personId, relationship: 'friend', relationshipDetail: null, name, email: user.email, phone: null, labels, consentRecordedBy: recordedBy, consentGivenBy: 'person', consentMethod: 'online', addedBy: recordedBy, addedByRole: 'person' });
        await markJoined(tx, t.clock.now(), id, user.userId);
        return id;
      });
      const b = new Browser(t.app);
      await b.get('/sign-in/my-record');
      assert.equal((await b.post('/sign-in/my-record', { contact: user.email })).statusCode, 303);
      await b.get('/sign-in/my-record/code');
      const res = await b.post('/sign-in/my-record/code', { code: await lastSignInCode(t.db, user.email) });
      assert.equal(res.headers.location, paths.sharedWithMe);
      return { id, browser: b };
    }

    /** A member of the subject's network with no account, for an action that uses one up. */
    const quietMember = (name: string) =>
      t.db.write((tx) => insertMember(tx, t.clock.now(), { personId: subjectId, relationship: 'other', relationshipDetail: null, name, email: null, phone: null, labels: ['general'], consentRecordedBy: account.userId, consentGivenBy: 'person', consentMethod: 'online', addedBy: account.userId, addedByRole: 'person' }));

    before(async () => {
      t = await buildTestApp(dialect);
      // A Tuesday morning.
      t.clock.set('2026-12-01T09:00:00.000Z');
      a = await createAlliance(t);
      const otherTeamId = await t.db.write((tx) => createTeam(tx, t.clock.now(), { organisationId: a.organisationId, name: 'Another community team', kind: 'community', openingHours: null }));
      other = await member('practitioner', otherTeamId, 'Other Team Practitioner');
      colleague = await member('practitioner', a.communityTeamId, 'Community Colleague');
      const C = a.outsider;

      // The subject: a front door request (the hub is involved), a record merged into theirs, and an open possible duplicate.
      const details = aPerson({ email: `subject.${process.pid}.${Date.now().toString(36)}@example.org` });
      familyName = details.familyName;
      marker = `Marker${process.pid}x${Date.now().toString(36)}`;
      const subjectRequest = await personWithRequest(t, details);
      subjectId = subjectRequest.personId;
      t.clock.advance(1000);
      const dupA = (await personWithRequest(t, details)).personId;
      const candA = await t.db.read.selectFrom('person_duplicate_candidates').select(['id']).where('person_id', '=', dupA).where('candidate_id', '=', subjectId).executeTakeFirstOrThrow();
      await decideDuplicateFor(t.platform, a.hubPractitioner.actor, dupA, candA.id, { same: 'yes', note: 'Same date of birth, address and phone' });
      const merge = await t.db.read.selectFrom('person_merges').select(['id', 'survivor_id']).where('merged_id', '=', dupA).executeTakeFirstOrThrow();
      assert.equal(merge.survivor_id, subjectId, 'the newer record is merged into the subject’s');
      t.clock.advance(1000);
      const dupB = (await personWithRequest(t, details)).personId;
      const candB = await t.db.read.selectFrom('person_duplicate_candidates').select(['id']).where('person_id', '=', dupB).where('status', '=', 'open').where('candidate_id', 'in', [subjectId, dupA]).executeTakeFirstOrThrow();
      account = await createTestPersonAccount(t.db, t.clock, { personId: subjectId, organisationId: a.organisationId, displayName: `Alex ${familyName}` });

      // Care coordination by the community team, the community practitioner its key worker.
      await decide(t.platform, a.hubPractitioner.actor, subjectRequest.id, { kind: 'care-coordination', teamId: a.communityTeamId, reason: 'Needs ongoing support from the community team' });
      const coordinationId = (await t.db.read.selectFrom('care_coordinations').select('id').where('person_id', '=', subjectId).executeTakeFirstOrThrow()).id;
      await changeKeyWorker(t.platform, C.actor, coordinationId, { keyWorkerId: C.userId, version: 1 });
      await addCareTeamMember(t.platform, C.actor, coordinationId, { userId: colleague.userId, role: 'support worker' });

      // The network: safety plan only; general and mental health; an invited member (the link); one the pages act on.
      const NS = await networkMember(subjectId, 'Safety Friend', ['safety-plan'], account.userId);
      const NG = await networkMember(subjectId, 'General Friend', ['general', 'mental-health'], account.userId);
      const inviteeEmail = `invitee.${process.pid}.${Date.now().toString(36)}@example.org`;
      const invitee = await addMember(t.platform, a.hubPractitioner.actor, subjectId, { name: 'Invited Friend', relationship: 'friend', email: inviteeEmail, labels: ['general'], consentMethod: 'in-person' }, null);
      await inviteMember(t.platform, a.hubPractitioner.actor, subjectId, invitee.memberId, null);
      const inviteRow = await t.db.read.selectFrom('outbox_messages').select(['personalisation']).where('kind', '=', 'people.network-invite').where('recipient', '=', inviteeEmail).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      const token = /\/network-invite\/([A-Za-z0-9_-]{43})/.exec(inviteRow.personalisation)?.[1];
      assert.ok(token, 'the invitation holds the link');
      const targetEmail = `target.${process.pid}.${Date.now().toString(36)}@example.org`;
      const target = await addMember(t.platform, a.hubPractitioner.actor, subjectId, { name: 'Target Friend', relationship: 'family', email: targetEmail, labels: ['general'], consentMethod: 'in-person' }, null);

      // Content, written through the pages by the key worker.
      const c = new Browser(t.app);
      await signIn(c, C, t.clock);
      await c.get(carePaths.planEdit(coordinationId));
      await post(c, carePaths.planEdit(coordinationId), {
        version: '0',
        whatMatters: `Seeing my daughter at weekends. ${marker}`,
        strengths: 'My sister helps me.',
        goals: 'Sleep better.',
        ifWorse: 'Call my sister first, then the team.',
        'reviewDate[day]': '15',
        'reviewDate[month]': '3',
        'reviewDate[year]': '2027',
        privacyLabel: 'mental-health',
        note: '',
        'actions[0][what]': 'Go to the walking group',
        'actions[0][who]': 'Alex with the key worker',
        'actions[0][assignee]': C.userId,
        'actions[0][due][day]': '20',
        'actions[0][due][month]': '12',
        'actions[0][due][year]': '2026',
      });
      const plan = await t.db.read.selectFrom('care_plans').select(['id', 'version']).where('coordination_id', '=', coordinationId).executeTakeFirstOrThrow();
      assert.equal(Number(plan.version), 1);
      const action = await t.db.read.selectFrom('care_plan_actions').select(['id', 'task_id']).where('plan_id', '=', plan.id).executeTakeFirstOrThrow();
      assert.ok(action.task_id, 'the action is a task');
      const review: Record<string, string> = { privacyLabel: 'mental-health', 'reviewedOn[day]': '1', 'reviewedOn[month]': '12', 'reviewedOn[year]': '2026' };
      for (const item of allItems()) Object.assign(review, { [ratingField(item.key)]: '4', [helpField(item.key)]: 'no' });
      await c.get(carePaths.reviewNew(coordinationId));
      await post(c, carePaths.reviewNew(coordinationId), review);
      await c.get(carePaths.meetingNew(coordinationId));
      const scheduled = await post(c, carePaths.meetingNew(coordinationId), { 'date[day]': '1', 'date[month]': '12', 'date[year]': '2026', time: '09:20', durationMinutes: '60', place: 'The community hub, room 2', purpose: 'Plan together', invitePerson: 'yes', networkMemberIds: [NG.id] });
      const meetingId = String(scheduled.headers.location).split('/').pop()!;
      t.clock.advanceMinutes(25);
      const meeting = await t.db.read.selectFrom('care_meetings').select(['version']).where('id', '=', meetingId).executeTakeFirstOrThrow();
      const invitees = await t.db.read.selectFrom('care_meeting_invitees').select(['id']).where('meeting_id', '=', meetingId).execute();
      await c.get(carePaths.meetingRecord(coordinationId, meetingId));
      await post(c, carePaths.meetingRecord(coordinationId, meetingId), {
        ...Object.fromEntries(invitees.map((i) => [`attendance-${i.id}`, 'attended'])),
        version: String(meeting.version),
        reflections: `Alex said the flat feels safer. ${marker}`,
        decisions: 'Weekly visits for a month.',
        nextSteps: 'Sam helps with the move.',
        notesPrivacyLabel: 'mental-health',
      });
      const note = { contact: 'phone', 'occurredDate[day]': '1', 'occurredDate[month]': '12', 'occurredDate[year]': '2026', occurredTime: '09:15', privacyLabel: 'mental-health' };
      await c.get(carePaths.noteNew(subjectId));
      const shared = await post(c, carePaths.noteNew(subjectId), { ...note, body: `Spoke on the phone. ${marker}`, visibility: 'shared' });
      const noteId = /\/notes\/([^/]+)$/.exec(String(shared.headers.location))![1]!;
      await c.get(carePaths.noteNew(subjectId));
      const withheld = await post(c, carePaths.noteNew(subjectId), { ...note, body: `What her brother told us. ${marker}`, visibility: 'withheld', reasonKind: 'third-party', explanation: 'Contains what her brother told us in confidence.', personExplanation: 'Ask us about it.' });
      const withheldNoteId = /\/notes\/([^/]+)$/.exec(String(withheld.headers.location))![1]!;
      const withholding = await t.db.read.selectFrom('care_note_withholdings').select(['id']).where('note_id', '=', withheldNoteId).executeTakeFirstOrThrow();
      const safetyPlan = { warningSigns: `Not sleeping. ${marker}`, copingAlone: 'A walk with music on', distractions: 'The library', 'helpName-1': 'Chris', 'helpPhone-1': '07700 900462', 'proName-1': 'Samaritans', 'proPhone-1': '116 123', safer: 'Give my spare tablets to Chris', reasons: 'My niece', withPerson: 'yes' };
      await c.get(crisisPaths.safetyPlanEdit(subjectId));
      await post(c, crisisPaths.safetyPlanEdit(subjectId), { baseVersion: '0', ...safetyPlan });

      // Another person: their own request, coordination (the hub's), safety plan and network member.
      otherPersonId = (await personWithRequest(t, aPerson({ givenName: 'Robin' }))).personId;
      const otherAccount = await createTestPersonAccount(t.db, t.clock, { personId: otherPersonId, organisationId: a.organisationId });
      const otherCoordinationId = await openCoordination(t.platform, a.hubPractitioner.actor, otherPersonId, { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [] });
      const h = new Browser(t.app);
      await signIn(h, a.hubPractitioner, t.clock);
      await h.get(crisisPaths.safetyPlanEdit(otherPersonId));
      await post(h, crisisPaths.safetyPlanEdit(otherPersonId), { baseVersion: '0', ...safetyPlan, warningSigns: 'Robin’s own warning signs' });
      const otherPlan = await t.db.read.selectFrom('care_plans').select(['id']).where('coordination_id', '=', otherCoordinationId).executeTakeFirstOrThrow();
      const otherMemberId = await t.db.write((tx) => insertMember(tx, t.clock.now(), { personId: otherPersonId, relationship: 'friend', relationshipDetail: null, name: 'Robin’s friend', email: null, phone: null, labels: ['safety-plan'], consentRecordedBy: otherAccount.userId, consentGivenBy: 'person', consentMethod: 'online', addedBy: otherAccount.userId, addedByRole: 'person' }));
      // Break glass by a community colleague on the other person: the community lead reviews it.
      const glass = await member('practitioner', a.communityTeamId, 'Glass Practitioner');
      const { grantId } = await breakGlass(t.platform, glass.actor, otherPersonId, { reasonKind: 'urgent-care', reason: 'Called by A&E about this person tonight' });
      assert.ok(grantId);

      rules = [
        [/^\/care\/coordinations\/:id\/care-team\/:memberId/, { memberId: (await t.db.read.selectFrom('care_team_members').select('id').where('coordination_id', '=', coordinationId).where('user_id', '=', colleague.userId).executeTakeFirstOrThrow()).id }],
        [/^\/care\/coordinations\//, { id: coordinationId }],
        [/^\/care\/tasks\//, { id: action.task_id! }],
        [/^\/care\/withheld-notes\//, { id: withholding.id }],
        [/^\/care\/people\/:personId\/notes\/:noteId/, { noteId }],
        [/./, { id: subjectId, personId: subjectId, candidateId: candB.id, mergeId: merge.id, grantId, token, memberId: target.memberId, planId: plan.id, version: '1', meetingId, actionId: action.id, label: 'mental-health' }],
      ];
      fresh = {
        'POST /people/:id/network/:memberId/remove': async () => ({ memberId: await quietMember('Removed from the record') }),
        'POST /my-record/network/:memberId/remove': async () => ({ memberId: await quietMember('Removed by the person') }),
        'POST /care/coordinations/:id/care-team/:memberId/remove': async () => {
          const current = await t.db.read.selectFrom('care_team_members').select('id').where('coordination_id', '=', coordinationId).where('user_id', '=', colleague.userId).where('removed_at', 'is', null).executeTakeFirst();
          if (current) return { memberId: current.id };
          await addCareTeamMember(t.platform, C.actor, coordinationId, { userId: colleague.userId, role: 'support worker' });
          return { memberId: (await t.db.read.selectFrom('care_team_members').select('id').where('coordination_id', '=', coordinationId).where('user_id', '=', colleague.userId).where('removed_at', 'is', null).executeTakeFirstOrThrow()).id };
        },
      };
      const versionOf = async () => String((await t.db.read.selectFrom('care_coordinations').select('version').where('id', '=', coordinationId).executeTakeFirstOrThrow()).version);
      deniedForms = {
        'POST /care/coordinations/:id/key-worker': async () => ({ version: await versionOf(), keyWorkerId: colleague.userId }),
        'POST /care/coordinations/:id/care-team': async () => ({ userId: a.communityLead.userId, role: 'Team lead' }),
      };
      crossIds = { planId: otherPlan.id, memberId: otherMemberId, personId: otherPersonId };

      // Everyone signs in now (the clock moved while the content was written).
      const staff: [ActorKey, Member][] = [['C', C], ['L', a.communityLead], ['H', a.hubPractitioner], ['O', other], ['CM', a.commissioner], ['PA', a.providerAdmin]];
      for (const [key, m] of staff) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(key, b);
      }
      for (const [key, email] of [['P', account.email], ['Q', otherAccount.email]] as const) {
        const b = new Browser(t.app);
        await signInPerson(b, t.db, email);
        browsers.set(key, b);
      }
      browsers.set('NS', NS.browser);
      browsers.set('NG', NG.browser);
      browsers.set('AN', new Browser(t.app));
      // Each browser's form token (a page every actor may open: the sign-out page, or the sign-in page).
      for (const key of ACTORS) {
        const page = await browsers.get(key)!.get(key === 'AN' ? '/sign-in' : '/sign-out');
        tokens.set(key, csrfTokenOf(page.body));
      }
    });
    after(async () => {
      await t?.close();
    });

    const capabilityRoutes = () => t.app.routeTable.filter((r) => ['GET', 'POST'].includes(r.method) && CAPABILITY.test(r.url)).map((r) => `${r.method} ${r.url}`);

    it('has a row in the table for every route of the capability, and only for those', () => {
      const routes = capabilityRoutes();
      assert.ok(routes.length >= 100, `only ${routes.length} routes found`);
      assert.deepEqual(routes.filter((k) => !(k in TABLE)), [], 'routes of the capability missing from the table');
      assert.deepEqual(Object.keys(TABLE).filter((k) => !routes.includes(k)), [], 'rows of the table for routes that do not exist');
      for (const key of routes) expectationsOf(key);
    });

    it('fills every parameter of every route with an id of the subject’s content', () => {
      const unfilled = capabilityRoutes().flatMap((key) => fill(key.split(' ')[1]!, rules).missing.map((p) => `${key} :${p}`));
      assert.deepEqual(unfilled, []);
    });

    it('shows the subject’s content to those it is for (so the checks that strangers see none of it can fail)', async () => {
      for (const [actor, key] of [
        ['C', 'GET /care/coordinations/:id/plan'],
        ['H', 'GET /crisis/people/:personId/safety-plan'],
        ['P', 'GET /my-record/plan'],
        ['P', 'GET /my-record/notes'],
        ['NS', 'GET /shared-with-me/:personId/safety-plan'],
        ['NG', 'GET /care/shared/:personId/meetings/:label'],
      ] as const) {
        const res = await browsers.get(actor)!.get(fill(key.split(' ')[1]!, rules).path);
        assert.equal(res.statusCode, 200, `${actor} ${key}`);
        assert.ok(res.body.includes(marker), `${actor} ${key} shows the subject’s content`);
      }
      const res = await browsers.get('C')!.get(fill('/people/:id', rules).path);
      assert.ok(res.body.includes(familyName), 'the record names the subject');
    });

    /** One request; returns a problem with it, or null when it matches the table. */
    async function check(key: string, actor: ActorKey, allowed: boolean): Promise<string | null> {
      const [method, url] = key.split(' ') as ['GET' | 'POST', string];
      // Fresh ids only for an allowed request: a refused one must use (and leave alone) what exists.
      const { path } = fill(url, rules, (allowed && (await fresh[key]?.())) || {});
      const b = browsers.get(actor)!;
      const form = (!allowed && (await deniedForms[key]?.())) || {};
      const res = method === 'GET' ? await b.get(path) : await b.post(path, { ...form, _csrf: tokens.get(actor)! });
      const where = `${actor} ${method} ${path} (${key}) answered ${res.statusCode}${res.headers.location ? ` → ${res.headers.location}` : ''}`;
      if (STRANGERS.includes(actor)) {
        const body = textOf(res);
        if (body.includes(familyName) || body.includes(marker)) return `${where}: shows the subject’s name or content`;
      }
      const location = String(res.headers.location ?? '');
      if (allowed) {
        if (method === 'GET') return res.statusCode === 200 ? null : `${where}: expected allowed`;
        if (res.statusCode === 200 || res.statusCode === 409) return null;
        if (res.statusCode === 303 && CAPABILITY.test(location)) return null;
        if (res.statusCode === 400 && /There is a problem/.test(res.body)) return null;
        return `${where}: expected allowed${res.statusCode === 400 ? `: ${res.body.slice(0, 200)}` : ''}`;
      }
      if (actor === 'AN') return res.statusCode === 303 && /^\/sign-in(\/my-record$|\?next=)/.test(location) ? null : `${where}: expected sent to sign in`;
      return res.statusCode === 404 ? null : `${where}: expected 404`;
    }

    it('answers every page (GET) to each actor as the table says, and shows strangers nothing of the person', async () => {
      const problems: string[] = [];
      let n = 0;
      for (const key of capabilityRoutes().filter((k) => k.startsWith('GET '))) {
        for (const [actor, allowed] of expectationsOf(key)) {
          n++;
          const problem = await check(key, actor, allowed);
          if (problem) problems.push(problem);
        }
      }
      assert.deepEqual(problems, [], `${problems.length} of ${n} requests did not match the table`);
    });

    it('refuses every form (POST) to the actors the table denies, and the refused ones change nothing', async () => {
      const state = async () => {
        const rows: Record<string, unknown> = await subjectAccessRows(t.db.read, [subjectId, otherPersonId]);
        delete rows.audit_events;
        const outbox = await t.db.read.selectFrom('outbox_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        const grants = await t.db.read.selectFrom('break_glass_grants').selectAll().orderBy('id').execute();
        return { ...rows, outbox: Number(outbox.n), grants } as Record<string, unknown>;
      };
      const before = await state();
      const problems: string[] = [];
      for (const key of capabilityRoutes().filter((k) => k.startsWith('POST '))) {
        for (const [actor, allowed] of expectationsOf(key)) {
          if (allowed) continue;
          const problem = await check(key, actor, false);
          if (problem) problems.push(problem);
        }
      }
      assert.deepEqual(problems, []);
      const now = await state();
      const changed = Object.keys({ ...before, ...now }).filter((table) => JSON.stringify(before[table]) !== JSON.stringify(now[table]));
      assert.deepEqual(changed, [], 'a refused form changed something about the person (or sent a message)');
      assert.ok(Object.keys(before).length >= 30, 'the rows about the person of every table were compared');
    });

    it('lets the actors the table allows reach every form (POST)', async () => {
      const problems: string[] = [];
      for (const key of capabilityRoutes().filter((k) => k.startsWith('POST '))) {
        for (const [actor, allowed] of expectationsOf(key)) {
          if (!allowed) continue;
          const problem = await check(key, actor, true);
          if (problem) problems.push(problem);
        }
      }
      assert.deepEqual(problems, []);
    });

    it('never lets the person reach another person’s content by its id, nor a network member another person’s pages or a label they do not hold', async () => {
      const problems: string[] = [];
      const ownRoutes = capabilityRoutes().filter((k) => k.startsWith('GET /my-record/') && /:(planId|memberId)/.test(k));
      const memberRoutes = capabilityRoutes().filter((k) => /^GET \/(shared-with-me|care\/shared)\/:personId/.test(k));
      assert.ok(ownRoutes.length >= 5 && memberRoutes.length >= 5);
      for (const [keys, actors] of [[ownRoutes, ['P']], [memberRoutes, ['NS', 'NG']]] as const) {
        for (const key of keys) {
          const { path } = fill(key.split(' ')[1]!, rules, crossIds);
          for (const actor of actors) {
            const res = await browsers.get(actor)!.get(path);
            if (res.statusCode !== 404) problems.push(`${actor} GET ${path} (${key}) answered ${res.statusCode}`);
            if (res.body.includes('Robin')) problems.push(`${actor} GET ${path} shows the other person`);
          }
        }
      }
      // A label the member does not hold: the same 404 as a page that does not exist.
      for (const [actor, label] of [['NS', 'mental-health'], ['NS', 'general'], ['NG', 'safety-plan'], ['NG', 'social-care'], ['NS', 'not-a-label']] as const) {
        for (const key of memberRoutes.filter((k) => k.includes(':label'))) {
          const { path } = fill(key.split(' ')[1]!, rules, { label });
          const res = await browsers.get(actor)!.get(path);
          if (res.statusCode !== 404) problems.push(`${actor} GET ${path} (${key}) answered ${res.statusCode}`);
        }
      }
      assert.deepEqual(problems, []);
    });
  });
}
