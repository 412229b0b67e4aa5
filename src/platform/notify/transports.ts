// How a message leaves: the `log` transport (development and demo: nothing leaves the process; the
// log line carries the message id and kind only, never the recipient or text) or GOV.UK Notify
// (notifications-node-client) when NOTIFY_API_KEY is set. Notify templates take the text as
// personalisation: an SMS template of `((body))`, an email template with subject `((subject))` and
// body `((body))`. The outbox message id is sent as Notify's `reference`.
import notifications from 'notifications-node-client';
import type { Config } from '../../config.ts';
import { OperationalError } from '../jobs/timers.ts';
import type { Log } from '../observability/logging.ts';

export interface OutgoingMessage {
  id: string;
  channel: 'sms' | 'email';
  recipient: string;
  kind: string;
  personalisation: Record<string, string>;
}

export type SendResult = { outcome: 'sent'; providerReference: string | null } | { outcome: 'rejected'; reason: string };

export interface Transport {
  readonly name: string;
  /** Sends, or says the provider refused it for good; throws TransportError to try again later. */
  send(message: OutgoingMessage): Promise<SendResult>;
}

/**
 * A failure to send. `certainlyNotSent` says whether the provider surely did not take the message
 * (it answered with an error); when false (a timeout, a dropped connection) it may have been sent.
 * The message is safe to store: it names a status or error type, never the recipient or text.
 */
export class TransportError extends OperationalError {
  override name = 'TransportError';
  constructor(
    message: string,
    readonly certainlyNotSent: boolean,
  ) {
    super(message);
  }
}

export function logTransport(log: Log): Transport {
  return {
    name: 'log',
    async send(message) {
      log.info({ messageId: message.id, kind: message.kind, channel: message.channel }, 'message sent (log transport)');
      return { outcome: 'sent', providerReference: null };
    },
  };
}

interface NotifyLike {
  sendSms(templateId: string, phone: string, options: { personalisation: Record<string, string>; reference: string }): Promise<{ data: { id: string } }>;
  sendEmail(templateId: string, email: string, options: { personalisation: Record<string, string>; reference: string }): Promise<{ data: { id: string } }>;
}

export function notifyTransport(
  settings: { apiKey: string; smsTemplateId: string; emailTemplateId: string },
  options: { baseUrl?: string } = {},
): Transport {
  const client: NotifyLike = (
    options.baseUrl ? new notifications.NotifyClient(options.baseUrl, settings.apiKey) : new notifications.NotifyClient(settings.apiKey)
  ) as unknown as NotifyLike;
  return {
    name: 'notify',
    async send(message) {
      const opts = { personalisation: message.personalisation, reference: message.id };
      try {
        const res =
          message.channel === 'sms'
            ? await client.sendSms(settings.smsTemplateId, message.recipient, opts)
            : await client.sendEmail(settings.emailTemplateId, message.recipient, opts);
        return { outcome: 'sent', providerReference: res.data.id };
      } catch (error) {
        const failure = classifyNotifyError(error);
        if (failure instanceof TransportError) throw failure;
        return failure;
      }
    },
  };
}

/** Notify's errors (https://docs.notifications.service.gov.uk/node.html#error-codes), by what to do next. */
function classifyNotifyError(error: unknown): TransportError | SendResult {
  const response = (error as { response?: { status?: number; data?: { errors?: { error?: string }[] } } }).response;
  if (!response?.status) return new TransportError('No answer from GOV.UK Notify (it may have been sent)', false);
  const types = (response.data?.errors ?? []).map((e) => e.error).filter((e): e is string => typeof e === 'string' && /^\w{1,40}$/.test(e));
  const what = `GOV.UK Notify answered HTTP ${response.status}${types.length ? ` (${types.join(', ')})` : ''}`;
  // 400: the message itself is wrong (a number Notify will not send to, a missing field): retrying cannot help.
  if (response.status === 400) return { outcome: 'rejected', reason: what };
  // 403 (key), 429 (rate or daily limit), 5xx: not sent; try again later.
  return new TransportError(what, true);
}

/** The transport the configuration asks for. */
export function transportFor(config: Config, log: Log): Transport {
  const { apiKey, smsTemplateId, emailTemplateId } = config.notify;
  if (apiKey && smsTemplateId && emailTemplateId) return notifyTransport({ apiKey, smsTemplateId, emailTemplateId });
  return logTransport(log);
}
