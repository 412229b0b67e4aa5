// `mutual backup <file>`: a consistent online copy of a SQLite database while the server runs
// (SQLite's backup API). PostgreSQL has its own tools; the command says which and exits 1.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { withDatabase } from '../cli.ts';

export const PG_DUMP_ADVICE = [
  'Mutual is using PostgreSQL: back it up with PostgreSQL\'s own tools, for example',
  '  pg_dump --format=custom --file=mutual-$(date +%F).dump "$DATABASE_URL"',
  'and restore with',
  '  pg_restore --clean --dbname="$DATABASE_URL" mutual-YYYY-MM-DD.dump',
  'For point-in-time recovery, archive the WAL as well (see docs/operations.md).',
].join('\n');

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('Copy the SQLite database to a file while it is in use (on PostgreSQL, explains pg_dump).')
    .argument('<file>', 'the file to write; it must not exist yet')
    .action(async (file: string) => {
      await withDatabase(async (db) => {
        if (db.kind === 'postgres') {
          console.error(PG_DUMP_ADVICE);
          process.exitCode = 1;
          return;
        }
        const target = path.resolve(file);
        if (fs.existsSync(target)) {
          console.error(`${file} exists already: choose a new file name (a backup never overwrites one).`);
          process.exitCode = 1;
          return;
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        await db.backup(target);
        console.log(`Backed up to ${target} (${size(fs.statSync(target).size)})`);
      });
    });
}
