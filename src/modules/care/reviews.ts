// DIALOG-style reviews (issue 5, item 5). At each review the person rates areas of their life and their
// care from 1 to 7 and says for each whether they want more help. A practitioner enters it with the
// person (on the coordination's page), or the person enters it themself in their portal. The trend
// across reviews is a server-rendered SVG with a table of the same numbers (chart.ts).
//
// The wording of the items and the scale is data (dialog-items.json), checked when the module loads:
// an alliance may reword or translate it without touching code. Ratings are kept by item key, with
// the version of the wording used, so past reviews still read after a change.
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, authorize } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import { datePartValues, freeText, optional } from '../../platform/http/fields.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { endOfNextWorkingDay, OFFICE_HOURS, openingHoursFromJson } from '../../platform/time/calendar.ts';
import { ZONE } from '../../platform/views/format.ts';
import {
  announceAndMakeSureSomeoneKnows,
  auditNetworkView,
  auditOwnView,
  type EntryAdded,
  type EntryNotice,
  mayView,
  networkAccess,
  ownRecords,
  PRIVACY_LABEL_NAMES,
  PRIVACY_LABELS,
  type PrivacyLabel,
  personSummary,
  type TimelineEntry,
} from '../people/index.ts';
import { trendChartSvg, type TrendInput, trendTable } from './chart.ts';
import { auditCoordination, CARE_READ, CARE_WRITE, type CoordinationAccess, coordinationAccess } from './coordination.ts';
import itemData from './dialog-items.json' with { type: 'json' };
import { paths } from './paths.ts';
import { coordinationsOf, teamById } from './plan-store.ts';
import { insertReview, type ReviewRow, reviewEntriesOf, reviewsOf, teamForReviewTask } from './review-store.ts';
import { createTask } from './tasks.ts';

// ---- the items, from dialog-items.json ----

const itemsFileSchema = z.object({
  version: z.string().min(1),
  scale: z
    .array(z.object({ value: z.number().int(), label: z.string().min(1) }))
    .refine((s) => s.length === 7 && s.every((p, i) => p.value === i + 1), 'the scale must name the points 1 to 7 in order'),
  groups: z
    .array(
      z.object({
        key: z.string().min(1),
        title: z.string().min(1),
        items: z.array(z.object({ key: z.string().regex(/^[a-z][a-z0-9-]*$/), label: z.string().min(1), question: z.string().min(1), hint: z.string().optional() })).min(1),
      }),
    )
    .min(1)
    .refine((groups) => {
      const keys = groups.flatMap((g) => g.items.map((i) => i.key));
      return new Set(keys).size === keys.length;
    }, 'each item key must be used once'),
});

export type ReviewItems = z.output<typeof itemsFileSchema>;
export type ReviewItem = ReviewItems['groups'][number]['items'][number];

