// `mutual import postcodes <file.csv>`: fills the `postcodes` table from the ONS Postcode Directory
// (ONSPD) or OS Code-Point Open, streamed, in batches of a few thousand rows, then derives the
// outcode centroids that serve partial postcodes ("SW9").
//
// - ONSPD (https://geoportal.statistics.gov.uk, "ONS Postcode Directory"): a header row; the
//   postcode in `pcds` (or `pcd`/`pcd7`/`pcd8`), WGS84 `lat`/`long`, and `doterm`, the month a
//   postcode was terminated. Terminated postcodes are skipped, and so are postcodes with no grid
//   reference (ONSPD gives them lat 99.999999, long 0.000000).
// - Code-Point Open (https://osdatahub.os.uk): no header; postcode, positional quality, eastings,
//   northings, … in the British National Grid (OSGB36), converted here to WGS84. Positional
//   quality 90 means no coordinates.
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { isValid, toNormalised } from 'postcode';
import type { Database } from '../../platform/db/database.ts';
import { type PostcodeRow, upsertOutcodeCentroids, upsertPostcodes } from './store.ts';

// ---- OSGB36 National Grid → WGS84 ------------------------------------------------------------
// Ordnance Survey, "A guide to coordinate systems in Great Britain" (2020): the inverse transverse
// Mercator projection on the Airy 1830 ellipsoid (annex C), then a 7-parameter Helmert transform
// OSGB36 → ETRS89/WGS84 (section 6.6, good to about 5 metres), then back to latitude/longitude on
// GRS80 (annex B).

const AIRY = { a: 6377563.396, b: 6356256.909 };
const GRS80 = { a: 6378137.0, b: 6356752.314140 };
const NATIONAL_GRID = { F0: 0.9996012717, lat0: (49 * Math.PI) / 180, lon0: (-2 * Math.PI) / 180, N0: -100000, E0: 400000 };
const ARC_SECOND = Math.PI / (180 * 3600);
/** OSGB36 → WGS84: the inverse of the OS guide's WGS84 → OSGB36 parameters. */
const HELMERT = { tx: 446.448, ty: -125.157, tz: 542.06, s: -20.4894e-6, rx: 0.1502 * ARC_SECOND, ry: 0.247 * ARC_SECOND, rz: 0.8421 * ARC_SECOND };

/** National Grid eastings/northings → OSGB36 latitude/longitude in radians (OS guide, annex C). */
export function gridToOsgb36(easting: number, northing: number): { lat: number; lon: number } {
  const { a, b } = AIRY;
  const { F0, lat0, lon0, N0, E0 } = NATIONAL_GRID;
  const e2 = 1 - (b * b) / (a * a);
  const n = (a - b) / (a + b);
  const n2 = n * n;
  const n3 = n2 * n;
  const meridional = (phi: number) =>
    b *
    F0 *
    ((1 + n + (5 / 4) * n2 + (5 / 4) * n3) * (phi - lat0) -
      (3 * n + 3 * n2 + (21 / 8) * n3) * Math.sin(phi - lat0) * Math.cos(phi + lat0) +
      ((15 / 8) * n2 + (15 / 8) * n3) * Math.sin(2 * (phi - lat0)) * Math.cos(2 * (phi + lat0)) -
      (35 / 24) * n3 * Math.sin(3 * (phi - lat0)) * Math.cos(3 * (phi + lat0)));
  let phi = lat0;
  let M = 0;
  do {
    phi = (northing - N0 - M) / (a * F0) + phi;
    M = meridional(phi);
  } while (Math.abs(northing - N0 - M) >= 0.00001);
  const sin = Math.sin(phi);
  const cos = Math.cos(phi);
  const tan = Math.tan(phi);
  const nu = (a * F0) / Math.sqrt(1 - e2 * sin * sin);
  const rho = (a * F0 * (1 - e2)) / (1 - e2 * sin * sin) ** 1.5;
  const eta2 = nu / rho - 1;
  const VII = tan / (2 * rho * nu);
  const VIII = (tan / (24 * rho * nu ** 3)) * (5 + 3 * tan ** 2 + eta2 - 9 * tan ** 2 * eta2);
  const IX = (tan / (720 * rho * nu ** 5)) * (61 + 90 * tan ** 2 + 45 * tan ** 4);
  const X = 1 / (cos * nu);
  const XI = (1 / (6 * cos * nu ** 3)) * (nu / rho + 2 * tan ** 2);
  const XII = (1 / (120 * cos * nu ** 5)) * (5 + 28 * tan ** 2 + 24 * tan ** 4);
  const XIIA = (1 / (5040 * cos * nu ** 7)) * (61 + 662 * tan ** 2 + 1320 * tan ** 4 + 720 * tan ** 6);
  const dE = easting - E0;
  return {
    lat: phi - VII * dE ** 2 + VIII * dE ** 4 - IX * dE ** 6,
    lon: lon0 + X * dE - XI * dE ** 3 + XII * dE ** 5 - XIIA * dE ** 7,
  };
}

