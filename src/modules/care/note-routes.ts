// Notes with visibility (issue 5, item 7): a person's notes for practitioners, writing, correcting
// and adding to a note, the leads' withheld notes, and the person's own notes in their portal.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { Platform } from '../../platform/context.ts';
import { NotFoundError, parseInput, orShowErrors, type Shown } from '../../platform/http/problems.ts';
import { LONDON } from '../../platform/time/calendar.ts';
import { ME_READ, peoplePaths, registerPersonSource } from '../people/index.ts';
import { addendumSchema, CONTACTS, correctionSchema, noteSchema, PRIVACY_LABEL_CHOICES, WITHHOLD_REASONS, withholdingDecisionSchema } from './note-schemas.ts';
import {
  addAddendum,
  CARE_READ,
  CARE_TEAM_READ,
  CARE_WRITE,
  CONFIRM_WITHIN_WORKING_DAYS,
  correctNote,
  mayCorrect,
  decideWithholding,
  mayWriteNote,
  myNotes,
  NOTE_CONFIRMATION_TIMER,
  noteForChange,
  notesOfPerson,
  notesTimeline,
  noteThread,
  onConfirmationDue,
  withheldNotesForLeads,
  withholdingForReview,
  writeNote,
} from './notes.ts';
import { paths } from './paths.ts';

const read = { permission: CARE_READ } as const;
const write = { permission: CARE_WRITE } as const;
const lead = { permission: CARE_TEAM_READ } as const;