/** Checks item data (the shipped file, or an alliance's edit of it); throws with what is wrong. */
export function parseReviewItems(data: unknown): ReviewItems {
  const parsed = itemsFileSchema.safeParse(data);
  if (!parsed.success) throw new Error(`dialog-items.json is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The review's questions and scale, as shipped in dialog-items.json (checked once, when the module loads). */
export const REVIEW_ITEMS: ReviewItems = parseReviewItems(itemData);

export const allItems = (items: ReviewItems = REVIEW_ITEMS): ReviewItem[] => items.groups.flatMap((g) => g.items);

// ---- the form ----

export const ratingField = (key: string) => `rating-${key}`;
export const helpField = (key: string) => `help-${key}`;

export interface ReviewInput {
  ratings: { itemKey: string; rating: number; wantsMoreHelp: boolean }[];
  comment: string | null;
  privacyLabel: PrivacyLabel;
  /** The day of the review (YYYY-MM-DD, Europe/London) when the form asks for it; otherwise today. */
  reviewedOn: string | null;
}

/**
 * The review form: a rating from 1 to 7 and "more help?" for every item, an optional comment, the
 * privacy label, and (for practitioners) the day of the review. Every problem is reported at once,
 * in page order, each on its own field.
 */
export function reviewSchema(options: { items?: ReviewItems; withDate: boolean; now: () => Date }) {
  const items = allItems(options.items);
  const rest = z.object({
    comment: optional(freeText({ max: 2000, what: 'anything else' })),
    privacyLabel: z.enum(PRIVACY_LABELS, { error: 'Choose who in the network may see this review' }),
  });
  return z.looseObject({}).transform((input, ctx) => {
    const ratings: ReviewInput['ratings'] = [];
    let reviewedOn: string | null = null;
    if (options.withDate) {
      const { day, month, year } = datePartValues(input, 'reviewedOn');
      const date = /^\d{1,2}$/.test(day) && /^\d{1,2}$/.test(month) && /^\d{4}$/.test(year) ? DateTime.fromObject({ year: +year, month: +month, day: +day }, { zone: ZONE }) : null;
      const today = DateTime.fromJSDate(options.now()).setZone(ZONE).startOf('day');
      if (!day && !month && !year) ctx.addIssue({ code: 'custom', path: ['reviewedOn'], message: 'Enter the date of the review' });
      else if (!date?.isValid) ctx.addIssue({ code: 'custom', path: ['reviewedOn'], message: 'The date of the review must be a real date, like 27 11 2026' });
      else if (date > today) ctx.addIssue({ code: 'custom', path: ['reviewedOn'], message: 'The date of the review must be today or in the past' });
      else if (date < today.minus({ years: 1 })) ctx.addIssue({ code: 'custom', path: ['reviewedOn'], message: 'The date of the review must be within the last year' });
      else reviewedOn = date.toISODate();
    }
    for (const item of items) {
      const raw = String(input[ratingField(item.key)] ?? '').trim();
      const rating = /^[1-7]$/.test(raw) ? Number(raw) : null;
      if (rating === null) ctx.addIssue({ code: 'custom', path: [ratingField(item.key)], message: `Select a rating from 1 to 7 for ${item.label.toLowerCase()}` });
      const help = input[helpField(item.key)];
      if (help !== 'yes' && help !== 'no') ctx.addIssue({ code: 'custom', path: [helpField(item.key)], message: `Select yes if more help is wanted with ${item.label.toLowerCase()}` });
      if (rating !== null && (help === 'yes' || help === 'no')) ratings.push({ itemKey: item.key, rating, wantsMoreHelp: help === 'yes' });
    }
    const r = rest.safeParse(input);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    if (!r.success || ratings.length !== items.length || (options.withDate && !reviewedOn)) return z.NEVER;
    return { ratings, comment: r.data.comment ?? null, privacyLabel: r.data.privacyLabel, reviewedOn } satisfies ReviewInput;
  });
}

/** When a review took place: the chosen day at noon, London time (or now, when it is today or not asked). */
export function reviewTime(reviewedOn: string | null, now: Date): Date {
  if (!reviewedOn) return now;
  const today = DateTime.fromJSDate(now).setZone(ZONE).toISODate();
  if (reviewedOn === today) return now;
  return DateTime.fromISO(reviewedOn, { zone: ZONE }).set({ hour: 12 }).toJSDate();
}

// ---- what the pages show ----

/** The trend across these reviews (oldest first): the SVG and the table of the same numbers. */
export function trendOf(reviews: readonly ReviewRow[], chartId: string, items: ReviewItems = REVIEW_ITEMS) {
  const input: TrendInput = {
    items: allItems(items).map((i) => ({ key: i.key, label: i.label })),
    reviews: reviews.map((r) => ({ id: r.id, at: r.reviewed_at, ratings: Object.fromEntries(r.ratings.map((x) => [x.item_key, { rating: x.rating, wantsMoreHelp: x.wants_more_help }])) })),
    lowest: items.scale[0]!.label,
    highest: items.scale[items.scale.length - 1]!.label,
  };
  return { svg: trendChartSvg(input, chartId), table: trendTable(input) };
}

const ENTERED_BY_PERSON = 'person';

/** A review as the pages list it: who entered it, the areas where more help was wanted, the label in words. */
function describeReview(r: ReviewRow, items: ReviewItems = REVIEW_ITEMS) {
  const labels = new Map(allItems(items).map((i) => [i.key, i.label]));
  return {
    ...r,
    byPerson: r.entered_by_role === ENTERED_BY_PERSON,
    moreHelp: r.ratings.filter((x) => x.wants_more_help).map((x) => labels.get(x.item_key) ?? x.item_key.replace(/-/g, ' ')),
    labelName: PRIVACY_LABEL_NAMES[r.privacy_label] ?? r.privacy_label,
  };
}

export type ReviewForm = { values: Record<string, unknown> };

/** The items in groups, with the scale, as the form and pages show them. */
export function formModel(items: ReviewItems = REVIEW_ITEMS) {
  return {
    groups: items.groups.map((g) => ({ ...g, items: g.items.map((i) => ({ ...i, ratingField: ratingField(i.key), helpField: helpField(i.key) })) })),
    scale: items.scale,
    privacyLabels: PRIVACY_LABELS.map((value) => ({ value, text: PRIVACY_LABEL_NAMES[value] })),
  };
}

// ---- practitioners: a coordination's reviews ----

async function personCaption(db: Kysely<DB>, personId: string) {
  const p = await personSummary(db, personId);
  return p ? `${p.given_name} ${p.family_name}` : 'Unknown person';
}

/** A coordination's reviews with the trend (care:read), audited with the person's id. */
export async function coordinationReviews(platform: Platform, actor: Actor, coordinationId: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_READ);
  const c = found.coordination;
  const [reviews, personName, team] = await Promise.all([reviewsOf(db, { coordinationIds: [c.id] }), personCaption(db, c.person_id), teamById(db, c.team_id)]);
  const mayWrite = c.status === 'open' && (await allowed(platform, db, actor, c.id));
  await platform.db.write((tx) => auditCoordination(tx, platform.clock.now(), found, 'care.reviews.view', { type: 'care-coordination', id: c.id }, address));
  return {
    coordination: c,
    personName,
    teamName: team?.name ?? 'Unknown team',
    reviews: reviews.map((r) => describeReview(r)).reverse(),
    trend: trendOf(reviews, `trend-${c.id}`),
    mayWrite,
  };
}

async function allowed(platform: Platform, db: Kysely<DB>, actor: Actor, coordinationId: string): Promise<boolean> {
  try {
    await coordinationAccess(platform, db, actor, coordinationId, CARE_WRITE);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

function mustBeOpen(found: CoordinationAccess): void {
  if (found.coordination.status !== 'open') throw new ConflictError('This care coordination is closed, so no review can be added to it.');
}

/** The review form for a practitioner with the person (care:write): the person's name for the caption; opening it is audited. */
export async function reviewFormFor(platform: Platform, actor: Actor, coordinationId: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_WRITE);
  mustBeOpen(found);
  const personName = await personCaption(db, found.coordination.person_id);
  await platform.db.write((tx) => auditCoordination(tx, platform.clock.now(), found, 'care.review.form.view', { type: 'care-coordination', id: coordinationId }, address));
  return { coordination: found.coordination, personName };
}

/** Saves a review entered by a practitioner with the person; audited in the same unit of work. */
export async function recordReview(platform: Platform, actor: Actor, coordinationId: string, input: ReviewInput, address?: string | null): Promise<string> {
  return platform.db.write(async (tx) => {
    const found = await coordinationAccess(platform, tx, actor, coordinationId, CARE_WRITE);
    mustBeOpen(found);
    const now = platform.clock.now();
    const reviewedAt = reviewTime(input.reviewedOn, now);
    if (reviewedAt < new Date(found.coordination.opened_at) && input.reviewedOn) {
      throw new InputError([{ field: 'reviewedOn', message: 'The date of the review must be on or after the day care coordination opened' }]);
    }
    const id = await insertReview(tx, {
      coordinationId,
      personId: found.coordination.person_id,
      reviewedAt,
      enteredBy: found.access.user.userId,
      enteredByRole: found.access.role,
      teamId: found.access.teamId,
      comment: input.comment,
      itemsVersion: REVIEW_ITEMS.version,
      privacyLabel: input.privacyLabel,
      ratings: input.ratings,
      at: now,
    });
    await auditCoordination(tx, now, found, 'care.review.record', { type: 'care-review', id }, address);
    return id;
  });
}

// ---- the person, in their portal ----

export const ME_WRITE = 'me:record:write';
/** The task a coordinating team gets when the person enters a review themself: someone looks at it with them. */
export const OWN_REVIEW_TASK_KIND = 'review-follow-up';
const PURPOSE_OWN_WRITE = 'the person writing in their own record';

/** The person's own reviews across all their coordinations, with the trend; audited. */
export async function myReviews(platform: Platform, actor: Actor, address: string | null) {
  const db = platform.db.read;
  const who = await ownRecords(db, actor);
  const [reviews, open] = await Promise.all([reviewsOf(db, { personIds: who.recordIds }), openCoordinations(db, who.recordIds)]);
  await auditOwnView(platform, who, 'care.portal.reviews.view', address);
  return {
    reviews: reviews.map((r) => describeReview(r)).reverse(),
    trend: trendOf(reviews, 'my-trend'),
    mayAdd: open.length > 0 && authorize(actor, ME_WRITE),
  };
}

async function openCoordinations(db: Kysely<DB>, recordIds: readonly string[]) {
  const open = (await coordinationsOf(db, recordIds)).filter((c) => c.status === 'open');
  return Promise.all(open.map(async (c) => ({ id: c.id, teamName: (await teamById(db, c.team_id))?.name ?? 'Unknown team' })));
}

/** The person's own review form: their open coordinations to add it to (none: they cannot add one yet). */
export async function myReviewForm(platform: Platform, actor: Actor, address: string | null) {
  if (!authorize(actor, ME_WRITE)) throw new NotFoundError();
  const who = await ownRecords(platform.db.read, actor);
  const coordinations = await openCoordinations(platform.db.read, who.recordIds);
  await auditOwnView(platform, who, 'care.portal.review.form.view', address);
  return { coordinations };
}

/** The item of the review about the person's safety ("How satisfied are you with how safe you are?"). */
export const PERSONAL_SAFETY = 'personal-safety';
/** A personal-safety rating at or below this (1 totally dissatisfied, 2 very dissatisfied) says the person does not feel safe. */
const UNSAFE_AT_MOST = 2;
/**
 * How urgent a review saying so is for the front door: medium (an urgent request, four hours by
 * default). A rating says how they feel about their safety, not what is happening; the page they
 * return to tells them what to do if they are in danger now.
 */
const UNSAFE_REVIEW_RISK = 'medium';

/**
 * Whether a review says the person does not feel safe (hazard H18): personal safety rated 1 or 2. The
 * person is shown at once what to do if they are in danger now, and the team's task says so.
 */
export function saysUnsafe(ratings: readonly { itemKey: string; rating: number }[]): boolean {
  return ratings.some((r) => r.itemKey === PERSONAL_SAFETY && r.rating <= UNSAFE_AT_MOST);
}

export const OWN_ENTRY_TASK_KIND = 'own-entry';
/** When the task for an entry whose words may mean risk falls due: an hour for high risk, four for medium (the front door's default crisis and urgent contact times). */
const RISKY_ENTRY_HIGH_MS = 60 * 60_000;
const RISKY_ENTRY_MEDIUM_MS = 4 * 60 * 60_000;

/**
 * The person wrote in their own record from the portal (hazard H19): like a review they enter alone,
 * nobody would see it unless told, so each team coordinating their care (the key worker, when named)
 * gets a task to read it by the end of the team’s next working day (within an hour when the words may
 * mean high risk, four hours for medium: hazard H19). The task names no words of the
 * entry: they are on the record's timeline, for those who may see the person.
 */
export async function taskForOwnEntry(tx: Kysely<DB>, entry: EntryAdded): Promise<EntryNotice> {
  // A review made its own task already (recordMyReview).
  if (entry.kind !== 'entry') return { roundTheClock: false };
  const open = (await coordinationsOf(tx, entry.recordIds)).filter((c) => c.status === 'open');
  const risky = entry.risk.level !== 'none';
  for (const coordination of open) {
    const team = await teamForReviewTask(tx, coordination.team_id);
    await createTask(tx, {
      teamId: coordination.team_id,
      assigneeId: coordination.key_worker_id,
      personId: coordination.person_id,
      title: risky ? `Read now what the person wrote in their record: the words may mean risk (${entry.risk.summary})` : 'Read what the person wrote in their record',
      detail: risky
        ? 'They wrote it online, in their own words; it is on their record’s timeline. A team that works day and night has been told too (the front door or their crisis team). Contact the person.'
        : 'They wrote it online, in their own words; it is on their record’s timeline. Talk it through with them.',
      // Words that may mean risk: due within the front door's crisis or urgent contact time, whatever the team's hours.
      dueAt: risky
        ? new Date(entry.at.getTime() + (entry.risk.level === 'high' ? RISKY_ENTRY_HIGH_MS : RISKY_ENTRY_MEDIUM_MS))
        : endOfNextWorkingDay(openingHoursFromJson(team?.opening_hours) ?? OFFICE_HOURS, entry.at),
      source: 'care',
      sourceKind: OWN_ENTRY_TASK_KIND,
      sourceId: entry.id,
      createdBy: entry.by,
      at: entry.at,
    });
  }
  // A coordinating team works its own hours, not round the clock: the front door hears of risk as well.
  return { roundTheClock: false };
}

/** Saves the person's own review, on one of their open coordinations (the only one, or the one chosen). */
export async function recordMyReview(platform: Platform, actor: Actor, input: ReviewInput & { coordinationId?: string | null }, address: string | null): Promise<string> {
  if (!authorize(actor, ME_WRITE)) throw new NotFoundError();
  return platform.db.write(async (tx) => {
    const who = await ownRecords(tx, actor);
    const open = (await coordinationsOf(tx, who.recordIds)).filter((c) => c.status === 'open');
    if (open.length === 0) throw new ConflictError('No team is coordinating your care at the moment, so there is nothing to add a review to.');
    const coordination = open.length === 1 ? open[0]! : open.find((c) => c.id === input.coordinationId);
    if (!coordination) throw new InputError([{ field: 'coordinationId', message: 'Choose which team this review is for' }]);
    const now = platform.clock.now();
    const id = await insertReview(tx, {
      coordinationId: coordination.id,
      personId: coordination.person_id,
      reviewedAt: now,
      enteredBy: who.userId,
      enteredByRole: ENTERED_BY_PERSON,
      teamId: null,
      comment: input.comment,
      itemsVersion: REVIEW_ITEMS.version,
      privacyLabel: input.privacyLabel,
      ratings: input.ratings,
      at: now,
    });
    // A review the person enters alone is not seen by anyone unless someone is told: the team (the key
    // worker, when named) gets a task to look at it with them by the end of its next working day.
    const team = await teamForReviewTask(tx, coordination.team_id);
    const labels = new Map(allItems().map((i) => [i.key, i.label.toLowerCase()]));
    const moreHelp = input.ratings.filter((r) => r.wantsMoreHelp).map((r) => labels.get(r.itemKey) ?? r.itemKey);
    const unsafe = saysUnsafe(input.ratings);
    const title = unsafe
      ? 'Talk through a review the person entered online: they rated their personal safety low'
      : moreHelp.length > 0
        ? 'Talk through a review the person entered online: they want more help'
        : 'Talk through a review the person entered online';
    await createTask(tx, {
      teamId: coordination.team_id,
      assigneeId: coordination.key_worker_id,
      personId: coordination.person_id,
      title,
      detail: moreHelp.length > 0 ? `More help wanted with: ${moreHelp.join(', ')}.` : 'No area where they want more help.',
      dueAt: endOfNextWorkingDay(openingHoursFromJson(team?.opening_hours) ?? OFFICE_HOURS, now),
      source: 'care',
      sourceKind: OWN_REVIEW_TASK_KIND,
      sourceId: id,
      createdBy: who.userId,
      at: now,
    });
    // Saying they do not feel safe reaches a team that works round the clock too (H18): their request
    // brought forward, a line on their crisis episode, or a request opened for them.
    if (unsafe) {
      await announceAndMakeSureSomeoneKnows(platform, tx, {
        kind: 'review',
        id,
        personId: who.rootId,
        recordIds: who.recordIds,
        by: who.userId,
        at: now,
        risk: { level: UNSAFE_REVIEW_RISK, categories: [], summary: 'Personal safety rated low in a review' },
      });
    }
    await recordAudit(tx, {
      at: now,
      actorUserId: who.userId,
      actorRole: 'person',
      action: 'care.portal.review.record',
      entityType: 'care-review',
      entityId: id,
      personId: coordination.person_id,
      purpose: PURPOSE_OWN_WRITE,
      outcome: 'success',
      address,
    });
    return id;
  });
}

// ---- a network member ----

/** The person's reviews with this label and their trend, for a network member who may see it (the record shown, as the plan does); audited. */
export async function sharedReviews(platform: Platform, actor: Actor, personId: string, label: PrivacyLabel, address: string | null) {
  if (actor.kind !== 'user') throw new NotFoundError();
  const db = platform.db.read;
  const access = await networkAccess(db, { userId: actor.userId, personId });
  if (!mayView(access, label)) throw new NotFoundError();
  const reviews = (await reviewsOf(db, { personIds: [access.personId] })).filter((r) => r.privacy_label === label);
  await platform.db.write((tx) => auditNetworkView(tx, platform.clock.now(), access, { userId: actor.userId }, 'care.reviews.network.view', { type: 'care-review', id: null }, address));
  return { reviews: reviews.map((r) => describeReview(r)).reverse(), trend: trendOf(reviews, `shared-trend-${label}`), labelName: PRIVACY_LABEL_NAMES[label] };
}

// ---- the person record's timeline ----

/** Each review as a timeline entry of the person record. */
export async function reviewTimeline(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const rows = await reviewEntriesOf(db, personIds);
  return rows.map((r) => ({
    at: r.reviewed_at,
    source: 'care-reviews',
    kind: 'review',
    title: r.entered_by_role === ENTERED_BY_PERSON ? 'Review of how things are going, entered by the person' : 'Review of how things are going, with the person',
    by: r.entered_by_name,
    href: paths.reviews(r.coordination_id),
    personId: r.person_id,
  }));
}
