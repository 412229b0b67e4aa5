// The person record's pages for practitioners and team leads (issue 5, items 1 and 9).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { NotFoundError, parseInput, orShowErrors, type Shown } from '../../platform/http/problems.ts';
import { READ, WRITE } from './access.ts';
import { accessReviews, BREAK_GLASS_HOURS, REVIEW, reviewAccess } from './break-glass.ts';
import { breakGlass } from './break-glass.ts';
import { EQUALITY_QUESTIONS } from './equality.ts';
import { invitePersonToPortal, portalInvitation } from './invite.ts';
import { paths } from './paths.ts';
import { changeDetails, compareDuplicate, type DescribedPerson, decideDuplicateFor, detailsForChange, mergeDetails, undoMerge, viewRecord } from './record.ts';
import { BREAK_GLASS_REASONS, breakGlassSchema, CONTACT_METHODS, detailsSchema, duplicateDecisionSchema, reviewSchema, unmergeSchema } from './schemas.ts';

const read = { permission: READ } as const;
const write = { permission: WRITE } as const;
const review = { permission: REVIEW } as const;

type IdRequest = FastifyRequest<{ Params: { id: string } }>;
type DuplicateRequest = FastifyRequest<{ Params: { id: string; candidateId: string } }>;
type MergeRequest = FastifyRequest<{ Params: { id: string; mergeId: string } }>;
type GrantRequest = FastifyRequest<{ Params: { grantId: string } }>;

/** The form's values from the record, named as the form names its fields. */
function detailsValues(p: DescribedPerson): Record<string, unknown> {
  const [year, month, day] = p.date_of_birth.split('-');
  return {
    version: p.version,
    givenName: p.given_name,
    familyName: p.family_name,
    'dateOfBirth[day]': String(Number(day)),
    'dateOfBirth[month]': String(Number(month)),
    'dateOfBirth[year]': year,
    postcode: p.postcode,
    nhsNumber: p.nhsNumberText,
    phone: p.phone,
    email: p.email,
    address: p.address,
    contactMethods: p.contact?.methods ?? [],
    safeTimes: p.contact?.safeTimes,
    mayLeaveMessage: p.contact?.mayLeaveMessage == null ? undefined : p.contact.mayLeaveMessage ? 'yes' : 'no',
    preferredLanguage: p.preferred_language,
    interpreter: p.interpreter_needed ? 'yes' : 'no',
    accessNeeds: p.access_needs,
    ...(p.equality ?? {}),
  };
}

