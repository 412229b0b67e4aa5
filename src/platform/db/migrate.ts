// Migrations: one set for both engines, discovered from every `migrations/` folder of the platform
// and the modules. File names start with a timestamp and their module
// (2026-12-01T0900_front-door_create-requests.ts), so sorting by name is the order they were written.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from 'kysely';
import type { Database } from './database.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function migrationFolders(src = SRC): string[] {
  const folders = [path.join(src, 'platform/db/migrations')];
  const modules = path.join(src, 'modules');
  if (fs.existsSync(modules)) {
    for (const name of fs.readdirSync(modules).sort()) {
      const folder = path.join(modules, name, 'migrations');
      if (fs.existsSync(folder)) folders.push(folder);
    }
  }
  return folders.filter((f) => fs.existsSync(f));
}

class FoldersMigrationProvider implements MigrationProvider {
  constructor(private readonly folders: string[]) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const found: Record<string, Migration> = {};
    for (const folder of this.folders) {
      for (const file of fs.readdirSync(folder)) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
        const name = file.replace(/\.ts$/, '');
        if (found[name]) throw new Error(`Two migrations are named ${name}.`);
        const mod = (await import(pathToFileURL(path.join(folder, file)).href)) as Migration;
        if (typeof mod.up !== 'function' || typeof mod.down !== 'function') {
          throw new Error(`Migration ${name} must export up and down.`);
        }
        found[name] = { up: mod.up, down: mod.down };
      }
    }
    return found;
  }
}

export function migrator(db: Database): Migrator {
  return new Migrator({
    db: db.writer,
    provider: new FoldersMigrationProvider(migrationFolders()),
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
    // Kysely looks for its tables by name in every schema unless told which: with a schema per test,
    // another test's lock table would be taken for ours.
    migrationTableSchema: db.kind === 'postgres' ? db.schema : undefined,
  });
}

function check(result: MigrationResultSet, what: string): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    err.message = `${what} failed${failed ? ` at ${failed.migrationName}` : ''}: ${err.message}`;
    throw err;
  }
  return (result.results ?? []).map((r) => r.migrationName);
}

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrateToLatest(db: Database): Promise<string[]> {
  return check(await migrator(db).migrateToLatest(), 'Migration');
}

/** Undoes every migration (used by the migration tests to prove each `down`). */
export async function migrateToZero(db: Database): Promise<string[]> {
  const m = migrator(db);
  const { NO_MIGRATIONS } = await import('kysely');
  return check(await m.migrateTo(NO_MIGRATIONS), 'Rollback');
}
