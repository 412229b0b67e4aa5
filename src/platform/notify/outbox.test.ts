import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { testConfig } from '../../config.ts';
import { createPlatform, type Platform } from '../context.ts';
import { type TestDatabase, testDialects } from '../db/testing.ts';
import { runDueTimers } from '../jobs/timers.ts';
import { createLogger } from '../observability/logging.ts';
import { TestClock } from '../time/clock.ts';
import { DELIVER_TIMER, enqueueMessage, INTERRUPTED, type MessageInput, registerOutbox } from './outbox.ts';
import { logTransport, notifyTransport, type OutgoingMessage, type SendResult, type Transport, TransportError } from './transports.ts';

/** A transport that records what it was asked to send and answers as told (the provider's side). */
class RecordingTransport implements Transport {
  readonly name = 'recording';
  readonly sent: OutgoingMessage[] = [];
  readonly answers: (() => Promise<SendResult>)[] = [];
  async send(message: OutgoingMessage): Promise<SendResult> {
    this.sent.push(message);
    const next = this.answers.shift();
    return next ? next() : { outcome: 'sent', providerReference: `ref-${this.sent.length}` };
  }
}

const SMS: MessageInput = { channel: 'sms', to: '07700 900 456', kind: 'test.hello', personalisation: { body: 'Hello from the test' } };