export default async function peopleRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  const clockNow = () => platform.clock.now();
  const details = detailsSchema(clockNow);

  // The record: identity, contact, preferences, equality, merged records, possible duplicates, timeline.
  // Not allowed and not found give the same page, which offers break glass.
  app.get(paths.person(), { config: read }, async (request: IdRequest, reply) => {
    let page: Awaited<ReturnType<typeof viewRecord>>;
    try {
      page = await viewRecord(platform, request.actor, request.params.id, request.ip);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return reply.code(404).view('people/views/not-found.njk', { title: 'We cannot show this record', hideCrisisPanel: true, breakGlassHref: paths.breakGlass(encodeURIComponent(request.params.id)) });
    }
    if (page.kind === 'moved') return reply.redirect(paths.person(page.rootId), 303);
    return reply.view('people/views/record.njk', { title: `${page.person.given_name} ${page.person.family_name}`, hideCrisisPanel: true, ...page, paths });
  });

  // Break glass: the form shows nothing of the person, so it is the same whether or not they exist.
  const showBreakGlass = (request: IdRequest, reply: FastifyReply, extra: Shown = {}) =>
    reply.code(extra.status ?? 200).view('people/views/break-glass.njk', {
      title: 'Get emergency access to a record',
      hideCrisisPanel: true,
      id: request.params.id,
      hours: BREAK_GLASS_HOURS,
      reasons: BREAK_GLASS_REASONS,
      backHref: paths.person(encodeURIComponent(request.params.id)),
      values: extra.values ?? {},
      errors: extra.errors,
    });
  app.get(paths.breakGlass(), { config: read }, async (request: IdRequest, reply) => showBreakGlass(request, reply));
  app.post(paths.breakGlass(), { config: read }, async (request: IdRequest, reply) => {
    const parsed = parseInput(breakGlassSchema, request.body);
    if (!parsed.ok) return showBreakGlass(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    const { rootId } = await breakGlass(platform, request.actor, request.params.id, parsed.data, request.ip);
    return reply.redirect(paths.person(rootId), 303);
  });

  // Change details: one form for identity, contact, preferences and equality.
  const showDetails = async (request: IdRequest, reply: FastifyReply, extra: Shown = {}) => {
    const { person } = await detailsForChange(platform, request.actor, request.params.id, request.ip);
    return reply.code(extra.status ?? 200).view('people/views/edit.njk', {
      title: `Change details: ${person.given_name} ${person.family_name}`,
      hideCrisisPanel: true,
      person,
      backHref: paths.person(person.id),
      contactMethods: CONTACT_METHODS,
      equalityQuestions: EQUALITY_QUESTIONS,
      values: extra.values ?? detailsValues(person),
      errors: extra.errors,
    });
  };
  app.get(paths.edit(), { config: write }, async (request: IdRequest, reply) => showDetails(request, reply));
  app.post(paths.edit(), { config: write }, async (request: IdRequest, reply) => {
    const parsed = parseInput(details, request.body);
    const show = (extra: Shown) => showDetails(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      await changeDetails(platform, request.actor, request.params.id, parsed.data, request.ip);
      return reply.redirect(paths.person(request.params.id), 303);
    }, show);
  });

  // A possible duplicate: both records side by side, and the decision.
  const showDuplicate = async (request: DuplicateRequest, reply: FastifyReply, extra: Shown = {}) => {
    const compared = await compareDuplicate(platform, request.actor, request.params.id, request.params.candidateId, request.ip);
    return reply.code(extra.status ?? 200).view('people/views/duplicate.njk', {
      title: 'Are these records the same person?',
      hideCrisisPanel: true,
      ...compared,
      backHref: paths.person(compared.person.id),
      values: extra.values ?? {},
      errors: extra.errors,
    });
  };
  app.get(paths.duplicate(), { config: write }, async (request: DuplicateRequest, reply) => showDuplicate(request, reply));
  app.post(paths.duplicate(), { config: write }, async (request: DuplicateRequest, reply) => {
    const parsed = parseInput(duplicateDecisionSchema, request.body);
    const show = (extra: Shown) => showDuplicate(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      const { showId } = await decideDuplicateFor(platform, request.actor, request.params.id, request.params.candidateId, parsed.data, request.ip);
      return reply.redirect(paths.person(showId), 303);
    }, show);
  });

  // A merge of this record: what undoing it would separate, and the form to undo it.
  const showMerge = async (request: MergeRequest, reply: FastifyReply, extra: Shown = {}) => {
    const found = await mergeDetails(platform, request.actor, request.params.id, request.params.mergeId, request.ip);
    return reply.code(extra.status ?? 200).view('people/views/merge.njk', {
      title: 'Undo a merge of two records',
      hideCrisisPanel: true,
      ...found,
      backHref: paths.person(found.survivor.id),
      values: extra.values ?? {},
      errors: extra.errors,
    });
  };
  app.get(paths.merge(), { config: write }, async (request: MergeRequest, reply) => showMerge(request, reply));
  app.post(paths.merge(), { config: write }, async (request: MergeRequest, reply) => {
    const parsed = parseInput(unmergeSchema, request.body);
    if (!parsed.ok) return showMerge(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    const { showId } = await undoMerge(platform, request.actor, request.params.id, request.params.mergeId, parsed.data.reason, request.ip);
    return reply.redirect(paths.person(showId), 303);
  });

  // Invite the person to see their own record online (the portal): what will be used, then send.
  const showInvite = async (request: IdRequest, reply: FastifyReply, extra: Shown = {}) => {
    const found = await portalInvitation(platform, request.actor, request.params.id, request.ip);
    return reply.code(extra.status ?? 200).view('people/views/portal-invite.njk', {
      title: `Invite ${found.person.given_name} ${found.person.family_name} to see their record online`,
      hideCrisisPanel: true,
      ...found,
      backHref: paths.person(found.person.id),
      editHref: paths.edit(found.person.id),
      errors: extra.errors,
    });
  };
  app.get(paths.portalInvite(), { config: write }, async (request: IdRequest, reply) => showInvite(request, reply));
  app.post(paths.portalInvite(), { config: write }, async (request: IdRequest, reply) =>
    orShowErrors(request, async () => {
      const { rootId } = await invitePersonToPortal(platform, request.actor, request.params.id, request.ip);
      return reply.redirect(paths.portalInvite(rootId), 303);
    }, (extra) => showInvite(request, reply, extra)),
  );

  // Emergency access for the team lead's review.
  const showReviews = async (request: FastifyRequest, reply: FastifyReply, extra: Shown & { failedId?: string } = {}) => {
    const grants = await accessReviews(platform, request.actor, request.ip);
    return reply.code(extra.status ?? 200).view('people/views/access-reviews.njk', {
      title: 'Emergency access to review',
      hideCrisisPanel: true,
      grants,
      reasons: Object.fromEntries(BREAK_GLASS_REASONS.map((r) => [r.value, r.text])),
      failedId: extra.failedId,
      values: extra.values ?? {},
      errors: extra.errors,
    });
  };
  app.get(paths.accessReviews, { config: review }, async (request, reply) => showReviews(request, reply));
  app.post(paths.accessReview(), { config: review }, async (request: GrantRequest, reply) => {
    const parsed = parseInput(reviewSchema, request.body);
    const show = (extra: Shown) => showReviews(request, reply, { ...extra, failedId: request.params.grantId });
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      await reviewAccess(platform, request.actor, request.params.grantId, parsed.data.note, request.ip);
      return reply.redirect(paths.accessReviews, 303);
    }, show);
  });
}
