import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../src/testing/app.ts';

describe('the app shell', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => {
    await t.close();
  });

  it('serves the home page with the crisis panel and a strict content security policy', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /If you need help now/);
    assert.match(res.body, /call NHS <a href="tel:111">111<\/a> and choose the mental health option/);
    assert.match(res.body, /Samaritans free on <a href="tel:116123">116 123<\/a>/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self' 'nonce-[0-9a-f]+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
  });

  it('adds a configured local crisis line to the panel', async () => {
    const local = await buildTestApp(undefined, {
      crisis: { emergency: '999', nhs111: '111', samaritans: '116 123', shout: '85258', localLine: { name: 'Lambeth crisis line', number: '0800 000 0000' } },
    });
    try {
      const res = await local.app.inject({ method: 'GET', url: '/' });
      assert.match(res.body, /Lambeth crisis line: <a href="tel:08000000000">0800 000 0000<\/a>/);
    } finally {
      await local.close();
    }
  });

  it('shows the NHS-style 404 page for an unknown route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no-such-page' });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /<h1>Page not found<\/h1>/);
  });

  it('answers an unknown API route with a problem response', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.json().status, 404);
  });

  it('serves the stylesheet it built, and no page refers to another host', async () => {
    const css = await t.app.inject({ method: 'GET', url: '/static/mutual.css' });
    assert.equal(css.statusCode, 200);
    const page = await t.app.inject({ method: 'GET', url: '/' });
    const external = [...page.body.matchAll(/(?:src|href)="(https?:)?\/\/([^"/]+)/g)].map((m) => m[2]);
    assert.deepEqual(external, []);
  });

  it('does not serve files outside the allowed static assets', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/static/index.scss' });
    assert.equal(res.statusCode, 404);
  });
});