function toCartesian(lat: number, lon: number, ellipsoid: { a: number; b: number }) {
  const e2 = 1 - (ellipsoid.b * ellipsoid.b) / (ellipsoid.a * ellipsoid.a);
  const nu = ellipsoid.a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
  return { x: nu * Math.cos(lat) * Math.cos(lon), y: nu * Math.cos(lat) * Math.sin(lon), z: nu * (1 - e2) * Math.sin(lat) };
}

function fromCartesian(p: { x: number; y: number; z: number }, ellipsoid: { a: number; b: number }) {
  const e2 = 1 - (ellipsoid.b * ellipsoid.b) / (ellipsoid.a * ellipsoid.a);
  const lon = Math.atan2(p.y, p.x);
  const r = Math.sqrt(p.x * p.x + p.y * p.y);
  let lat = Math.atan2(p.z, r * (1 - e2));
  for (let i = 0; i < 10; i++) {
    const nu = ellipsoid.a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
    const next = Math.atan2(p.z + e2 * nu * Math.sin(lat), r);
    if (Math.abs(next - lat) < 1e-12) {
      lat = next;
      break;
    }
    lat = next;
  }
  return { lat, lon };
}

/** A Helmert transform of a Cartesian point (position-vector rotation, small-angle form). */
function helmert(p: { x: number; y: number; z: number }, t: typeof HELMERT) {
  const s1 = 1 + t.s;
  return {
    x: t.tx + s1 * p.x - t.rz * p.y + t.ry * p.z,
    y: t.ty + t.rz * p.x + s1 * p.y - t.rx * p.z,
    z: t.tz - t.ry * p.x + t.rx * p.y + s1 * p.z,
  };
}

/** British National Grid eastings/northings (OSGB36) → WGS84 latitude/longitude in degrees, to about 5 m. */
export function gridToWgs84(easting: number, northing: number): { latitude: number; longitude: number } {
  const osgb = gridToOsgb36(easting, northing);
  const wgs = fromCartesian(helmert(toCartesian(osgb.lat, osgb.lon, AIRY), HELMERT), GRS80);
  const deg = 180 / Math.PI;
  return { latitude: round6(wgs.lat * deg), longitude: round6(wgs.lon * deg) };
}

/** Six decimal places: about 10 cm, what ONSPD publishes. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

// ---- the import ------------------------------------------------------------------------------

export type PostcodeFormat = 'onspd' | 'codepoint-open';

export type SkipReason = 'terminated' | 'no coordinates' | 'not a postcode';

export interface PostcodeImportSummary {
  format: PostcodeFormat;
  /** Data rows read (not the header). */
  read: number;
  imported: number;
  skipped: number;
  skippedBy: Record<SkipReason, number>;
  /** Outcode centroids derived from the postcodes imported. */
  outcodes: number;
}

