// `mutual import discharges <file.csv>`: the trust's list of discharges from its inpatient wards (an
// extract of its electronic patient record, run daily or more often), read into Mutual so that every
// discharge gets its follow-up within 72 hours (follow-up.ts; hazard H15) without anyone typing it in.
//
// One row a discharge, a header row first; column names in any case, spaces or hyphens for "_":
//   discharge_id     required  the trust's own identifier of the discharge (its hospital spell): a row
//                              read again is recognised by it and changes nothing
//   discharged_at    required  London time, "2026-11-28 14:30", "2026-11-28T14:30", "28/11/2026 14:30",
//                              or an ISO instant with its offset ("2026-11-28T14:30:00Z")
//   date_of_birth    required  "1990-03-27" or "27/03/1990"
//   given_name, family_name   required
//   nhs_number       optional  checked (modulus 11); finds the person's record when Mutual has one
//   postcode, phone  optional  a phone is kept on a new record, for the follow-up to call
//   ward             optional  shown on the follow-up task
//   team             optional  the team that follows up, by id or exact name in the organisation;
//                              otherwise the team given to the command
//
// Each row is its own unit of work: imported whole or not at all, and the rows after a bad one go on.
// The person is found by NHS number, or a new record is made (and marked as a possible duplicate of a
// record with the same name, date of birth and postcode, for a practitioner to confirm: never merged
// silently). A discharge of the same person within 24 hours of one already followed up (recorded on a
// crisis episode) is the same discharge: it is linked, not followed up twice. Rows discharged before
// `since` (28 days ago unless told) are counted and skipped: a history loaded for the first time does
// not flood the teams with follow-ups long overdue. The report names rows by line and discharge_id,
// never by what they say about the person.
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { recordAudit } from '../../platform/access/audit.ts';
import { findOrganisationsByIdOrName, findTeamsByIdOrName } from '../../platform/auth/store.ts';
import type { Platform } from '../../platform/context.ts';
import { dateOfBirth, freeText, nhsNumber, optional, personName, postcode, ukPhone } from '../../platform/http/fields.ts';
import { fromLondonWallClock } from '../../platform/time/calendar.ts';
import { findOrCreatePerson } from '../people/index.ts';
import { scheduleFollowUp } from './follow-up.ts';
import { followUpOfDischarge } from './follow-up-store.ts';

/** Rows discharged longer ago than this are skipped unless `since` says otherwise. */
export const DEFAULT_SINCE_DAYS = 28;
/** The source of an imported discharge, as its follow-up records it: the trust's own identifier. */
export const sourceIdOf = (dischargeId: string) => `discharge-list:${dischargeId}`;

export type RowOutcome =
  | { line: number; dischargeId: string | null; outcome: 'followed-up'; match: 'nhs-number' | 'new'; possibleDuplicates: number; dueAt: Date }
  | { line: number; dischargeId: string; outcome: 'unchanged' | 'linked' | 'too-old' }
  | { line: number; dischargeId: string | null; outcome: 'failed'; problems: { column: string; message: string }[] };

export interface DischargeImportReport {
  read: number;
  followedUp: number;
  newPeople: number;
  possibleDuplicates: number;
  unchanged: number;
  linked: number;
  tooOld: number;
  failed: number;
  since: Date;
  rows: RowOutcome[];
}

export class DischargeImportError extends Error {}

/** The London wall-clock time or ISO instant of a discharge, or null when it is neither. */
export function parseDischargedAt(text: string): Date | null {
  const value = text.trim();
  if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(value) && value.includes('T')) {
    const at = DateTime.fromISO(value, { setZone: true });
    return at.isValid ? at.toJSDate() : null;
  }
  return fromLondonWallClock(value);
}

/** "27/03/1990" as "1990-03-27"; anything else as it was (the date of birth rule then judges it). */
function isoDate(text: string): string {
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  return uk ? `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}` : text.trim();
}

function rowSchema(now: () => Date) {
  return z.object({
    discharge_id: z
      .string({ error: 'Give the discharge_id' })
      .trim()
      .min(1, 'Give the discharge_id')
      .max(100, 'The discharge_id must be 100 characters or fewer')
      .regex(/^[\w./:-]+$/, 'The discharge_id must be letters, digits and . / : _ - only'),
    discharged_at: z
      .string({ error: 'Give discharged_at' })
      .transform((v, ctx) => {
        const at = parseDischargedAt(v);
        if (at) return at;
        ctx.addIssue({ code: 'custom', message: 'discharged_at must be a London date and time, like 2026-11-28 14:30' });
        return z.NEVER;
      })
      .refine((at) => at.getTime() <= now().getTime(), 'discharged_at must be now or in the past'),
    given_name: personName('the given name'),
    family_name: personName('the family name'),
    date_of_birth: z.preprocess((v) => (typeof v === 'string' ? isoDate(v) : v), dateOfBirth(now)),
    nhs_number: optional(nhsNumber),
    postcode: optional(postcode),
    phone: optional(ukPhone),
    ward: optional(freeText({ max: 100, what: 'the ward' })),
    team: optional(z.string().trim().max(200)),
  });
}

