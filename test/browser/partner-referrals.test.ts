// The partner's side of a referral in a real browser, by keyboard: a practitioner of the charity that
// runs the service finds "Referrals to your services" from the home page, opens the referral, is
// refused a decline without a reason (error summary, what was typed kept), declines with one, and
// accepts another. Every page with no axe violation and only the app's own requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
// The harness (and through it the whole app) first: the modules' files import each other in a cycle through their index files.
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, pathOf, pressEnterAndWait, staffPage, startBrowserApp, submit, tabTo } from './browser.ts';
import { paths } from '../../src/modules/front-door/paths.ts';
import { decide } from '../../src/modules/front-door/queue.ts';
import { createHub, createPartner, submit as submitRequest } from '../../src/modules/front-door/testing.ts';
import { createTestUser } from '../../src/testing/auth.ts';

describe('a partner answers a referral, in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  it('finds the referral by keyboard, declines one (refused first without a reason) and accepts another; no axe violation', BROWSER_TEST, async () => {
    const p = h.test.platform;
    const hub = await createHub(p);
    const partner = await createPartner(p, 'Evening peer group');
    const worker = await createTestUser(h.test.db, h.test.clock, { role: 'practitioner', organisationId: partner.organisationId, teamId: partner.practitioner.memberships[0]!.teamId, displayName: 'Partner worker' });
    const refer = async (familyName: string) => {
      const r = await submitRequest(p, { person: { givenName: 'Jess', familyName, dateOfBirth: '1994-02-03', postcode: 'SW9 9SL', phone: '07700900321' } });
      await decide(p, hub.practitioner, r.id, { kind: 'refer', serviceId: partner.serviceId, serviceName: partner.serviceName, reason: 'Lonely in the evenings; wants a group' });
      return h.test.db.read.selectFrom('referrals').select('id').where('request_id', '=', r.id).executeTakeFirstOrThrow();
    };
    const first = await refer('Declinedperson');
    const second = await refer('Acceptedperson');

    const page = await staffPage(h, worker);
    await page.goto(h.url('/'));
    await tabTo(page, page.getByRole('link', { name: 'Referrals to your services' }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.receivedReferrals);
    await expectNoAxeViolations(page);

    await tabTo(page, page.getByRole('link', { name: 'Jess Declinedperson' }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.receivedReferral(first.id));
    assert.match((await page.locator('main').textContent()) ?? '', /Lonely in the evenings; wants a group/);
    await expectNoAxeViolations(page);

    await page.getByLabel(/Anything the front door should know/).fill('Our group is full until March');
    await submit(page, 'Decline referral');
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /There is a problem/);
    assert.equal(await page.getByLabel(/Anything the front door should know/).inputValue(), 'Our group is full until March', 'what was typed is kept');
    await expectNoAxeViolations(page);
    await page.getByLabel('No capacity at the moment').check();
    await tabTo(page, page.getByRole('button', { name: 'Decline referral' }));
    await pressEnterAndWait(page);
    assert.match((await page.locator('main').textContent()) ?? '', /You declined the referral/);
    await expectNoAxeViolations(page);

    await page.goto(h.url(paths.receivedReferral(second.id)));
    await tabTo(page, page.getByRole('button', { name: 'Accept referral' }));
    await pressEnterAndWait(page);
    assert.match((await page.locator('main').textContent()) ?? '', /You accepted the referral/);
    await expectNoAxeViolations(page);

    await page.goto(h.url(`${paths.receivedReferrals}?view=closed`));
    assert.match((await page.locator('main').textContent()) ?? '', /Jess Declinedperson/);
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
  });
});
