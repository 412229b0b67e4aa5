// The crisis board's live updates in a real browser (issue 6, item 2): changes made elsewhere appear
// on an open board without a reload, the keyboard focus stays where it was, live updates can be
// paused and resumed, and the page (with the script's status line and button) has no axe violation,
// no script error, no CSP violation and no request to another host.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createCrisisAlliance, type CrisisAlliance } from '../../src/modules/crisis/episode-testing.ts';
import { openEpisode, setNextAction } from '../../src/modules/crisis/episodes.ts';
import { paths } from '../../src/modules/crisis/paths.ts';
import { buildApp } from '../../src/app.ts';
import { startSession } from '../../src/platform/auth/sessions.ts';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, focused, startBrowserApp } from './browser.ts';

const rowsText = async (page: Page) => (await page.locator('#crisis-board-rows').textContent()) ?? '';

describe('the crisis board, live in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  let a: CrisisAlliance;
  before(async () => {
    h = await startBrowserApp();
    a = await createCrisisAlliance(h.test);
  });
  after(async () => {
    await h?.close();
  });

  it('shows changes made elsewhere without a reload, keeps the focus, pauses and resumes, with no axe violation', BROWSER_TEST, async () => {
    const { test } = h;
    const actor = a.crisisPractitioner.actor;
    const first = await openEpisode(test.platform, actor, { source: 'phone', priority: 'urgent', summary: 'Browser test: first call' });

    const page = await h.newPage();
    const sessionId = await test.db.write((tx) => startSession(tx, test.config, test.clock.now(), { userId: a.crisisPractitioner.userId, stage: 'full' }));
    await page.context().addCookies([{ name: 'session', value: sessionId, url: h.origin }]);
    await page.goto(h.url(paths.board));
    const status = page.getByRole('status');
    await status.filter({ hasText: /Live: this page updates by itself/ }).waitFor();
    assert.match(await rowsText(page), new RegExp(first.reference));
    await expectNoAxeViolations(page);
    // The page is never reloaded: a mark on its window stays.
    await page.evaluate('window.stillTheSamePage = true');

    // Another responder opens an episode: it appears.
    const second = await openEpisode(test.platform, actor, { source: 'walk-in', priority: 'very-urgent', summary: 'Browser test: second, a walk-in' });
    await page.locator('#crisis-board-rows').getByText(second.reference).waitFor();
    assert.equal(await page.evaluate('window.stillTheSamePage'), true, 'updated in place, not reloaded');
    await status.filter({ hasText: /Live: updated at/ }).waitFor();

    // With the keyboard on the first episode's link, a change arrives: the focus stays on it.
    await page.getByRole('link', { name: first.reference }).focus();
    await setNextAction(test.platform, actor, first.id, 'Ring the GP surgery');
    await page.locator('#crisis-board-rows').getByText('Ring the GP surgery').waitFor();
    assert.equal((await focused(page)).href, paths.episode(first.id));

    // Paused: nothing changes; resumed: the change made meanwhile arrives.
    await page.getByRole('button', { name: 'Pause live updates' }).click();
    await status.filter({ hasText: /paused/ }).waitFor();
    await setNextAction(test.platform, actor, second.id, 'Offer a sanctuary place');
    await page.waitForTimeout(1500);
    assert.doesNotMatch(await rowsText(page), /Offer a sanctuary place/);
    await page.getByRole('button', { name: 'Resume live updates' }).click();
    await page.locator('#crisis-board-rows').getByText('Offer a sanctuary place').waitFor();
    assert.equal(await page.evaluate('window.stillTheSamePage'), true);

    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
    const streams = h.requests.filter((r) => r.url.includes(paths.boardEvents));
    assert.ok(streams.length >= 1, 'the board listened to its event stream');
    assert.match(streams[0]!.url, /lastEventId=\d+/, 'resuming from the id the page was rendered at');
  });

  it('reconnects by itself after the server restarts, and shows what changed while it was down', BROWSER_TEST, async () => {
    const { test } = h;
    const actor = a.crisisPractitioner.actor;
    const page = await h.newPage();
    const sessionId = await test.db.write((tx) => startSession(tx, test.config, test.clock.now(), { userId: a.crisisPractitioner.userId, stage: 'full' }));
    await page.context().addCookies([{ name: 'session', value: sessionId, url: h.origin }]);
    await page.goto(h.url(paths.board));
    const status = page.getByRole('status');
    await status.filter({ hasText: /Live: this page updates by itself/ }).waitFor();
    await page.evaluate('window.stillTheSamePage = true');

    // The server stops (its streams end), a change is made while none runs, and a new one starts on the same address.
    await test.app.close();
    const whileDown = await openEpisode(test.platform, actor, { source: 'police', priority: 'emergency', summary: 'Browser test: while the server was down' });
    const port = Number(new URL(h.origin).port);
    const again = await buildApp(test.platform, { cookieSecret: 'test-cookie-secret-of-at-least-32-characters' });
    try {
      await again.listen({ port, host: '127.0.0.1' });
      await page.locator('#crisis-board-rows').getByText(whileDown.reference).waitFor({ timeout: 60_000 });
      assert.equal(await page.evaluate('window.stillTheSamePage'), true, 'reconnected and updated in place, not reloaded');
      await status.filter({ hasText: /Live/ }).waitFor();
      await expectNoAxeViolations(page);
    } finally {
      await again.close();
    }
  });
});