/** Column names as the schema has them: "Discharge ID", "discharge-id" → "discharge_id". */
function columnName(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

const REQUIRED_COLUMNS = ['discharge_id', 'discharged_at', 'given_name', 'family_name', 'date_of_birth'];

export interface DischargeImportOptions {
  /** The organisation whose teams follow up, by id or exact name. */
  organisation: string;
  /** The team that follows up when a row names none, by id or exact name in the organisation. */
  team: string;
  /** Rows discharged before this are skipped (default: DEFAULT_SINCE_DAYS ago). */
  since?: Date;
  onProgress?: (bytes: number, total: number) => void;
}

/** Reads a discharge list and makes the follow-up of each discharge. Throws DischargeImportError when it cannot start (no such team, a missing column). */
export async function importDischarges(platform: Platform, file: string, options: DischargeImportOptions): Promise<DischargeImportReport> {
  const { db, clock } = platform;
  const orgs = await findOrganisationsByIdOrName(db.read, options.organisation);
  if (orgs.length !== 1) throw new DischargeImportError(orgs.length ? `More than one organisation is named "${options.organisation}": use its id.` : `No organisation has the id or name "${options.organisation}".`);
  const organisationId = orgs[0]!.id;
  const teams = new Map<string, string | Error>();
  const teamOf = async (idOrName: string): Promise<string | Error> => {
    const known = teams.get(idOrName);
    if (known) return known;
    const found = await findTeamsByIdOrName(db.read, organisationId, idOrName);
    const answer = found.length === 1 ? found[0]!.id : new Error(found.length ? `More than one team is named "${idOrName}": use its id` : `No team of the organisation has the id or name "${idOrName}"`);
    teams.set(idOrName, answer);
    return answer;
  };
  const defaultTeam = await teamOf(options.team);
  if (defaultTeam instanceof Error) throw new DischargeImportError(`${defaultTeam.message}.`);

  const since = options.since ?? new Date(clock.now().getTime() - DEFAULT_SINCE_DAYS * 86_400_000);
  const schema = rowSchema(() => clock.now());
  const report: DischargeImportReport = { read: 0, followedUp: 0, newPeople: 0, possibleDuplicates: 0, unchanged: 0, linked: 0, tooOld: 0, failed: 0, since, rows: [] };
  const total = fs.statSync(file).size;
  const input = fs.createReadStream(file);
  let bytes = 0;
  input.on('data', (chunk) => {
    bytes += chunk.length;
    options.onProgress?.(bytes, total);
  });
  const parser = input.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const names = header.map(columnName);
        const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
        if (missing.length) throw new DischargeImportError(`The file has no ${missing.join(', ')} ${missing.length === 1 ? 'column' : 'columns'} (its header row names ${names.join(', ')}).`);
        return names;
      },
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      report.read++;
      const outcome = await importRow(platform, schema, record, info.lines, since, defaultTeam, teamOf);
      report.rows.push(outcome);
      if (outcome.outcome === 'followed-up') {
        report.followedUp++;
        if (outcome.match === 'new') report.newPeople++;
        if (outcome.possibleDuplicates > 0) report.possibleDuplicates++;
      } else if (outcome.outcome === 'unchanged') report.unchanged++;
      else if (outcome.outcome === 'linked') report.linked++;
      else if (outcome.outcome === 'too-old') report.tooOld++;
      else report.failed++;
    }
  } catch (error) {
    if (error instanceof DischargeImportError) throw error;
    // A file that is not CSV (an unclosed quote): the rows before it are in; say where it stopped.
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof DischargeImportError) throw cause;
    throw new DischargeImportError(`The file could not be read as CSV after ${report.read} rows: ${(error as Error).message}`);
  }
  return report;
}

async function importRow(
  platform: Platform,
  schema: ReturnType<typeof rowSchema>,
  record: Record<string, string>,
  line: number,
  since: Date,
  defaultTeam: string,
  teamOf: (idOrName: string) => Promise<string | Error>,
): Promise<RowOutcome> {
  const rawId = record.discharge_id?.trim() || null;
  const parsed = schema.safeParse(record);
  if (!parsed.success) {
    // The first problem of each column, in the order of the columns.
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const column = String(issue.path[0] ?? '');
      if (!problems.has(column)) problems.set(column, issue.message);
    }
    return { line, dischargeId: rawId, outcome: 'failed', problems: [...problems].map(([column, message]) => ({ column, message })) };
  }
  const row = parsed.data;
  if (row.discharged_at.getTime() < since.getTime()) return { line, dischargeId: row.discharge_id, outcome: 'too-old' };
  const teamId = row.team ? await teamOf(row.team) : defaultTeam;
  if (teamId instanceof Error) return { line, dischargeId: row.discharge_id, outcome: 'failed', problems: [{ column: 'team', message: teamId.message }] };
  const sourceId = sourceIdOf(row.discharge_id);
  return platform.db.write(async (tx) => {
    // Read again: a row already imported changes nothing, and makes no second record of its person.
    if (await followUpOfDischarge(tx, 'admission', sourceId)) return { line, dischargeId: row.discharge_id, outcome: 'unchanged' as const };
    const now = platform.clock.now();
    const person = await findOrCreatePerson(tx, now, {
      givenName: row.given_name,
      familyName: row.family_name,
      dateOfBirth: row.date_of_birth,
      nhsNumber: row.nhs_number ?? null,
      postcode: row.postcode ?? null,
      phone: row.phone ?? null,
    });
    const followUp = await scheduleFollowUp(platform, tx, {
      personId: person.personId,
      teamId,
      dischargedAt: row.discharged_at,
      from: 'admission',
      sourceId,
      by: null,
      byRole: 'system',
      note: `${row.ward ? `${row.ward}, ` : ''}from the trust's discharge list`,
    });
    await recordAudit(tx, {
      at: now,
      actorUserId: null,
      actorRole: 'system',
      actorTeamId: teamId,
      action: 'crisis.discharge.import',
      entityType: 'crisis-follow-up',
      entityId: followUp.followUpId,
      personId: person.personId,
      purpose: 'direct care',
      outcome: 'success',
    });
    if (!followUp.made) return { line, dischargeId: row.discharge_id, outcome: 'linked' as const };
    return { line, dischargeId: row.discharge_id, outcome: 'followed-up' as const, match: person.match, possibleDuplicates: person.possibleDuplicates.length, dueAt: followUp.dueAt };
  });
}