for (const dialect of testDialects()) {
  describe(`outbox (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => {
      await t?.close();
    });

    async function world(transport: Transport = new RecordingTransport()): Promise<{ platform: Platform; clock: TestClock }> {
      // Each test delivers only its own messages: earlier tests' timers are put out of the way.
      await t.db.write((tx) => tx.updateTable('timers').set({ status: 'done' }).where('status', 'in', ['pending', 'running']).execute());
      const clock = new TestClock('2026-12-01T10:00:00.000Z');
      const platform = createPlatform(testConfig(), t.db, clock);
      registerOutbox(platform, transport);
      return { platform, clock };
    }

    async function message(platform: Platform, id: string) {
      return platform.db.read
        .selectFrom('outbox_messages')
        .select(['status', 'attempts', 'recipient', 'provider_reference', 'sent_at', 'last_error'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    }
    async function deliveryTimer(platform: Platform, id: string) {
      return platform.db.read.selectFrom('timers').select(['status', 'attempts', 'kind']).where('dedupe_key', '=', `${DELIVER_TIMER}:${id}`).executeTakeFirstOrThrow();
    }

    it('leaves no message and no timer when the unit of work that wrote them fails', async () => {
      const { platform } = await world();
      let id: string | null = null;
      await assert.rejects(
        platform.db.write(async (tx) => {
          id = await enqueueMessage(tx, platform.clock, SMS);
          throw new Error('the change fails');
        }),
      );
      assert.ok(id);
      const messages = await t.db.read.selectFrom('outbox_messages').select(['id']).where('id', '=', id).execute();
      const timers = await t.db.read.selectFrom('timers').select(['id']).where('dedupe_key', '=', `${DELIVER_TIMER}:${id}`).execute();
      assert.equal(messages.length, 0);
      assert.equal(timers.length, 0);
    });

    it('delivers a message once through the transport and marks it sent with the provider reference', async () => {
      const transport = new RecordingTransport();
      const { platform } = await world(transport);
      const id = (await platform.db.write((tx) => enqueueMessage(tx, platform.clock, SMS)))!;
      assert.equal((await message(platform, id)).recipient, '07700900456');
      await runDueTimers(platform);
      await runDueTimers(platform);
      assert.equal(transport.sent.length, 1);
      assert.deepEqual(transport.sent[0], { id, channel: 'sms', recipient: '07700900456', kind: 'test.hello', personalisation: { body: 'Hello from the test' } });
      const m = await message(platform, id);
      assert.equal(m.status, 'sent');
      assert.equal(m.attempts, 1);
      assert.equal(m.provider_reference, 'ref-1');
      assert.equal(m.sent_at, '2026-12-01T10:00:00.000Z');
      assert.equal((await deliveryTimer(platform, id)).status, 'done');
    });

    it('writes one message per dedupe key', async () => {
      const { platform } = await world();
      const key = `test:once:${Math.random()}`;
      const first = await platform.db.write((tx) => enqueueMessage(tx, platform.clock, { ...SMS, dedupeKey: key }));
      const again = await platform.db.write((tx) => enqueueMessage(tx, platform.clock, { ...SMS, dedupeKey: key }));
      assert.ok(first);
      assert.equal(again, null);
    });

    it('tries again later when the provider surely did not take it, and sends it once then', async () => {
      const transport = new RecordingTransport();
      transport.answers.push(async () => {
        throw new TransportError('GOV.UK Notify answered HTTP 500', true);
      });
      const { platform, clock } = await world(transport);
      const id = (await platform.db.write((tx) => enqueueMessage(tx, platform.clock, SMS)))!;
      await runDueTimers(platform);
      let m = await message(platform, id);
      assert.equal(m.status, 'pending');
      assert.equal(m.last_error, 'GOV.UK Notify answered HTTP 500');
      clock.advance(30_000);
      await runDueTimers(platform);
      m = await message(platform, id);
      assert.equal(m.status, 'sent');
      assert.equal(m.attempts, 2);
      assert.equal(transport.sent.length, 2);
    });

    it('does not send again a message that may have gone (no answer), and marks it for review', async () => {
      const transport = new RecordingTransport();
      transport.answers.push(async () => {
        throw new TransportError('No answer from GOV.UK Notify (it may have been sent)', false);
      });
      const { platform, clock } = await world(transport);
      const id = (await platform.db.write((tx) => enqueueMessage(tx, platform.clock, SMS)))!;
      await runDueTimers(platform);
      assert.equal((await message(platform, id)).status, 'sending');
      clock.advance(30_000);
      await runDueTimers(platform);
      const m = await message(platform, id);
      assert.equal(m.status, 'failed');
      assert.equal(m.last_error, INTERRUPTED);
      assert.equal(transport.sent.length, 1, 'sent once, never twice');
      assert.equal((await deliveryTimer(platform, id)).status, 'done');
    });

    it('marks for review, without sending, a message left sending by a crash', async () => {
      const transport = new RecordingTransport();
      const { platform } = await world(transport);
      const id = (await platform.db.write((tx) => enqueueMessage(tx, platform.clock, SMS)))!;
      // A process marked it sending, committed, and died before it could record the answer.
      await t.db.write((tx) => tx.updateTable('outbox_messages').set({ status: 'sending', attempts: 1 }).where('id', '=', id).execute());
      await runDueTimers(platform);
      const m = await message(platform, id);
      assert.equal(m.status, 'failed');
      assert.equal(m.last_error, INTERRUPTED);
      assert.equal(transport.sent.length, 0);
    });

    it('fails a message the provider refuses for good, without retrying', async () => {
      const transport = new RecordingTransport();
      transport.answers.push(async () => ({ outcome: 'rejected', reason: 'GOV.UK Notify answered HTTP 400 (ValidationError)' }));
      const { platform, clock } = await world(transport);
      const id = (await platform.db.write((tx) => enqueueMessage(tx, platform.clock, SMS)))!;
      await runDueTimers(platform);
      clock.advance(3_600_000);
      await runDueTimers(platform);
      const m = await message(platform, id);
      assert.equal(m.status, 'failed');
      assert.match(m.last_error ?? '', /HTTP 400/);
      assert.equal(transport.sent.length, 1);
    });
  });
}

describe('the log transport', () => {
  it('logs the message id and kind, never the recipient or the text', async () => {
    const lines: string[] = [];
    const log = createLogger(
      { ...testConfig(), logLevel: 'info' },
      new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const result = await logTransport(log).send({ id: 'm-1', channel: 'sms', recipient: '07700900456', kind: 'test.hello', personalisation: { body: 'Hello Jane' } });
    assert.deepEqual(result, { outcome: 'sent', providerReference: null });
    const out = lines.join('');
    assert.match(out, /"messageId":"m-1"/);
    assert.match(out, /"kind":"test.hello"/);
    assert.doesNotMatch(out, /07700900456|Hello Jane/);
  });
});

describe('the GOV.UK Notify transport', () => {
  // A local HTTP server answering as Notify's API does, so the real client's requests can be read.
  let server: http.Server;
  let baseUrl: string;
  const received: { url: string; auth: string; body: Record<string, unknown> }[] = [];
  let answer: { status: number; body: unknown } = { status: 201, body: { id: 'notify-id-1' } };
  before(async () => {
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => {
        received.push({ url: req.url ?? '', auth: String(req.headers.authorization), body: JSON.parse(data || '{}') });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const settings = {
    apiKey: 'mutual_test-11111111-1111-4111-8111-111111111111-22222222-2222-4222-8222-222222222222',
    smsTemplateId: 'sms-template',
    emailTemplateId: 'email-template',
  };
  const sms: OutgoingMessage = { id: 'message-1', channel: 'sms', recipient: '07700900456', kind: 'test.hello', personalisation: { body: 'Hello' } };

  it('sends an SMS with the template, the text as personalisation and the message id as reference', async () => {
    answer = { status: 201, body: { id: 'notify-id-1' } };
    const result = await notifyTransport(settings, { baseUrl }).send(sms);
    assert.deepEqual(result, { outcome: 'sent', providerReference: 'notify-id-1' });
    const req = received.at(-1)!;
    assert.equal(req.url, '/v2/notifications/sms');
    assert.match(req.auth, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.deepEqual(req.body, { template_id: 'sms-template', phone_number: '07700900456', personalisation: { body: 'Hello' }, reference: 'message-1' });
  });

  it('sends an email with its subject and body', async () => {
    answer = { status: 201, body: { id: 'notify-id-2' } };
    await notifyTransport(settings, { baseUrl }).send({ ...sms, channel: 'email', recipient: 'someone@example.org', personalisation: { subject: 'S', body: 'B' } });
    const req = received.at(-1)!;
    assert.equal(req.url, '/v2/notifications/email');
    assert.deepEqual(req.body, { template_id: 'email-template', email_address: 'someone@example.org', personalisation: { subject: 'S', body: 'B' }, reference: 'message-1' });
  });

  it('reports a refusal (400) for good, and a server error (500) as surely not sent', async () => {
    answer = { status: 400, body: { status_code: 400, errors: [{ error: 'ValidationError', message: 'phone_number Not a UK mobile number' }] } };
    assert.deepEqual(await notifyTransport(settings, { baseUrl }).send(sms), { outcome: 'rejected', reason: 'GOV.UK Notify answered HTTP 400 (ValidationError)' });
    answer = { status: 500, body: { status_code: 500, errors: [{ error: 'Exception', message: 'Internal server error' }] } };
    await assert.rejects(notifyTransport(settings, { baseUrl }).send(sms), (e: unknown) => e instanceof TransportError && e.certainlyNotSent && /HTTP 500/.test(e.message));
  });

  it('reports no answer as possibly sent', async () => {
    await assert.rejects(
      notifyTransport(settings, { baseUrl: 'http://127.0.0.1:9' }).send(sms),
      (e: unknown) => e instanceof TransportError && !e.certainlyNotSent,
    );
  });
});
