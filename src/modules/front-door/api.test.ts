import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganisation, createTeam } from '../../platform/auth/accounts.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import { isValidReference } from './reference.ts';

const WEEKDAYS_9_TO_5 = {
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ opens: '09:00', closes: '17:00' }]])),
  bankHolidays: 'closed',
};

let unique = 0;
function body(overrides: Record<string, unknown> = {}, person: Record<string, unknown> = {}) {
  unique++;
  return {
    source: 'self',
    person: { givenName: 'Ada', familyName: `Testperson${unique}`, dateOfBirth: '1990-03-27', postcode: 'SW9 9SL', phone: '07700 900982', ...person },
    story: 'I have been feeling low for a few weeks and cannot sleep.',
    consentToShare: true,
    ...overrides,
  };
}

for (const dialect of testDialects()) {
  describe(`POST /api/v1/requests (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect);
      // Tuesday 1 December 2026, 10:00 in London (GMT).
      t.clock.set('2026-12-01T10:00:00.000Z');
      const now = t.clock.now();
      await t.db.write(async (tx) => {
        const org = await createOrganisation(tx, now, { name: 'Riverside Mental Health NHS Foundation Trust', kind: 'nhs' });
        await createTeam(tx, now, { organisationId: org, name: 'Front door hub', kind: 'front-door', openingHours: WEEKDAYS_9_TO_5 });
      });
    });
    after(async () => {
      await t.close();
    });

    const post = (payload: unknown, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: '/api/v1/requests', payload: payload as object, headers });

    it('answers 201 with a reference, the status, the urgency and the contact target', async () => {
      const res = await post(body());
      assert.equal(res.statusCode, 201, res.body);
      const answer = res.json();
      assert.ok(isValidReference(answer.reference), `a reference with a valid check character: ${answer.reference}`);
      assert.equal(answer.status, 'received');
      assert.equal(answer.urgency, 'routine');
      // Routine: the end of the next working day of the front door (Wednesday 17:00 London = 17:00Z in winter).
      assert.equal(answer.contactBy, '2026-12-02T17:00:00.000Z');
    });

    it('brings a request that mentions suicidal plans forward as a crisis, with a one-hour target', async () => {
      const res = await post(body({ story: 'I have decided to kill myself tonight, I have the tablets ready.' }));
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().urgency, 'crisis');
      assert.equal(res.json().contactBy, '2026-12-01T11:00:00.000Z');
    });

    it('writes the request, its person, its timers, its acknowledgement and its audit event together', async () => {
      const res = await post(body({}, { phone: '07700 900123' }));
      const { reference } = res.json();
      const request = await t.db.read.selectFrom('requests').select(['id', 'person_id', 'urgency']).where('reference', '=', reference).executeTakeFirstOrThrow();
      const timers = await t.db.read.selectFrom('timers').select(['kind', 'due_at']).where('dedupe_key', 'like', `%${request.id}`).orderBy('due_at').execute();
      assert.deepEqual(
        timers.map((x) => x.kind),
        ['front-door:warning', 'front-door:breach'],
      );
      const messages = await t.db.read.selectFrom('outbox_messages').select(['channel', 'recipient', 'personalisation']).where('recipient', '=', '07700900123').execute();
      assert.equal(messages.length, 1);
      assert.equal(messages[0]!.channel, 'sms');
      assert.match(messages[0]!.personalisation, new RegExp(reference));
      const audit = await t.db.read.selectFrom('audit_events').select(['action', 'person_id']).where('entity_id', '=', request.id).execute();
      assert.deepEqual(audit, [{ action: 'front-door.request.submit', person_id: request.person_id }]);
    });

    it('returns the first answer again for a repeated Idempotency-Key, and creates one request', async () => {
      const payload = body();
      const key = `key-${unique}-abcdefgh`;
      const first = await post(payload, { 'idempotency-key': key });
      const again = await post(payload, { 'idempotency-key': key });
      assert.equal(first.statusCode, 201);
      assert.equal(again.statusCode, 201);
      assert.deepEqual(again.json(), first.json());
      const count = await t.db.read
        .selectFrom('requests')
        .innerJoin('people', 'people.id', 'requests.person_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('people.family_name', '=', (payload.person as { familyName: string }).familyName)
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1);
    });

    it('creates one request when the same Idempotency-Key arrives several times at once', async () => {
      const payload = body();
      const key = `concurrent-${unique}-abcdefgh`;
      const answers = await Promise.all(Array.from({ length: 5 }, () => post(payload, { 'idempotency-key': key })));
      const references = new Set(answers.map((a) => a.json().reference));
      assert.equal(references.size, 1, `one reference for all: ${[...references].join(', ')}`);
    });

    it('refuses a reused Idempotency-Key with a different body', async () => {
      const key = `reuse-${unique}-abcdefgh`;
      await post(body(), { 'idempotency-key': key });
      const res = await post(body({ story: 'Something else entirely.' }), { 'idempotency-key': key });
      assert.equal(res.statusCode, 422);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
    });

    const bad: [string, unknown, string][] = [
      ['an impossible date of birth', body({}, { dateOfBirth: '1990-02-30' }), 'person.dateOfBirth'],
      ['a date of birth in the future', body({}, { dateOfBirth: '2030-01-01' }), 'person.dateOfBirth'],
      ['a postcode outside the UK', body({}, { postcode: '75001' }), 'person.postcode'],
      ['an NHS number that fails modulus 11', body({}, { nhsNumber: '999 123 4561' }), 'person.nhsNumber'],
      ['an empty story', body({ story: '   ' }), 'story'],
      ['100 KB of text', body({ story: 'a'.repeat(100_000) }), 'story'],
      ['control characters', body({ story: 'hello\u0007there' }), 'story'],
      ['a script tag', body({ story: '<script>alert(1)</script> help' }), 'story'],
      ['an unknown source', body({ source: 'robot' }), 'source'],
    ];
    for (const [what, payload, field] of bad) {
      it(`answers a problem naming ${field} for ${what}, and stores nothing`, async () => {
        const before = await t.db.read.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        const res = await post(payload);
        assert.equal(res.statusCode, 400, res.body);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/);
        assert.ok(
          res.json().errors.some((e: { field: string }) => e.field === field),
          `errors name ${field}: ${res.body}`,
        );
        const afterCount = await t.db.read.selectFrom('requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(Number(afterCount.n), Number(before.n));
      });
    }

    it('answers malformed JSON with a problem response, and an oversized body with 413', async () => {
      const malformed = await t.app.inject({ method: 'POST', url: '/api/v1/requests', payload: '{"source": ', headers: { 'content-type': 'application/json' } });
      assert.equal(malformed.statusCode, 400);
      assert.match(String(malformed.headers['content-type']), /application\/problem\+json/);
      const huge = await t.app.inject({ method: 'POST', url: '/api/v1/requests', payload: JSON.stringify({ story: 'x'.repeat(2_000_000) }), headers: { 'content-type': 'application/json' } });
      assert.equal(huge.statusCode, 413);
      assert.match(String(huge.headers['content-type']), /application\/problem\+json/);
    });

    it('accepts extra fields for forward compatibility', async () => {
      const res = await post({ ...body(), channelHint: 'partner-app', person: { ...(body().person as object), pronouns: 'she/her' } });
      assert.equal(res.statusCode, 201, res.body);
    });

    it('finds the same person by NHS number, and flags a possible duplicate by name, date of birth and postcode without merging', async () => {
      const first = await post(body({}, { familyName: 'Sameperson', nhsNumber: '943 476 5919' }));
      const second = await post(body({}, { familyName: 'Sameperson', nhsNumber: '9434765919' }));
      const people = await t.db.read
        .selectFrom('requests')
        .select(['person_id'])
        .where('reference', 'in', [first.json().reference, second.json().reference])
        .execute();
      assert.equal(new Set(people.map((p) => p.person_id)).size, 1, 'one person for one NHS number');

      const a = await post(body({}, { givenName: 'Bea', familyName: 'Lookalike', dateOfBirth: '1985-06-01', postcode: 'SE5 8AF' }));
      const b = await post(body({}, { givenName: 'bea', familyName: 'LOOKALIKE', dateOfBirth: '1985-06-01', postcode: 'SE5 8AF' }));
      const personOf = (r: typeof a) => t.db.read.selectFrom('requests').select(['person_id']).where('reference', '=', r.json().reference).executeTakeFirstOrThrow();
      const pa = await personOf(a);
      const pb = await personOf(b);
      assert.notEqual(pa.person_id, pb.person_id, 'never merged silently');
      const candidates = await t.db.read.selectFrom('person_duplicate_candidates').select(['person_id', 'candidate_id', 'status']).where('person_id', '=', pb.person_id).execute();
      assert.deepEqual(candidates, [{ person_id: pb.person_id, candidate_id: pa.person_id, status: 'open' }]);
    });
  });

  describe(`GET /api/v1/requests/{reference}/status (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let reference: string;
    before(async () => {
      t = await buildTestApp(dialect);
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/requests', payload: body({}, { dateOfBirth: '1979-11-05' }) });
      reference = res.json().reference;
    });
    after(async () => {
      await t.close();
    });

    it('answers the status for the right reference and date of birth', async () => {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/requests/${reference}/status?dateOfBirth=1979-11-05` });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { reference, status: 'received' });
      const audited = await t.db.read.selectFrom('audit_events').select(['action']).where('entity_id', '=', reference).execute();
      assert.deepEqual(audited, [{ action: 'front-door.request.status' }], 'the look-up is audited');
    });

    it('accepts the reference typed in lower case without hyphens', async () => {
      const typed = reference.replace(/-/g, '').toLowerCase();
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/requests/${typed}/status?dateOfBirth=1979-11-05` });
      assert.equal(res.statusCode, 200);
    });

    it('gives the same 404 for a wrong date of birth and for a wrong reference', async () => {
      const wrongDob = await t.app.inject({ method: 'GET', url: `/api/v1/requests/${reference}/status?dateOfBirth=1979-11-06` });
      const wrongRef = await t.app.inject({ method: 'GET', url: `/api/v1/requests/MH-AAAA-AAAA/status?dateOfBirth=1979-11-05` });
      assert.equal(wrongDob.statusCode, 404);
      assert.equal(wrongRef.statusCode, 404);
      assert.deepEqual(wrongDob.json(), wrongRef.json());
    });
  });
}