export interface PostcodeImportOptions {
  /** Rows per unit of work. */
  batchSize?: number;
  /** Called after each batch and at the end: bytes read so far, of the file's size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** ONSPD column names, as ONS has spelled them over the years (lower or upper case). */
const ONSPD_POSTCODE = ['pcds', 'pcd', 'pcd7', 'pcd8', 'pcd2'];

type Reader = (row: string[]) => { postcode: string; latitude: number; longitude: number } | SkipReason;

function normalised(raw: string | undefined): string | null {
  const text = (raw ?? '').trim();
  return text && isValid(text) ? toNormalised(text) : null;
}

function onspdReader(header: string[]): Reader {
  const cols = header.map((h) => h.trim().toLowerCase());
  const pc = ONSPD_POSTCODE.map((n) => cols.indexOf(n)).find((i) => i >= 0)!;
  const lat = cols.indexOf('lat');
  const lng = cols.indexOf('long');
  const doterm = cols.indexOf('doterm');
  if (lat < 0 || lng < 0) throw new Error('This ONSPD file has no lat and long columns.');
  return (row) => {
    const postcode = normalised(row[pc]);
    if (!postcode) return 'not a postcode';
    if (doterm >= 0 && (row[doterm] ?? '').trim() !== '') return 'terminated';
    const latitude = Number(row[lat]);
    const longitude = Number(row[lng]);
    if (!(row[lat] ?? '').trim() || !Number.isFinite(latitude) || !Number.isFinite(longitude) || latitude > 90 || latitude < 49 || Math.abs(longitude) > 10) {
      return 'no coordinates';
    }
    return { postcode, latitude, longitude };
  };
}

/** Code-Point Open: Postcode, Positional_quality_indicator, Eastings, Northings, … */
function codePointReader(): Reader {
  return (row) => {
    const postcode = normalised(row[0]);
    if (!postcode) return 'not a postcode';
    const quality = Number(row[1]);
    const easting = Number(row[2]);
    const northing = Number(row[3]);
    if (quality === 90 || !Number.isFinite(easting) || !Number.isFinite(northing) || (easting === 0 && northing === 0) || !(row[2] ?? '').trim()) {
      return 'no coordinates';
    }
    return { postcode, ...gridToWgs84(easting, northing) };
  };
}

/** The format of a file from its first row: an ONSPD header, a Code-Point Open header, or Code-Point Open data. */
export function detectFormat(firstRow: string[]): { format: PostcodeFormat; header: boolean } {
  const cols = firstRow.map((c) => c.trim().toLowerCase());
  if (cols.some((c) => ONSPD_POSTCODE.includes(c))) return { format: 'onspd', header: true };
  if (cols[0] === 'postcode' && cols.some((c) => c === 'eastings')) return { format: 'codepoint-open', header: true };
  if (normalised(firstRow[0]) && /^\d+$/.test((firstRow[2] ?? '').trim()) && /^\d+$/.test((firstRow[3] ?? '').trim())) return { format: 'codepoint-open', header: false };
  throw new Error(
    'This file is neither the ONS Postcode Directory (a header with pcds, lat and long) nor OS Code-Point Open (postcode, quality, eastings, northings).',
  );
}

/** Streams a postcode CSV into the postcodes table and refreshes the outcode centroids it touched. */
export async function importPostcodes(db: Database, file: string, options: PostcodeImportOptions = {}): Promise<PostcodeImportSummary> {
  const batchSize = options.batchSize ?? 5000;
  const totalBytes = fs.statSync(file).size;
  const input = fs.createReadStream(file);
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  const parser = input.pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }));

  let read: Reader | null = null;
  let format: PostcodeFormat | null = null;
  const summary = { read: 0, imported: 0, skippedBy: { terminated: 0, 'no coordinates': 0, 'not a postcode': 0 } as Record<SkipReason, number> };
  const outcodes = new Set<string>();
  let batch: PostcodeRow[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await db.write((tx) => upsertPostcodes(tx, rows));
    summary.imported += rows.length;
    options.onProgress?.(bytesRead, totalBytes);
  };

  for await (const row of parser as AsyncIterable<string[]>) {
    if (!read) {
      const detected = detectFormat(row);
      format = detected.format;
      read = format === 'onspd' ? onspdReader(row) : codePointReader();
      if (detected.header) continue;
    }
    summary.read++;
    const got = read(row);
    if (typeof got === 'string') {
      summary.skippedBy[got]++;
      continue;
    }
    batch.push(got);
    outcodes.add(got.postcode.split(' ')[0]!);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (!format) throw new Error('The file is empty.');

  // Centroids of the outcodes this file touched, from every postcode now stored in them.
  const list = [...outcodes].sort();
  let derived = 0;
  const CHUNK = 500;
  for (let i = 0; i < list.length; i += CHUNK) {
    const part = list.slice(i, i + CHUNK);
    derived += await db.write((tx) => upsertOutcodeCentroids(tx, undefined, part));
  }
  options.onProgress?.(totalBytes, totalBytes);
  const skipped = Object.values(summary.skippedBy).reduce((a, b) => a + b, 0);
  return { format, read: summary.read, imported: summary.imported, skipped, skippedBy: summary.skippedBy, outcodes: derived };
}
