// DIALOG-style reviews (issue 5, item 5): a coordination's reviews and trend, the review form for a
// practitioner with the person, and the person's own reviews and form in their portal.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { Platform } from '../../platform/context.ts';
import { NotFoundError, parseInput, orShowErrors, type Shown } from '../../platform/http/problems.ts';
import { ZONE } from '../../platform/views/format.ts';
import { ME_READ, PRIVACY_LABEL_NAMES, PRIVACY_LABELS, type PrivacyLabel, registerNetworkView, registerPersonSource } from '../people/index.ts';
import { CARE_READ, CARE_WRITE } from './coordination.ts';
import { hasSharedReview } from './network-view-store.ts';
import { paths } from './paths.ts';
import { coordinationReviews, formModel, ME_WRITE, myReviewForm, myReviews, recordMyReview, recordReview, reviewFormFor, reviewSchema, reviewTimeline, saysUnsafe, sharedReviews } from './reviews.ts';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export default async function reviewRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  // Each review is an entry of the person record's timeline (the coordination itself makes the team involved).
  registerPersonSource(platform, { name: 'care-reviews', timeline: reviewTimeline });
  // A network member sees the reviews whose label is one of theirs: one view a label.
  for (const label of PRIVACY_LABELS) {
    registerNetworkView(platform, { name: `care-reviews-${label}`, label, title: `Reviews (${PRIVACY_LABEL_NAMES[label].toLowerCase()})`, href: (personId) => paths.sharedReviews(personId, label), shows: (db, person) => hasSharedReview(db, person.personIds, label) });
  }
  const now = () => platform.clock.now();
  const practitionerForm = reviewSchema({ withDate: true, now });
  const personForm = reviewSchema({ withDate: false, now });

  // A coordination's reviews: the trend chart, the table of the same numbers, and each review.
  app.get(paths.reviews(), { config: { permission: CARE_READ } }, async (request: IdRequest, reply) => {
    const page = await coordinationReviews(platform, request.actor, request.params.id, request.ip);
    return reply.view('care/views/reviews/index.njk', { title: `Reviews: ${page.personName}`, hideCrisisPanel: true, ...page, backHref: paths.coordination(page.coordination.id), paths });
  });

  // A review entered with the person: every item rated 1 to 7 with "more help?", on the day it took place.
  const showForm = async (request: IdRequest, reply: FastifyReply, extra: Shown = {}) => {
    const { coordination, personName } = await reviewFormFor(platform, request.actor, request.params.id, request.ip);
    const today = DateTime.fromJSDate(now()).setZone(ZONE);
    const values = extra.values ?? { privacyLabel: 'mental-health', 'reviewedOn[day]': String(today.day), 'reviewedOn[month]': String(today.month), 'reviewedOn[year]': String(today.year) };
    return reply.code(extra.status ?? 200).view('care/views/reviews/new.njk', {
      title: 'Record a review',
      hideCrisisPanel: true,
      personName,
      withDate: true,
      ...formModel(),
      values,
      errors: extra.errors,
      backHref: paths.reviews(coordination.id),
    });
  };
  app.get(paths.reviewNew(), { config: { permission: CARE_WRITE } }, async (request: IdRequest, reply) => showForm(request, reply));
  app.post(paths.reviewNew(), { config: { permission: CARE_WRITE } }, async (request: IdRequest, reply) => {
    const parsed = parseInput(practitionerForm, request.body);
    const show = (extra: Shown) => showForm(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      await recordReview(platform, request.actor, request.params.id, parsed.data, request.ip);
      return reply.redirect(paths.reviews(request.params.id), 303);
    }, show);
  });

  // The person's own reviews and trend, in their portal.
  app.get(paths.myReviews, { config: { permission: ME_READ } }, async (request, reply) => {
    const page = await myReviews(platform, request.actor, request.ip);
    const unsafe = (request.query as { saved?: unknown } | undefined)?.saved === 'unsafe';
    return reply.view('care/views/reviews/mine.njk', { title: 'Your reviews', ...page, backHref: '/my-record', paths, unsafe });
  });

  // The person's own review form: the same questions, in their words.
  const showMyForm = async (request: FastifyRequest, reply: FastifyReply, extra: Shown = {}) => {
    const { coordinations } = await myReviewForm(platform, request.actor, request.ip);
    return reply.code(extra.status ?? 200).view('care/views/reviews/new.njk', {
      title: 'How are things going?',
      mine: true,
      withDate: false,
      coordinations,
      ...formModel(),
      values: extra.values ?? { privacyLabel: 'mental-health' },
      errors: extra.errors,
      backHref: paths.myReviews,
    });
  };
  app.get(paths.myReviewNew, { config: { permission: ME_WRITE } }, async (request, reply) => showMyForm(request, reply));
  app.post(paths.myReviewNew, { config: { permission: ME_WRITE } }, async (request, reply) => {
    const parsed = parseInput(personForm, request.body);
    const show = (extra: Shown) => showMyForm(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    const body = request.body as Record<string, unknown>;
    return orShowErrors(request, async () => {
      await recordMyReview(platform, request.actor, { ...parsed.data, coordinationId: typeof body.coordinationId === 'string' ? body.coordinationId : null }, request.ip);
      // A review that says the person does not feel safe is answered at once with what to do now (H18).
      return reply.redirect(saysUnsafe(parsed.data.ratings) ? `${paths.myReviews}?saved=unsafe` : paths.myReviews, 303);
    }, show);
  });

  // A network member's view: the person's reviews with one of their labels, and the trend.
  app.get(paths.sharedReviews(), { config: { permission: 'me:network:read' } }, async (request: FastifyRequest<{ Params: { personId: string; label: string } }>, reply) => {
    const label = request.params.label as PrivacyLabel;
    if (!(PRIVACY_LABELS as readonly string[]).includes(label)) throw new NotFoundError();
    const page = await sharedReviews(platform, request.actor, request.params.personId, label, request.ip);
    return reply.view('care/views/reviews/shared.njk', { title: 'Reviews shared with you', ...page, shared: true });
  });
}
