import { recordAudit } from '../../platform/access/audit.ts';
import type { Platform } from '../../platform/context.ts';

// What a person is told about their request: the status in plain words, nothing more.
export const STATUS_WORDS: Record<string, { title: string; text: string }> = {
  received: { title: 'We have your request', text: 'Someone from the team will contact you by the time we gave you.' },
  contacted: { title: 'We have been in touch', text: 'Someone from the team has spoken with you and is working out the right support.' },
  arranging: { title: 'Support is being arranged', text: 'We are arranging support for you with another team or service.' },
  closed: { title: 'Closed', text: 'This request is closed. If you need help again, you can ask at any time.' },
};

/** Records that someone looked up a request's status (a read of data about a person). */
export async function auditStatusLookup(platform: Platform, reference: string, address: string): Promise<void> {
  await platform.db.write((tx) =>
    recordAudit(tx, {
      at: platform.clock.now(),
      actorUserId: null,
      actorRole: 'public',
      action: 'front-door.request.status',
      entityType: 'request',
      entityId: reference,
      purpose: 'status enquiry',
      outcome: 'success',
      address,
    }),
  );
}
