// The outbox: SMS and email are written here in the same unit of work as the change that causes
// them, with an `outbox:deliver` timer due at once, so a message exists if and only if its change
// committed. The timer worker delivers it and retries with the timers' backoff.
//
// No message is sent twice. Delivery runs in three steps: (1) mark the message `sending` and
// commit; (2) call the provider, outside any transaction; (3) mark it `sent` together with the
// timer's completion. A message found still `sending` at step 1 was interrupted between (1) and (3)
// (a crash, or a provider that did not answer): it may have reached the person, so it is NOT sent
// again blindly. It is marked `failed` with a reason that says so, and shows on the admin outbox page
// for someone to check with the provider and resend by hand. A duplicate crisis text is a smaller
// harm than a silent loss, but a person getting the same message twice erodes trust in every
// message, and the failure is visible rather than silent. When the provider answers with an error
// it surely did not send, the message goes back to `pending` and the timer retries it.
import type { Kysely } from 'kysely';
import type { Platform } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { newId, parseJson, toJson } from '../db/ids.ts';
import type { DB } from '../db/tables.ts';
import { type StagedTimerHandler, safeErrorSummary, scheduleNewTimer, scheduleTimer } from '../jobs/timers.ts';
import type { Clock } from '../time/clock.ts';
import { insertMessage, insertNewMessage, messageById, moveMessage, type OutboxRow } from './store.ts';
import { type OutgoingMessage, type SendResult, type Transport, TransportError } from './transports.ts';

export const DELIVER_TIMER = 'outbox:deliver';

export interface MessageInput {
  channel: 'sms' | 'email';
  /** A UK mobile number (spaces allowed) or an email address. */
  to: string;
  /** What the message is, for logs and the admin page: e.g. `front-door.acknowledgement`. */
  kind: string;
  /** The template's fields: `body` always; `subject` for email. */
  personalisation: { body: string; subject?: string } & Record<string, string>;
  /** At most one message ever exists for a key (a repeat enqueue does nothing). */
  dedupeKey?: string | null;
  /** The person the message goes to, when it goes to a person: their subject access export lists it. */
  personId?: string | null;
}

export const INTERRUPTED =
  'Interrupted while sending: it may have been delivered, so it was not sent again. Check with the provider before resending by hand.';

/**
 * Writes a message and its delivery timer in the caller's transaction. Returns its id, or null when
 * the dedupe key was taken. A message without a dedupe key is new by construction, so it and its
 * timer are written with the unit's batch (src/platform/db/staging.ts).
 */
export async function enqueueMessage(tx: Kysely<DB>, clock: Clock, input: MessageInput): Promise<string | null> {
  const recipient = input.channel === 'sms' ? input.to.replace(/[\s()-]/g, '') : input.to.trim();
  if (!recipient) throw new Error(`A ${input.channel} message of kind ${input.kind} needs a recipient.`);
  if (input.channel === 'email' && !input.personalisation.subject) throw new Error(`An email of kind ${input.kind} needs a subject.`);
  if (!input.personalisation.body) throw new Error(`A message of kind ${input.kind} needs a body.`);
  const now = clock.now();
  const id = newId();
  const row: OutboxRow = {
    id,
    channel: input.channel,
    recipient,
    kind: input.kind,
    personalisation: toJson(input.personalisation),
    status: 'pending',
    attempts: 0,
    provider_reference: null,
    dedupe_key: input.dedupeKey ?? null,
    created_at: now.toISOString(),
    sent_at: null,
    last_error: null,
    person_id: input.personId ?? null,
  };
  const timer = { kind: DELIVER_TIMER, dueAt: now, payload: { messageId: id }, dedupeKey: `${DELIVER_TIMER}:${id}` };
  if (!input.dedupeKey) {
    await insertNewMessage(tx, row);
    await scheduleNewTimer(tx, timer);
    return id;
  }
  if (!(await insertMessage(tx, row))) return null;
  await scheduleTimer(tx, timer);
  return id;
}

/** The `outbox:deliver` timer: the three steps above, through the given transport. */
export function deliveryHandler(platform: Platform, transport: Transport): StagedTimerHandler<OutgoingMessage, SendResult> {
  const now = () => platform.clock.now().toISOString();
  return {
    async prepare(tx: Tx, payload) {
      const { messageId } = payload as { messageId: string };
      const m = await messageById(tx, messageId);
      if (!m || m.status === 'sent' || m.status === 'failed') return null;
      if (m.status === 'sending') {
        await moveMessage(tx, m.id, 'sending', { status: 'failed', last_error: INTERRUPTED });
        return null;
      }
      await moveMessage(tx, m.id, 'pending', { status: 'sending', attempts: m.attempts + 1 });
      return {
        id: m.id,
        channel: m.channel,
        recipient: m.recipient,
        kind: m.kind,
        personalisation: parseJson<Record<string, string>>(m.personalisation) ?? {},
      };
    },
    act(message) {
      return transport.send(message);
    },
    async finish(tx, message, result) {
      if (result.outcome === 'sent') {
        await moveMessage(tx, message.id, 'sending', { status: 'sent', provider_reference: result.providerReference, sent_at: now(), last_error: null });
      } else {
        await moveMessage(tx, message.id, 'sending', { status: 'failed', last_error: result.reason.slice(0, 500) });
      }
    },
    async failed(tx, message, error, final) {
      const reason = safeErrorSummary(error);
      if (error instanceof TransportError && error.certainlyNotSent) {
        await moveMessage(tx, message.id, 'sending', { status: final ? 'failed' : 'pending', last_error: reason });
      } else {
        // It may have been sent: leave it `sending`, so the next attempt marks it for review instead of sending it again.
        await moveMessage(tx, message.id, 'sending', final ? { status: 'failed', last_error: `${reason}. ${INTERRUPTED}` } : { last_error: reason });
      }
    },
  };
}

/** Registers delivery with the timer worker (called once, when the app is built). */
export function registerOutbox(platform: Platform, transport: Transport): void {
  platform.timers.registerStaged(DELIVER_TIMER, deliveryHandler(platform, transport));
}
