// What a provider-admin change does besides writing the service, inside the same unit of work:
// an audit event, and the six-month review timer (rescheduled on every review). The timer's
// handler nudges the organisation's provider admins through the outbox.
import { DateTime } from 'luxon';
import { recordAudit } from '../../platform/access/audit.ts';
import { rolesOf } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { scheduleTimer } from '../../platform/jobs/timers.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { ZONE } from './hours.ts';
import { type ManageEffects, reviewDueDate } from './manage.ts';
import { paths } from './paths.ts';
import { loadServiceRecord, membersWithRole } from './store.ts';

export const REVIEW_TIMER = 'directory.review-due';

export interface ReviewPayload {
  serviceId: string;
  /** The review this nudge follows: a later review makes it stale. */
  assuredDate: string;
}

export function manageEffects(): ManageEffects {
  return {
    async changed(tx, { actor, action, serviceId, at, reviewDue }) {
      await recordAudit(tx, {
        at,
        actorUserId: actor.kind === 'user' ? actor.userId : null,
        actorRole: rolesOf(actor).includes('provider-admin') ? 'provider-admin' : (rolesOf(actor)[0] ?? null),
        action,
        entityType: 'directory-service',
        entityId: serviceId,
        outcome: 'success',
      });
      if (reviewDue) {
        const assuredDate = DateTime.fromJSDate(at, { zone: ZONE }).toISODate()!;
        await scheduleReviewNudge(tx, serviceId, assuredDate, reviewDue);
      }
    },
  };
}

export async function scheduleReviewNudge(tx: Tx, serviceId: string, assuredDate: string, dueAt: Date): Promise<void> {
  const payload: ReviewPayload = { serviceId, assuredDate };
  await scheduleTimer(tx, { kind: REVIEW_TIMER, dueAt, payload, dedupeKey: `${REVIEW_TIMER}:${serviceId}:${assuredDate}` });
}

/** The nudge: if the service is still unreviewed since then, tell each provider admin of its organisation. */
export async function handleReviewDue(platform: Platform, tx: Tx, payload: ReviewPayload): Promise<number> {
  const record = await loadServiceRecord(tx, payload.serviceId);
  if (!record || record.status === 'inactive' || record.status === 'defunct') return 0;
  if (record.assuredDate && record.assuredDate > payload.assuredDate) return 0; // reviewed since: a newer timer follows
  const orgId = record.organisation.platformOrganisationId;
  if (!orgId) return 0;
  const admins = await membersWithRole(tx, orgId, 'provider-admin');
  const link = `${platform.config.publicUrl}${paths.manageEditHref(record.id)}`;
  for (const admin of admins) {
    await enqueueMessage(tx, platform.clock, {
      channel: 'email',
      to: admin.email,
      kind: 'directory.review-due',
      personalisation: {
        subject: `Please check your directory entry: ${record.name}`,
        body: `The directory entry for ${record.name} was last checked on ${record.assuredDate ?? 'an unknown date'} (a check was due ${reviewDueDate(record.assuredDate ?? payload.assuredDate)}). Please check it is still right and mark it as reviewed: ${link}`,
      },
      dedupeKey: `${REVIEW_TIMER}:${record.id}:${payload.assuredDate}:${admin.id}`,
    });
  }
  return admins.length;
}
