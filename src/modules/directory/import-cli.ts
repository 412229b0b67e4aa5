// `mutual import oruk <file.json | folder | URL>` and `mutual import postcodes <file.csv>`.
// Progress goes to stderr as a bar when stderr is a terminal, and nowhere otherwise (logs and CI
// stay clean); the report goes to stdout. The exit code is 1 when any record failed.
import type { Command } from 'commander';
import { consoleOutput, type Output, progressBar, withDatabase } from '../../platform/cli.ts';
import type { Database } from '../../platform/db/database.ts';
import { migrateToLatest } from '../../platform/db/migrate.ts';
import { type Clock, systemClock } from '../../platform/time/clock.ts';
import { type FeedReadResult, readFeed } from './oruk-feed.ts';
import { type ImportReport, importOrukFeed, type RecordResult } from './oruk-import.ts';
import { importPostcodes, type PostcodeImportSummary } from './postcodes-import.ts';

export type { Output };

const LABEL: Record<RecordResult['kind'], string> = {
  service: 'service',
  organization: 'organization',
  service_at_location: 'service_at_location',
  taxonomy: 'taxonomy',
  taxonomy_term: 'taxonomy_term',
};

/** The report of an ORUK import, as lines: counts, then each failed record with its fields, then notes and skips. */
export function formatOrukReport(location: string, report: ImportReport): string[] {
  const lines = [
    `Open Referral UK import from ${location} (${report.documents} ${report.documents === 1 ? 'document' : 'documents'})`,
    `  read       ${report.read}`,
    `  imported   ${report.created + report.updated} (${report.created} new, ${report.updated} updated)`,
    `  unchanged  ${report.unchanged}`,
    `  skipped    ${report.skipped}`,
    `  failed     ${report.failed}`,
  ];
  const failed = report.results.filter((r) => r.outcome === 'failed');
  if (report.problems.length || failed.length) {
    lines.push('', 'Failed:');
    for (const p of report.problems) lines.push(`  ${p.source}`, `    ${p.message}`);
    for (const r of failed) {
      lines.push(`  ${LABEL[r.kind]} ${r.id ?? '(no id)'} in ${r.source}`);
      for (const i of r.issues) lines.push(`    ${i.pointer}  ${i.message}`);
    }
  }
  const noted = report.results.filter((r) => r.outcome !== 'skipped' && r.outcome !== 'failed' && r.notes.length);
  if (noted.length) {
    lines.push('', 'Imported with changes:');
    for (const r of noted) {
      lines.push(`  ${LABEL[r.kind]} ${r.id} in ${r.source}`);
      for (const n of r.notes) lines.push(`    ${n.pointer}  ${n.message}`);
    }
  }
  const skipped = report.results.filter((r) => r.outcome === 'skipped');
  if (skipped.length) {
    lines.push('', 'Skipped:');
    for (const r of skipped) lines.push(`  ${LABEL[r.kind]} ${r.id} in ${r.source}: ${r.notes.map((n) => `${n.pointer ? `${n.pointer} ` : ''}${n.message}`).join('; ')}`);
  }
  return lines;
}

/** Reads and imports a feed, printing progress and the report. Returns the exit code. */
export async function runOrukImport(db: Database, clock: Clock, location: string, output: Output): Promise<number> {
  const reading = progressBar(output, 'Reading  ', 'pages');
  let feed: FeedReadResult;
  try {
    let started = false;
    feed = await readFeed(location, {
      onDocument: (_source, page, total) => {
        if (page != null && total != null) {
          if (!started) reading.start(total);
          started = true;
          reading.update(page, total);
        }
      },
    });
  } finally {
    reading.stop();
  }
  const importing = progressBar(output, 'Importing', 'records');
  let report: ImportReport;
  try {
    report = await importOrukFeed({ db, clock }, feed, (done, total) => {
      if (done === 0) importing.start(total);
      else importing.update(done);
    });
  } finally {
    importing.stop();
  }
  for (const line of formatOrukReport(location, report)) output.out(line);
  return report.failed > 0 ? 1 : 0;
}

export function formatPostcodeSummary(file: string, s: PostcodeImportSummary): string[] {
  const format = s.format === 'onspd' ? 'ONS Postcode Directory' : 'OS Code-Point Open';
  return [
    `Postcodes from ${file} (${format})`,
    `  read       ${s.read}`,
    `  imported   ${s.imported}`,
    `  skipped    ${s.skipped} (terminated ${s.skippedBy.terminated}, no coordinates ${s.skippedBy['no coordinates']}, not a postcode ${s.skippedBy['not a postcode']})`,
    `  outcodes   ${s.outcodes} centroids derived`,
  ];
}

export async function runPostcodeImport(db: Database, file: string, output: Output, batchSize?: number): Promise<number> {
  const bar = progressBar(output, 'Postcodes', 'MB');
  const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
  let started = false;
  try {
    const summary = await importPostcodes(db, file, {
      batchSize,
      onProgress: (bytes, total) => {
        if (!started) bar.start(mb(total));
        started = true;
        bar.update(mb(bytes));
      },
    });
    bar.stop();
    for (const line of formatPostcodeSummary(file, summary)) output.out(line);
    return 0;
  } finally {
    bar.stop();
  }
}

async function withConfiguredDatabase(migrate: boolean, fn: (db: Database) => Promise<number>): Promise<void> {
  process.exitCode = await withDatabase(async (db) => {
    if (migrate) await migrateToLatest(db);
    return fn(db);
  });
}

/** Adds `mutual import oruk` and `mutual import postcodes` to the command line. */
export function registerImportCommands(program: Command): void {
  const importCommand = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('Import data into Mutual.');
  importCommand
    .command('oruk')
    .description('Import an Open Referral UK feed: a JSON file, a folder of JSON files, or an http(s) URL (paged /services are followed). Safe to run again.')
    .argument('<source>', 'file.json, folder or URL')
    .option('--no-migrate', 'do not bring the database schema up to date first')
    .action(async (source: string, opts: { migrate: boolean }) => {
      await withConfiguredDatabase(opts.migrate, (db) => runOrukImport(db, systemClock, source, consoleOutput()));
    });
  importCommand
    .command('postcodes')
    .description('Import UK postcodes from the ONS Postcode Directory (ONSPD) CSV or OS Code-Point Open, then derive outcode centroids.')
    .argument('<file>', 'a CSV file')
    .option('--batch-size <rows>', 'rows per database transaction', (v) => Number.parseInt(v, 10), 5000)
    .option('--no-migrate', 'do not bring the database schema up to date first')
    .action(async (file: string, opts: { migrate: boolean; batchSize: number }) => {
      await withConfiguredDatabase(opts.migrate, (db) => runPostcodeImport(db, file, consoleOutput(), opts.batchSize));
    });
}
