// What every `mutual` command shares: the validated configuration (exit 1 naming the variable at
// fault) and the configured database, opened for the command and closed after it. Commands import
// this, not main.ts, so registering them in main.ts makes no import cycle.
import { ConfigError, type Config, loadConfig } from '../config.ts';
import { type Database, openDatabase } from './db/database.ts';

export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error('Mutual cannot start: the configuration is not valid.');
      for (const p of error.problems) console.error(`  ${p.variable}: ${p.message}`);
      process.exit(1);
    }
    throw error;
  }
}

/** Opens the configured database, runs `fn`, closes it. */
export async function withDatabase<T>(fn: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = configOrExit();
  const db = openDatabase(config.database);
  try {
    return await fn(db, config);
  } finally {
    await db.close();
  }
}
