import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createHub } from './testing.ts';

/** Walks the journey for someone asking for themselves, answering each page. */
async function answerEverything(b: Browser, story = 'I have felt low for weeks and I am not sleeping.') {
  const steps: [string, Record<string, string | string[]>][] = [
    ['who', { who: 'self' }],
    ['what-is-happening', { story }],
    ['what-would-help', { whatWouldHelp: 'Someone to talk to' }],
    ['about', { givenName: 'Robin', familyName: `Journey${Date.now()}`, 'dateOfBirth[day]': '5', 'dateOfBirth[month]': '11', 'dateOfBirth[year]': '1987', postcode: 'sw9 9sl', nhsNumber: '' }],
    ['contact', { contactMethods: ['phone', 'sms'], phone: '07700 900 456', email: '', address: '', safeTimes: 'Evenings', mayLeaveMessage: 'no' }],
    ['preferences', { preferredLanguage: 'Portuguese', interpreter: 'yes', accessNeeds: '' }],
    ['equality', { ethnicity: 'N', gender: 'Z' }],
    ['consent', { consent: 'yes' }],
  ];
  for (const [slug, form] of steps) {
    const page = await b.get(`/get-help/${slug}`);
    assert.equal(page.statusCode, 200, `GET ${slug}`);
    const res = await b.post(`/get-help/${slug}`, form);
    assert.equal(res.statusCode, 303, `POST ${slug}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  }
}

describe('the "Get help" journey', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
    t.clock.set('2026-12-01T21:30:00.000Z'); // Tuesday evening, after the hub has closed
    await createHub(t.platform);
  });
  after(async () => {
    await t.close();
  });

  it('takes a person from the start page to a reference, with the crisis panel on every page', async () => {
    const b = new Browser(t.app);
    const start = await b.get('/get-help');
    assert.match(start.body, /Ask for help with your mental health/);
    assert.match(start.body, /If you need help now/);
    await answerEverything(b);
    const check = await b.get('/get-help/check');
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /Check your answers before sending/);
    assert.match(check.body, /SW9 9SL/, 'the postcode is normalised');
    assert.match(check.body, /If you need help now/);
    const sent = await b.post('/get-help/check', {});
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, '/get-help/confirmation');
    const confirmation = await b.get('/get-help/confirmation');
    assert.match(confirmation.body, /We have your request/);
    assert.match(confirmation.body, /MH-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    // Tuesday 21:30: routine requests are due by the end of the next working day, Wednesday 17:00.
    assert.match(confirmation.body, /2 December 2026 at 17:00/);
    assert.match(confirmation.body, /If you need help now/);
  });

  it('keeps what was typed and shows an error summary when the postcode is not a UK postcode', async () => {
    const b = new Browser(t.app);
    await b.get('/get-help/who');
    await b.post('/get-help/who', { who: 'self' });
    await b.get('/get-help/about');
    const res = await b.post('/get-help/about', {
      givenName: 'Kai',
      familyName: 'Typed',
      'dateOfBirth[day]': '31',
      'dateOfBirth[month]': '2',
      'dateOfBirth[year]': '1990',
      postcode: '75001 Paris',
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /There is a problem/);
    assert.match(res.body, /href="#postcode">\s*Enter a full UK postcode/);
    assert.match(res.body, /href="#dateOfBirth-day">\s*Date of birth must be a real date/);
    assert.match(res.body, /value="Kai"/, 'the first name is kept');
    assert.match(res.body, /value="75001 Paris"/, 'the postcode typed is kept');
    assert.match(res.body, /<title>Error: /);
  });

  it('renders what was typed escaped, never as markup', async () => {
    const b = new Browser(t.app);
    await b.get('/get-help/who');
    await b.post('/get-help/who', { who: 'self' });
    await b.get('/get-help/what-is-happening');
    const res = await b.post('/get-help/what-is-happening', { story: '<script>alert("x")</script>' });
    assert.equal(res.statusCode, 400);
    assert.doesNotMatch(res.body, /<script>alert/);
    assert.match(res.body, /&lt;script&gt;/);
  });

  it('creates one request when "Send request" is pressed twice', async () => {
    const b = new Browser(t.app);
    await answerEverything(b);
    await b.get('/get-help/check');
    const [first, second] = await Promise.all([b.post('/get-help/check', {}), b.post('/get-help/check', {})]);
    assert.equal(first.statusCode, 303);
    assert.equal(second.statusCode, 303);
    const again = await b.post('/get-help/check', {});
    assert.equal(again.headers.location, '/get-help/confirmation');
    const rows = await t.db.read.selectFrom('front_door_drafts').select(['submitted_request_id', 'answers']).where('submitted_request_id', 'is not', null).execute();
    const ids = new Set(rows.map((r) => r.submitted_request_id));
    const requests = await t.db.read.selectFrom('requests').select(['id']).where('id', 'in', [...ids]).execute();
    assert.equal(requests.length, ids.size, 'one request per draft');
    assert.ok(rows.every((r) => r.answers === '{}'), 'answers are forgotten once submitted');
  });

  it('asks someone referring another person about themselves, and needs the person to have agreed', async () => {
    const b = new Browser(t.app);
    await b.get('/get-help/who');
    await b.post('/get-help/who', { who: 'champion' });
    await b.get('/get-help/what-is-happening');
    await b.post('/get-help/what-is-happening', { story: 'A regular at the barbers told me he has been struggling since his dad died.' });
    await b.post('/get-help/what-would-help', { whatWouldHelp: '' });
    await b.post('/get-help/about', { givenName: 'Marcus', familyName: `Referred${Date.now()}`, 'dateOfBirth[day]': '1', 'dateOfBirth[month]': '6', 'dateOfBirth[year]': '1980', postcode: 'SE15 4QF' });
    await b.post('/get-help/contact', { contactMethods: 'phone', phone: '07700900777', mayLeaveMessage: 'yes' });
    await b.post('/get-help/preferences', { interpreter: 'no' });
    const eq = await b.post('/get-help/equality', {});
    assert.equal(eq.headers.location, '/get-help/about-you');
    await b.get('/get-help/about-you');
    const missing = await b.post('/get-help/about-you', { referrerName: 'Dee', personAgreed: 'no' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Enter a phone number or an email address so we can reach you/);
    const ok = await b.post('/get-help/about-you', { referrerName: 'Dee', referrerRole: 'Barber', referrerPhone: '07700900888', personAgreed: 'no' });
    assert.equal(ok.statusCode, 303);
    await b.post('/get-help/consent', { consent: 'yes' });
    await b.get('/get-help/check');
    const refused = await b.post('/get-help/check', {});
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /The person must agree to this referral/);
  });

  it('sends someone who skipped ahead back to the first unanswered question', async () => {
    const b = new Browser(t.app);
    await b.get('/get-help/who');
    await b.post('/get-help/who', { who: 'self' });
    const res = await b.get('/get-help/check');
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/get-help/what-is-happening');
  });

  it('refuses a step posted without the form token, and saves nothing', async () => {
    const b = new Browser(t.app);
    const res = await b.post('/get-help/who', { who: 'self', _csrf: 'forged' });
    assert.equal(res.statusCode, 403);
  });
});

describe('check my request', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => {
    await t.close();
  });

  it('shows the status in plain words for the right reference and date of birth, and the same message for either mistake', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      payload: { source: 'self', person: { givenName: 'Ola', familyName: 'Checker', dateOfBirth: '1975-07-14', postcode: 'SW2 1AA' }, story: 'Low mood.', consentToShare: false },
    });
    const { reference } = created.json();
    const b = new Browser(t.app);
    await b.get('/check-my-request');
    const found = await b.post('/check-my-request', { reference: reference.toLowerCase(), 'dateOfBirth[day]': '14', 'dateOfBirth[month]': '7', 'dateOfBirth[year]': '1975' });
    assert.equal(found.statusCode, 200);
    assert.match(found.body, /We have your request/);
    assert.doesNotMatch(found.body, /Low mood/, 'nothing more than the status');
    await b.get('/check-my-request');
    const wrongDob = await b.post('/check-my-request', { reference, 'dateOfBirth[day]': '15', 'dateOfBirth[month]': '7', 'dateOfBirth[year]': '1975' });
    await b.get('/check-my-request');
    const wrongRef = await b.post('/check-my-request', { reference: 'MH-AAAA-AAAA', 'dateOfBirth[day]': '14', 'dateOfBirth[month]': '7', 'dateOfBirth[year]': '1975' });
    assert.equal(wrongDob.statusCode, 400);
    assert.equal(wrongRef.statusCode, 400);
    const message = /We could not find a request with that reference and date of birth/;
    assert.match(wrongDob.body, message);
    assert.match(wrongRef.body, message);
  });
});
