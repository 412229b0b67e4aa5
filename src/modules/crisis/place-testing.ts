// Test and bench factories for places: a place run by a team, written as a team lead's form would
// write it (its first history entry, its directory capacity). Each call makes unique data.
import type { Platform } from '../../platform/context.ts';
import { newId } from '../../platform/db/ids.ts';
import type { OpeningHours } from '../../platform/time/calendar.ts';
import { updateServiceCapacity } from '../directory/index.ts';
import { openingHoursJson } from './places.ts';
import { insertEvent, insertPlace, type PlaceKind } from './place-store.ts';
import { PLACE_KINDS } from './place-schemas.ts';

export interface PlaceSpec {
  teamId: string;
  organisationId: string;
  kind?: PlaceKind;
  name?: string;
  maximum?: number;
  /** null (the default): open 24 hours. */
  hours?: OpeningHours | null;
  holdHours?: number;
  serviceId?: string | null;
  area?: string | null;
  /** A fixed id (the demo). */
  id?: string;
  /** The capacity unit, when not the kind's own (to match a directory service's). */
  unit?: string;
}

let counter = 0;

/** A place, with its directory service's capacity set when it is linked to one. Returns its id. */
export async function aPlace(platform: Platform, spec: PlaceSpec): Promise<string> {
  const id = spec.id ?? newId();
  const kind = spec.kind ?? 'sanctuary';
  const unit = spec.unit ?? PLACE_KINDS.find((k) => k.value === kind)!.unit;
  const maximum = spec.maximum ?? 4;
  await platform.db.write(async (tx) => {
    const at = platform.clock.now().toISOString();
    await insertPlace(tx, {
      id,
      name: spec.name ?? `Test ${kind} ${++counter}`,
      kind,
      unit,
      description: null,
      area: spec.area ?? 'Brixton, SW9',
      team_id: spec.teamId,
      organisation_id: spec.organisationId,
      directory_service_id: spec.serviceId ?? null,
      maximum,
      opening_hours: openingHoursJson(spec.hours ?? null),
      hold_hours: spec.holdHours ?? 2,
      status: 'active',
      capacity_updated_at: at,
      updated_at: at,
    });
    await insertEvent(tx, { place_id: id, hold_id: null, kind: 'opened', at, by_user_id: null, team_id: spec.teamId, held_after: 0, occupied_after: 0, maximum_after: maximum, note: null });
    if (spec.serviceId) await updateServiceCapacity(tx, spec.serviceId, { available: maximum, maximum, unit, updated: at });
  });
  return id;
}
