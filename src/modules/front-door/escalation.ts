// Warnings and escalations (issue 4, item 9). The timers scheduled at submission run these inside
// the same unit of work that marks the timer done, so each happens exactly once. A request already
// contacted or closed is left alone. A breach is recorded once per request (a unique index backs it),
// shows in the queue, and tells the team's leads; breaches are listed for review.
import { recordAudit } from '../../platform/access/audit.ts';
import type { Platform } from '../../platform/context.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { formatDateTime } from '../../platform/views/format.ts';
import type { Tx } from './queue.ts';
import { addEvent, recordBreachOnce, requestById, teamLeadEmails, updateRequest, userEmail } from './store.ts';

function needsContact(r: { status: string; first_contact_at: string | null }): boolean {
  return r.status !== 'closed' && r.first_contact_at === null;
}

export async function onWarning(platform: Platform, tx: Tx, requestId: string): Promise<void> {
  const now = platform.clock.now();
  const r = await requestById(tx, requestId);
  if (!r || !needsContact(r)) return;
  const recorded = await recordBreachOnce(tx, { requestId, kind: 'warning', targetAt: r.contact_target_at, at: now, teamId: r.team_id });
  if (!recorded) return;
  await addEvent(tx, requestId, now, null, 'target-warning', { targetAt: r.contact_target_at });
  const to = r.owner_user_id ? await userEmail(tx, r.owner_user_id) : undefined;
  const recipients = to && !to.disabled_at ? [to.email] : r.team_id ? (await teamLeadEmails(tx, r.team_id)).map((u) => u.email) : [];
  for (const email of recipients) {
    await enqueueMessage(tx, platform.clock, {
      channel: 'email',
      to: email,
      kind: 'front-door.target-warning',
      personalisation: {
        subject: `Request ${r.reference}: contact due by ${formatDateTime(r.contact_target_at)}`,
        body: `Request ${r.reference} (${r.urgency}) has not been contacted yet. Its contact target is ${formatDateTime(r.contact_target_at)}. Open the front door queue to act on it.`,
      },
    });
  }
}

export async function onBreach(platform: Platform, tx: Tx, requestId: string): Promise<void> {
  const now = platform.clock.now();
  const r = await requestById(tx, requestId);
  if (!r || !needsContact(r)) return;
  const recorded = await recordBreachOnce(tx, { requestId, kind: 'breach', targetAt: r.contact_target_at, at: now, teamId: r.team_id });
  if (!recorded) return;
  await updateRequest(tx, requestId, now, { escalated_at: now.toISOString() });
  await addEvent(tx, requestId, now, null, 'target-breached', { targetAt: r.contact_target_at });
  const leads = r.team_id ? await teamLeadEmails(tx, r.team_id) : [];
  for (const lead of leads) {
    await enqueueMessage(tx, platform.clock, {
      channel: 'email',
      to: lead.email,
      kind: 'front-door.breach',
      personalisation: {
        subject: `Request ${r.reference} passed its contact target`,
        body: `Request ${r.reference} (${r.urgency}) was not contacted by its target, ${formatDateTime(r.contact_target_at)}. It is marked as breached in the front door queue. Please make sure someone contacts the person now.`,
      },
    });
  }
  await recordAudit(tx, {
    at: now,
    actorUserId: null,
    actorRole: 'system',
    action: 'front-door.request.breach',
    entityType: 'request',
    entityId: requestId,
    personId: r.person_id,
    purpose: 'direct care',
    outcome: 'success',
  });
}
