// Break glass (issue 5, item 9): a practitioner whose team is not involved may still see a person
// when they must (urgent care, safeguarding), by writing why. The grant lasts 24 hours, then the
// glass must be broken again. Each one is audited, its team's leads are told by email (no personal
// data in the message), it waits on the leads' review list until one of them reviews it with a note
// (never the person who broke the glass), and it is kept so the person can see it in their access log.
import { type Actor, authorize, organisationsWhere, teamsWhere } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { formatDateTime } from '../../platform/views/format.ts';
import { accessTo, auditPeople, grantingMemberships, PURPOSE_BREAK_GLASS, READ, rootOf } from './access.ts';
import { paths } from './paths.ts';
import type { BREAK_GLASS_REASONS } from './schemas.ts';
import { grantById, grantsForReview, insertBreakGlassGrant, leadsToTell, reviewGrant, teamName } from './store.ts';

export const BREAK_GLASS_HOURS = 24;
export const REVIEW = 'access:review';
/** The review list shows this many grants, unreviewed first. */
export const REVIEWS_SHOWN = 100;

const PURPOSE_REVIEW = 'reviewing emergency access';

export interface BreakGlassInput {
  reasonKind: (typeof BREAK_GLASS_REASONS)[number]['value'];
  reason: string;
}

/**
 * Grants the actor access to the person for BREAK_GLASS_HOURS, with their reason, and tells their
 * team's leads. An actor whose team is involved already needs no glass broken: nothing is granted.
 * Returns the record to show.
 */
export async function breakGlass(platform: Platform, actor: Actor, personId: string, input: BreakGlassInput, address?: string | null): Promise<{ rootId: string; grantId: string | null }> {
  if (actor.kind !== 'user' || !authorize(actor, READ)) throw new NotFoundError();
  const membership = grantingMemberships(actor, READ)[0]!;
  return platform.db.write(async (tx) => {
    const rootId = await rootOf(tx, personId);
    if (!rootId) throw new NotFoundError();
    const current = await accessTo(platform, tx, actor, rootId, READ);
    if (current?.via === 'involvement') return { rootId, grantId: null };
    const now = platform.clock.now();
    const expiresAt = new Date(now.getTime() + BREAK_GLASS_HOURS * 3_600_000);
    const grantId = await insertBreakGlassGrant(tx, {
      personId: rootId,
      userId: actor.userId,
      role: membership.role,
      teamId: membership.teamId,
      organisationId: membership.organisationId,
      reasonKind: input.reasonKind,
      reason: input.reason,
      at: now,
      expiresAt,
    });
    const team = await teamName(tx, membership.teamId);
    const leads = (await leadsToTell(tx, membership.teamId, membership.organisationId)).filter((l) => l.id !== actor.userId);
    for (const lead of leads) {
      await enqueueMessage(tx, platform.clock, {
        channel: 'email',
        to: lead.email,
        kind: 'people.break-glass',
        personalisation: {
          subject: 'Emergency access to a record: please review',
          body:
            `${actor.displayName} (${membership.role}${team ? `, ${team}` : ''}) used emergency access ("break glass") to see a person's record at ${formatDateTime(now)}, for up to ${BREAK_GLASS_HOURS} hours. ` +
            `Their reason is recorded. Please review it: ${platform.config.publicUrl}${paths.accessReviews}`,
        },
      });
    }
    await auditPeople(tx, now, { user: actor, role: membership.role, teamId: membership.teamId, purpose: PURPOSE_BREAK_GLASS }, 'people.break-glass', [rootId], { type: 'break-glass-grant', id: grantId }, address);
    return { rootId, grantId };
  });
}

function reviewScope(actor: Extract<Actor, { kind: 'user' }>) {
  return { teamIds: teamsWhere(actor, REVIEW), organisationIds: organisationsWhere(actor, REVIEW) };
}

function reviewer(actor: Extract<Actor, { kind: 'user' }>) {
  const m = actor.memberships.find((x) => x.role === 'team-lead' && x.teamId) ?? actor.memberships.find((x) => x.role === 'team-lead') ?? actor.memberships[0];
  return { user: actor, role: m?.role ?? 'team-lead', teamId: m?.teamId ?? null, purpose: PURPOSE_REVIEW };
}

/**
 * The break-glass grants of the lead's teams (and of members of their organisations who are in no
 * team), unreviewed first. A reason is about a person: each person's access log records the view.
 */
export async function accessReviews(platform: Platform, actor: Actor, address?: string | null) {
  if (actor.kind !== 'user' || !authorize(actor, REVIEW)) throw new NotFoundError();
  const now = platform.clock.now();
  const rows = await grantsForReview(platform.db.read, reviewScope(actor), REVIEWS_SHOWN);
  if (rows.length > 0) {
    await platform.db.write(async (tx) => {
      for (const r of rows) {
        await auditPeople(tx, now, reviewer(actor), 'people.break-glass.review-list', [r.person_id], { type: 'break-glass-grant', id: r.id }, address);
      }
    });
  }
  return rows.map((r) => ({ ...r, own: r.user_id === actor.userId, inForce: r.expires_at > now.toISOString() }));
}

/** A lead's review of a grant, with their note. Nobody reviews their own break-glass. */
export async function reviewAccess(platform: Platform, actor: Actor, grantId: string, note: string, address?: string | null): Promise<void> {
  if (actor.kind !== 'user' || !authorize(actor, REVIEW)) throw new NotFoundError();
  await platform.db.write(async (tx) => {
    const grant = await grantById(tx, grantId);
    const scope = reviewScope(actor);
    const visible = grant && (grant.team_id ? scope.teamIds.includes(grant.team_id) : scope.organisationIds.includes(grant.organisation_id));
    if (!grant || !visible) throw new NotFoundError();
    if (grant.user_id === actor.userId) throw new InputError([{ field: 'note', message: 'Another team lead must review your own emergency access' }]);
    const now = platform.clock.now();
    if (!(await reviewGrant(tx, grantId, { by: actor.userId, note, at: now }))) throw new ConflictError('This emergency access has been reviewed already.');
    await auditPeople(tx, now, reviewer(actor), 'people.break-glass.review', [grant.person_id], { type: 'break-glass-grant', id: grantId }, address);
  });
}
