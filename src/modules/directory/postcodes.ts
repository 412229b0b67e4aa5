// UK postcodes: validated and normalised with the maintained `postcode` library, geocoded through
// the `postcodes` table (ONS Postcode Directory or Code-Point Open, via `mutual import postcodes`),
// with outcode centroids for partial postcodes ("SW9").
import type { Kysely } from 'kysely';
import { isValid, toNormalised, validOutcode } from 'postcode';
import type { DB } from '../../platform/db/tables.ts';
import { findOutcodeCentroid, findPostcode } from './store.ts';

export type ParsedPlace = { kind: 'postcode'; postcode: string; outcode: string } | { kind: 'outcode'; outcode: string };

/** A full postcode ("sw99sl" → "SW9 9SL") or an outcode ("sw9" → "SW9"); null when it is neither. */
export function parsePlace(input: string): ParsedPlace | null {
  const text = input.trim().toUpperCase().replace(/\s+/g, ' ');
  if (!text) return null;
  if (isValid(text)) {
    const postcode = toNormalised(text)!;
    return { kind: 'postcode', postcode, outcode: postcode.split(' ')[0]! };
  }
  const compact = text.replace(/\s/g, '');
  if (/^[A-Z]{1,2}\d[A-Z\d]?$/.test(compact) && validOutcode(compact)) return { kind: 'outcode', outcode: compact };
  return null;
}

export interface Place {
  /** What the person typed, normalised: "SW9 9SL" or "SW9". */
  label: string;
  latitude: number;
  longitude: number;
  /** True when only the outcode's centre is known (a partial postcode, or a full one not in our list). */
  approximate: boolean;
}

export type PlaceLookup = { found: true; place: Place } | { found: false; label: string };

/** Where a parsed postcode is: the postcode itself, else its outcode's centre, else not found. */
export async function locate(db: Kysely<DB>, parsed: ParsedPlace): Promise<PlaceLookup> {
  if (parsed.kind === 'postcode') {
    const row = await findPostcode(db, parsed.postcode);
    if (row) return { found: true, place: { label: parsed.postcode, latitude: row.latitude, longitude: row.longitude, approximate: false } };
  }
  const centre = await findOutcodeCentroid(db, parsed.outcode);
  const label = parsed.kind === 'postcode' ? parsed.postcode : parsed.outcode;
  if (centre) return { found: true, place: { label, latitude: centre.latitude, longitude: centre.longitude, approximate: true } };
  return { found: false, label };
}
