// `mutual import discharges <file.csv> --organisation <org> --team <team>`: the trust's discharge list
// (discharge-import.ts). Progress goes to stderr as a bar on a terminal; the report to stdout, naming
// rows by line and discharge_id only. Exit code 1 when a row failed or the file could not be read.
import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { consoleOutput, type Output, progressBar, withDatabase } from '../../platform/cli.ts';
import { createPlatform, type Platform } from '../../platform/context.ts';
import { migrateToLatest } from '../../platform/db/migrate.ts';
import { formatDateTime } from '../../platform/views/format.ts';
import { LONDON } from '../../platform/time/calendar.ts';
import { systemClock } from '../../platform/time/clock.ts';
import { DEFAULT_SINCE_DAYS, type DischargeImportOptions, DischargeImportError, type DischargeImportReport, importDischarges } from './discharge-import.ts';

export function formatDischargeReport(file: string, r: DischargeImportReport): string[] {
  const lines = [
    `Discharges from ${file}`,
    `  read          ${r.read}`,
    `  followed up   ${r.followedUp} (a follow-up task due within 72 hours of each discharge; ${r.newPeople} new ${r.newPeople === 1 ? 'record' : 'records'}, ${r.possibleDuplicates} marked as a possible duplicate to confirm)`,
    `  already in    ${r.unchanged} (read before: nothing changed)`,
    `  linked        ${r.linked} (the same discharge already recorded on a crisis episode: one follow-up)`,
    `  too old       ${r.tooOld} (discharged before ${formatDateTime(r.since.toISOString())}: not imported)`,
    `  failed        ${r.failed}`,
  ];
  const failed = r.rows.filter((row) => row.outcome === 'failed');
  if (failed.length) {
    lines.push('', 'Failed (nothing of these rows was saved; correct them and run the import again):');
    for (const row of failed) {
      lines.push(`  line ${row.line}${row.dischargeId ? `, discharge_id ${row.dischargeId}` : ''}`);
      for (const p of row.problems) lines.push(`    ${p.column}: ${p.message}`);
    }
  }
  return lines;
}

/** Runs the import with progress and the report. Returns the exit code. */
export async function runDischargeImport(platform: Platform, file: string, options: Omit<DischargeImportOptions, 'onProgress'>, output: Output): Promise<number> {
  const bar = progressBar(output, 'Discharges', 'KB');
  let started = false;
  try {
    const report = await importDischarges(platform, file, {
      ...options,
      onProgress: (bytes, total) => {
        if (!started) bar.start(Math.ceil(total / 1024));
        started = true;
        bar.update(Math.ceil(bytes / 1024));
      },
    });
    bar.stop();
    for (const line of formatDischargeReport(file, report)) output.out(line);
    return report.failed > 0 ? 1 : 0;
  } catch (error) {
    bar.stop();
    if (!(error instanceof DischargeImportError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    output.out(`Discharges from ${file}: not imported. ${(error as Error).message}`);
    return 1;
  }
}

export function registerDischargeImportCommand(program: Command): void {
  const importCommand = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('Import data into Mutual.');
  importCommand
    .command('discharges')
    .description(
      `Import the trust's list of discharges from inpatient wards (CSV): each discharge gets a follow-up within 72 hours for a team. Safe to run again; rows discharged more than ${DEFAULT_SINCE_DAYS} days ago are skipped unless --since says otherwise.`,
    )
    .argument('<file>', 'a CSV file with a header row: discharge_id, discharged_at, given_name, family_name, date_of_birth, and optionally nhs_number, postcode, phone, ward, team')
    .requiredOption('--organisation <organisation>', 'the organisation whose team follows up: its id or exact name')
    .requiredOption('--team <team>', 'the team that follows up when a row names none: its id or exact name')
    .option('--since <date>', `skip rows discharged before this date (YYYY-MM-DD, London); default ${DEFAULT_SINCE_DAYS} days ago`)
    .option('--no-migrate', 'do not bring the database schema up to date first')
    .action(async (file: string, opts: { organisation: string; team: string; since?: string; migrate: boolean }) => {
      process.exitCode = await withDatabase(async (db, config) => {
        if (opts.migrate) await migrateToLatest(db);
        let since: Date | undefined;
        if (opts.since) {
          since = parseSince(opts.since) ?? undefined;
          if (!since) {
            console.log(`--since must be a date like 2026-11-01, not "${opts.since}".`);
            return 2;
          }
        }
        return runDischargeImport(createPlatform(config, db, systemClock), file, { organisation: opts.organisation, team: opts.team, since }, consoleOutput());
      });
    });
}

/** The start of a London date (YYYY-MM-DD), or null. */
export function parseSince(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const at = DateTime.fromISO(text, { zone: LONDON });
  return at.isValid ? at.startOf('day').toJSDate() : null;
}
