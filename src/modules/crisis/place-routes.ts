// Places and holds (issue 6, item 3): the availability board, a place and its history, holding a place
// for a person, admitting, cancelling and discharging; and the same as a JSON API for board clients.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { parseInput, sendProblem, validationProblem, orShowErrors, type Shown } from '../../platform/http/problems.ts';
import { peoplePaths, registerPersonSource } from '../people/index.ts';
import { paths } from './paths.ts';
import { admitSchema, CANCEL_REASONS, cancelSchema, dischargeSchema, HOLD_HOURS, holdSchema, MANAGE, PLACE_KINDS, placeSchema } from './place-schemas.ts';
import {
  admitHold,
  availabilityBoard,
  cancelHold,
  changePlace,
  createPlace,
  dischargeHold,
  HISTORY_PAGE_SIZE,
  HOLD_EXPIRY_TIMER,
  holdForm,
  holdPage,
  holdPlace,
  managedTeams,
  onHoldExpiry,
  PlaceFullError,
  PLACES_CHANNEL,
  placeForChange,
  placeHistory,
  placePage,
  placesPersonSource,
} from './places.ts';

const board = { permission: 'crisis:board:read' } as const;
const act = { permission: 'crisis:act' } as const;
const manage = { permission: MANAGE } as const;

type IdRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>;
type HoldRequest = FastifyRequest<{ Params: { holdId: string } }>;

const isId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v);

