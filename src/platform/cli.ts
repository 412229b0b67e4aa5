// What every `mutual` command shares: the validated configuration (exit 1 naming the variable at
// fault) and the configured database, opened for the command and closed after it. Commands import
// this, not main.ts, so registering them in main.ts makes no import cycle.
import cliProgress from 'cli-progress';
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

/** Where progress and the report go; a test passes its own. */
export interface Output {
  out: (line: string) => void;
  /** A terminal for the progress bar, or null for none. */
  progress: NodeJS.WritableStream | null;
}

export function consoleOutput(): Output {
  return { out: (line) => console.log(line), progress: process.stderr.isTTY ? process.stderr : null };
}

/** A progress bar on a terminal; nothing at all elsewhere. */
export function progressBar(output: Output, label: string, unit: string) {
  if (!output.progress) return { start() {}, update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { stream: output.progress, format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    start(total: number) {
      bar.start(total, 0);
      started = true;
    },
    update(value: number, total?: number) {
      if (!started) return;
      if (total != null) bar.setTotal(total);
      bar.update(value);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