type PersonRequest = FastifyRequest<{ Params: { personId: string } }>;
type NoteRequest = FastifyRequest<{ Params: { personId: string; noteId: string } }>;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export default async function noteRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  // Read here, not at import: the people module's index is part of an import cycle (people → front door → care).
  const me = { permission: ME_READ } as const;
  const schema = noteSchema(() => platform.clock.now());
  // The record's timeline shows every note (withheld ones say so); the deadline of a withholding escalates.
  registerPersonSource(platform, { name: 'care-notes', timeline: notesTimeline });
  platform.timers.register(NOTE_CONFIRMATION_TIMER, (tx, payload) => onConfirmationDue(platform, tx, payload as { withholdingId: string }));

  // A person's notes, newest first, shared and withheld.
  app.get(paths.notes(), { config: read }, async (request: PersonRequest, reply) => {
    const { access, threads, personName } = await notesOfPerson(platform, request.actor, request.params.personId, request.ip);
    return reply.view('care/views/notes/list.njk', { title: `Notes: ${personName}`, hideCrisisPanel: true, personName, personId: access.rootId, threads, paths, backHref: peoplePaths.person(access.rootId) });
  });

  // Write a note: shared with the person unless withheld with a reason.
  const showNew = async (request: PersonRequest, reply: FastifyReply, extra: Shown = {}) => {
    const { access, personName } = await mayWriteNote(platform, request.actor, request.params.personId, request.ip);
    const now = DateTime.fromJSDate(platform.clock.now()).setZone(LONDON);
    return reply.code(extra.status ?? 200).view('care/views/notes/new.njk', {
      title: `Write a note: ${personName}`,
      hideCrisisPanel: true,
      personName,
      contacts: CONTACTS,
      labels: PRIVACY_LABEL_CHOICES,
      reasons: WITHHOLD_REASONS,
      days: CONFIRM_WITHIN_WORKING_DAYS,
      backHref: paths.notes(access.rootId),
      values: extra.values ?? { 'occurredDate[day]': String(now.day), 'occurredDate[month]': String(now.month), 'occurredDate[year]': String(now.year), occurredTime: now.toFormat('HH:mm'), privacyLabel: 'mental-health', visibility: 'shared' },
      errors: extra.errors,
    });
  };
  app.get(paths.noteNew(), { config: write }, async (request: PersonRequest, reply) => showNew(request, reply));
  app.post(paths.noteNew(), { config: write }, async (request: PersonRequest, reply) => {
    const parsed = parseInput(schema, request.body);
    const show = (extra: Shown) => showNew(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      const { noteId } = await writeNote(platform, request.actor, request.params.personId, parsed.data, request.ip);
      return reply.redirect(paths.note(request.params.personId, noteId), 303);
    }, show);
  });

  // One note with every version and addendum.
  app.get(paths.note(), { config: read }, async (request: NoteRequest, reply) => {
    const { access, thread } = await noteThread(platform, request.actor, request.params.personId, request.params.noteId, request.ip);
    return reply.view('care/views/notes/show.njk', { title: 'Note', hideCrisisPanel: true, thread, personId: access.rootId, paths, backHref: paths.notes(access.rootId), canCorrect: mayCorrect(request.actor, thread) });
  });

  // Correct a note: a new version, with the reason; the earlier one is kept.
  const showCorrect = async (request: NoteRequest, reply: FastifyReply, extra: Shown = {}) => {
    const { access, thread } = await noteForChange(platform, request.actor, request.params.personId, request.params.noteId, request.ip);
    if (!mayCorrect(request.actor, thread)) throw new NotFoundError();
    const last = Math.max(...[...thread.versions, ...thread.addenda].map((r) => r.seq));
    return reply.code(extra.status ?? 200).view('care/views/notes/correct.njk', {
      title: 'Correct a note',
      hideCrisisPanel: true,
      thread,
      backHref: paths.note(access.rootId, thread.id),
      values: extra.values ?? { seq: last, body: thread.current.body },
      errors: extra.errors,
    });
  };
  app.get(paths.noteCorrect(), { config: write }, async (request: NoteRequest, reply) => showCorrect(request, reply));
  app.post(paths.noteCorrect(), { config: write }, async (request: NoteRequest, reply) => {
    const parsed = parseInput(correctionSchema, request.body);
    const show = (extra: Shown) => showCorrect(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      await correctNote(platform, request.actor, request.params.personId, request.params.noteId, parsed.data, request.ip);
      return reply.redirect(paths.note(request.params.personId, request.params.noteId), 303);
    }, show);
  });

  // Add an addendum under a note.
  const showAddendum = async (request: NoteRequest, reply: FastifyReply, extra: Shown = {}) => {
    const { access, thread } = await noteForChange(platform, request.actor, request.params.personId, request.params.noteId, request.ip);
    return reply.code(extra.status ?? 200).view('care/views/notes/addendum.njk', { title: 'Add to a note', hideCrisisPanel: true, thread, backHref: paths.note(access.rootId, thread.id), values: extra.values ?? {}, errors: extra.errors });
  };
  app.get(paths.noteAddendum(), { config: write }, async (request: NoteRequest, reply) => showAddendum(request, reply));
  app.post(paths.noteAddendum(), { config: write }, async (request: NoteRequest, reply) => {
    const parsed = parseInput(addendumSchema, request.body);
    const show = (extra: Shown) => showAddendum(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    await addAddendum(platform, request.actor, request.params.personId, request.params.noteId, parsed.data, request.ip);
    return reply.redirect(paths.note(request.params.personId, request.params.noteId), 303);
  });

  // Team leads: notes withheld in their teams, awaiting confirmation first.
  app.get(paths.withheldNotes, { config: lead }, async (request, reply) => {
    const rows = await withheldNotesForLeads(platform, request.actor, request.ip);
    return reply.view('care/views/notes/withheld-list.njk', { title: 'Withheld notes', hideCrisisPanel: true, rows, paths, days: CONFIRM_WITHIN_WORKING_DAYS });
  });

  // One withheld note: read it, then confirm the withholding or release the note.
  const showWithholding = async (request: IdRequest, reply: FastifyReply, extra: Shown = {}) => {
    const page = await withholdingForReview(platform, request.actor, request.params.id, request.ip);
    return reply.code(extra.status ?? 200).view('care/views/notes/withheld.njk', {
      title: 'Confirm or release a withheld note',
      hideCrisisPanel: true,
      ...page,
      backHref: paths.withheldNotes,
      values: extra.values ?? { version: page.withholding.version },
      errors: extra.errors,
    });
  };
  app.get(paths.withheldNote(), { config: lead }, async (request: IdRequest, reply) => showWithholding(request, reply));
  app.post(paths.withheldNote(), { config: lead }, async (request: IdRequest, reply) => {
    const parsed = parseInput(withholdingDecisionSchema, request.body);
    const show = (extra: Shown) => showWithholding(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      await decideWithholding(platform, request.actor, request.params.id, parsed.data, request.ip);
      return reply.redirect(paths.withheldNotes, 303);
    }, show);
  });

  // The person's own notes: everything written about them, and what was withheld and why.
  app.get(paths.myNotes, { config: me }, async (request, reply) => {
    const page = await myNotes(platform, request.actor, request.ip);
    return reply.view('care/views/notes/mine.njk', { title: 'Notes about you', ...page, backHref: peoplePaths.myRecord });
  });
}