export default async function placeRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  registerPersonSource(platform, placesPersonSource());
  platform.timers.register(HOLD_EXPIRY_TIMER, (tx, payload) => onHoldExpiry(platform, tx, payload));

  // The availability board: every place, open now or not, what is free, what is held. Counts only.
  app.get(paths.places, { config: board }, async (request: FastifyRequest<{ Querystring: { person?: string } }>, reply) => {
    const person = isId(request.query.person) ? request.query.person : null;
    const found = await availabilityBoard(platform);
    const mayManage = (await managedTeams(platform, request.actor)).length > 0;
    // With JavaScript, the board updates itself from its live events (platform/views/static/live.js).
    const live = { events: paths.placesEvents, lastId: await app.live.latestId(), regions: 'board-updated places-board-region', everySeconds: 60 };
    return reply.view('crisis/views/places/board.njk', { title: 'Places: alternatives to admission', hideCrisisPanel: true, ...found, person, mayManage, live, paths });
  });

  // The board's changes as server-sent events (counts by place id only), resuming from Last-Event-ID.
  app.get(paths.placesEvents, { config: board }, async (request, reply) => {
    await app.live.stream(request, reply, PLACES_CHANNEL);
    return reply;
  });

  // A new place, run by a team the actor leads.
  const showNew = async (request: FastifyRequest, reply: FastifyReply, extra: Shown = {}) =>
    reply.code(extra.status ?? 200).view('crisis/views/places/form.njk', {
      title: 'Add a place',
      hideCrisisPanel: true,
      backHref: paths.places,
      action: paths.placeNew,
      kinds: PLACE_KINDS,
      teams: await managedTeams(platform, request.actor),
      values: extra.values ?? { hoursKind: 'always', holdHours: '2' },
      errors: extra.errors,
      editing: false,
    });
  app.get(paths.placeNew, { config: manage }, async (request, reply) => showNew(request, reply));
  app.post(paths.placeNew, { config: manage }, async (request, reply) => {
    const parsed = parseInput(placeSchema, request.body);
    const show = (extra: Shown) => showNew(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => reply.redirect(paths.place(await createPlace(platform, request.actor, parsed.data, request.ip)), 303), show);
  });

  // A place: its capacity, hours, and the holds and stays in force (people named only to those who may see them).
  app.get(paths.place(), { config: board }, async (request: IdRequest, reply) => {
    const found = await placePage(platform, request.actor, request.params.id, request.ip);
    const person = isId(request.query.person) ? request.query.person : null;
    return reply.view('crisis/views/places/place.njk', { title: found.place.name, hideCrisisPanel: true, backHref: paths.places, ...found, person, paths });
  });

  // Changing a place (its lead): details, the most it can take, hours, how long holds last.
  const showEdit = async (request: IdRequest, reply: FastifyReply, extra: Shown = {}) => {
    const place = await placeForChange(platform, request.actor, request.params.id);
    return reply.code(extra.status ?? 200).view('crisis/views/places/form.njk', {
      title: `Change ${place.name}`,
      hideCrisisPanel: true,
      backHref: paths.place(place.id),
      action: paths.placeEdit(place.id),
      kinds: PLACE_KINDS,
      teams: await managedTeams(platform, request.actor),
      values: extra.values ?? {
        version: place.version,
        name: place.name,
        kind: place.kind,
        teamId: place.team_id,
        maximum: String(place.maximum),
        description: place.description,
        area: place.area,
        directoryServiceId: place.directory_service_id,
        holdHours: String(place.hold_hours),
        hoursKind: place.opening_hours === null ? 'always' : 'keep',
        status: place.status,
      },
      errors: extra.errors,
      editing: true,
    });
  };
  app.get(paths.placeEdit(), { config: manage }, async (request: IdRequest, reply) => showEdit(request, reply));
  app.post(paths.placeEdit(), { config: manage }, async (request: IdRequest, reply) => {
    const parsed = parseInput(placeSchema, request.body);
    const show = (extra: Shown) => showEdit(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      await changePlace(platform, request.actor, request.params.id, parsed.data, request.ip);
      return reply.redirect(paths.place(request.params.id), 303);
    }, show);
  });

  // The occupancy history: every hold, admission, discharge, release and change, newest first.
  app.get(paths.placeHistory(), { config: board }, async (request: IdRequest, reply) => {
    const page = Math.max(1, Math.min(10_000, Number.parseInt(request.query.page ?? '1', 10) || 1));
    const found = await placeHistory(platform, request.actor, request.params.id, page, request.ip);
    const href = (p: number) => `${paths.placeHistory(request.params.id)}?page=${p}`;
    return reply.view('crisis/views/places/history.njk', {
      title: `History of ${found.place.name}`,
      hideCrisisPanel: true,
      backHref: paths.place(request.params.id),
      ...found,
      pageSize: HISTORY_PAGE_SIZE,
      previousHref: found.page > 1 ? href(found.page - 1) : null,
      nextHref: found.page < found.pages ? href(found.page + 1) : null,
    });
  });

  // Holding a place for a named person, or admitting them at once (a walk-in). A full place is
  // refused with the places open now that could stand in for it.
  const showHoldForm = async (request: IdRequest, reply: FastifyReply, extra: Shown = {}) => {
    const body = (extra.values ?? {}) as Record<string, string | undefined>;
    const personId = body.personId ?? request.query.person ?? null;
    const found = await holdForm(platform, request.actor, request.params.id, personId);
    return reply.code(extra.status ?? 200).view('crisis/views/places/hold.njk', {
      title: `Hold a place at ${found.place.name}`,
      hideCrisisPanel: true,
      backHref: paths.place(request.params.id),
      ...found,
      hourChoices: HOLD_HOURS,
      values: extra.values ?? { personId: found.person?.id ?? request.query.person ?? '', hours: String(found.place.holdHours), admitNow: 'no', episodeId: request.query.episode ?? '' },
      errors: extra.errors,
    });
  };
  app.get(paths.placeHoldNew(), { config: act }, async (request: IdRequest, reply) => showHoldForm(request, reply));
  app.post(paths.placeHoldNew(), { config: act }, async (request: IdRequest, reply) => {
    const parsed = parseInput(holdSchema, request.body);
    const show = (extra: Shown) => showHoldForm(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      try {
        const held = await holdPlace(platform, request.actor, request.params.id, parsed.data, request.ip);
        return reply.redirect(paths.hold(held.holdId), 303);
      } catch (error) {
        if (!(error instanceof PlaceFullError)) throw error;
        return reply.code(409).view('crisis/views/places/full.njk', {
          title: `${error.place.name} is full`,
          hideCrisisPanel: true,
          backHref: paths.places,
          place: error.place,
          alternatives: error.alternatives,
          personId: parsed.data.personId,
          episodeId: parsed.data.episodeId ?? null,
          paths,
        });
      }
    }, show);
  });

  // A hold or stay, for someone who may see the person: admit, cancel or discharge from here.
  const showHold = async (request: HoldRequest, reply: FastifyReply, extra: Shown = {}) => {
    const found = await holdPage(platform, request.actor, request.params.holdId, request.ip);
    return reply.code(extra.status ?? 200).view('crisis/views/places/hold-page.njk', {
      title: `${found.hold.personName}: ${found.place.name}`,
      hideCrisisPanel: true,
      backHref: paths.place(found.place.id),
      ...found,
      recordHref: peoplePaths.person(found.hold.personId as string),
      values: extra.values ?? {},
      errors: extra.errors,
      paths,
    });
  };
  app.get(paths.hold(), { config: board }, async (request: HoldRequest, reply) => showHold(request, reply));

  app.post(paths.holdAdmit(), { config: act }, async (request: HoldRequest, reply) => {
    const parsed = parseInput(admitSchema, request.body);
    if (!parsed.ok) return showHold(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    await admitHold(platform, request.actor, request.params.holdId, parsed.data.note ?? null, request.ip);
    return reply.redirect(paths.hold(request.params.holdId), 303);
  });

  const showCancel = async (request: HoldRequest, reply: FastifyReply, extra: Shown = {}) => {
    const found = await holdPage(platform, request.actor, request.params.holdId, request.ip);
    return reply.code(extra.status ?? 200).view('crisis/views/places/cancel.njk', {
      title: 'Cancel the hold',
      hideCrisisPanel: true,
      backHref: paths.hold(request.params.holdId),
      ...found,
      reasons: CANCEL_REASONS,
      values: extra.values ?? {},
      errors: extra.errors,
    });
  };
  app.get(paths.holdCancel(), { config: act }, async (request: HoldRequest, reply) => showCancel(request, reply));
  app.post(paths.holdCancel(), { config: act }, async (request: HoldRequest, reply) => {
    const parsed = parseInput(cancelSchema, request.body);
    if (!parsed.ok) return showCancel(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    await cancelHold(platform, request.actor, request.params.holdId, parsed.data, request.ip);
    return reply.redirect(paths.hold(request.params.holdId), 303);
  });

  const showDischarge = async (request: HoldRequest, reply: FastifyReply, extra: Shown = {}) => {
    const found = await holdPage(platform, request.actor, request.params.holdId, request.ip);
    return reply.code(extra.status ?? 200).view('crisis/views/places/discharge.njk', {
      title: 'Discharge',
      hideCrisisPanel: true,
      backHref: paths.hold(request.params.holdId),
      ...found,
      values: extra.values ?? {},
      errors: extra.errors,
    });
  };
  app.get(paths.holdDischarge(), { config: act }, async (request: HoldRequest, reply) => showDischarge(request, reply));
  app.post(paths.holdDischarge(), { config: act }, async (request: HoldRequest, reply) => {
    const parsed = parseInput(dischargeSchema, request.body);
    if (!parsed.ok) return showDischarge(request, reply, { errors: parsed.errors, values: parsed.values, status: 400 });
    await dischargeHold(platform, request.actor, request.params.holdId, parsed.data.note, request.ip);
    return reply.redirect(paths.hold(request.params.holdId), 303);
  });

  // ---- the JSON API (session-authenticated; problems as application/problem+json) ----

  // Every place's availability in the HSDS 3.1 capacity shape.
  app.get(paths.apiPlaces, { config: board }, async () => {
    const found = await availabilityBoard(platform);
    return {
      at: found.now,
      places: found.places.map((p) => ({ id: p.id, name: p.name, kind: p.kind, area: p.area, team: p.teamName, status: p.status, open: p.open, openText: p.openText, capacity: p.capacity, held: p.held, occupied: p.occupied, directoryServiceId: p.directoryServiceId })),
    };
  });

  // Hold (201), or a problem: 400 with the fields at fault, 409 place-full with the alternatives open now.
  app.post(paths.apiPlaceHolds(), { config: act }, async (request: IdRequest, reply) => {
    const parsed = parseInput(holdSchema, request.body);
    if (!parsed.ok) return validationProblem(reply, parsed.fieldErrors, request.url);
    try {
      const held = await holdPlace(platform, request.actor, request.params.id, parsed.data, request.ip);
      return reply.code(201).send({ ...held, href: paths.hold(held.holdId) });
    } catch (error) {
      if (error instanceof PlaceFullError) return sendProblem(reply, { title: error.message, status: 409, instance: request.url, ...error.details });
      throw error;
    }
  });

  app.post(paths.apiHoldAdmit(), { config: act }, async (request: HoldRequest, reply) => {
    const parsed = parseInput(admitSchema, request.body ?? {});
    if (!parsed.ok) return validationProblem(reply, parsed.fieldErrors, request.url);
    await admitHold(platform, request.actor, request.params.holdId, parsed.data.note ?? null, request.ip);
    return reply.send({ holdId: request.params.holdId, status: 'admitted' });
  });

  app.post(paths.apiHoldCancel(), { config: act }, async (request: HoldRequest, reply) => {
    const parsed = parseInput(cancelSchema, request.body);
    if (!parsed.ok) return validationProblem(reply, parsed.fieldErrors, request.url);
    await cancelHold(platform, request.actor, request.params.holdId, parsed.data, request.ip);
    return reply.send({ holdId: request.params.holdId, status: 'cancelled' });
  });

  app.post(paths.apiHoldDischarge(), { config: act }, async (request: HoldRequest, reply) => {
    const parsed = parseInput(dischargeSchema, request.body);
    if (!parsed.ok) return validationProblem(reply, parsed.fieldErrors, request.url);
    const { followUpTaskId } = await dischargeHold(platform, request.actor, request.params.holdId, parsed.data.note, request.ip);
    return reply.send({ holdId: request.params.holdId, status: 'discharged', followUpTaskId });
  });
}
