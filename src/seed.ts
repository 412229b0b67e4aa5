// `mutual seed --demo` and `mutual seed --scale <n>`, and the demo seed `npm start` runs on an empty
// database. The platform seeds the demo alliance (organisations, teams, a user for every role); then
// each module adds its own demo data, in the order listed here.
//
// To add a module's seed: export `seed: ModuleSeed` from the module's index.ts, then add one import
// and one line to MODULE_SEEDS below.
import type { Command } from 'commander';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { createPlatform, type Platform } from './platform/context.ts';
import { openDatabase } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { DEMO, DemoSeedRefused, type DemoSignIn, formatDemoSignIns, REFUSED_IN_PRODUCTION, seedDemo } from './platform/seed/demo-alliance.ts';
import type { ModuleSeed } from './platform/seed/module-seed.ts';
import { type Clock, systemClock } from './platform/time/clock.ts';
import { seed as directorySeed } from './modules/directory/index.ts';
import { seed as peopleSeed } from './modules/people/index.ts';
import { seed as frontDoorSeed } from './modules/front-door/index.ts';
import { seed as careSeed } from './modules/care/index.ts';
import { seed as crisisSeed } from './modules/crisis/index.ts';

/** Each module's seed, run in this order after the platform's demo alliance. */
export const MODULE_SEEDS: readonly ModuleSeed[] = [
  directorySeed,
  peopleSeed,
  frontDoorSeed,
  careSeed,
  crisisSeed,
  // { name: 'directory', ... } — modules add one line each, e.g. `directorySeed,`
];

type Out = (line: string) => void;

function summary(result: unknown): string {
  return typeof result === 'string' && result ? `: ${result}` : '';
}

/** The platform's demo alliance, then every module's demo data. Returns the demo sign-ins. Throws DemoSeedRefused. */
export async function seedDemoAlliance(platform: Platform, out: Out = () => {}, seeds: readonly ModuleSeed[] = MODULE_SEEDS): Promise<DemoSignIn[]> {
  const signIns = await seedDemo(platform);
  out(`Created the demo alliance: ${Object.keys(DEMO.orgs).length} organisations, ${Object.keys(DEMO.teams).length} teams, ${signIns.length} users.`);
  for (const m of seeds) {
    if (!m.seedDemo) continue;
    const result = await m.seedDemo(platform, DEMO);
    out(`Seeded the ${m.name} demo${summary(result)}.`);
  }
  return signIns;
}

export class ScaleSeedUnavailable extends Error {}

/** Every module's generated data at scale, for the bench. */
export async function seedAtScale(platform: Platform, n: number, out: Out = () => {}, seeds: readonly ModuleSeed[] = MODULE_SEEDS): Promise<void> {
  const scaled = seeds.filter((m) => m.seedScale);
  if (scaled.length === 0) throw new ScaleSeedUnavailable('Seeding at scale is not available yet: no module provides it.');
  for (const m of scaled) {
    const result = await m.seedScale!(platform, n);
    out(`Seeded ${m.name} at scale ${n}${summary(result)}.`);
  }
}

export interface SeedOptions {
  demo?: boolean;
  scale?: number;
  /** Bring the schema up to date first (default true). */
  migrate?: boolean;
}

/** The `mutual seed` command without the process around it. Returns the exit code. */
export async function runSeed(config: Config, clock: Clock, options: SeedOptions, out: Out = console.log, err: Out = console.error): Promise<number> {
  if (!options.demo && options.scale === undefined) {
    err('Say what to seed: --demo (the demo alliance) or --scale <n> (generated data for the bench).');
    return 1;
  }
  if (options.scale !== undefined && (!Number.isInteger(options.scale) || options.scale < 1)) {
    err('--scale needs a whole number of 1 or more, such as --scale 100000.');
    return 1;
  }
  // Checked before the database is even opened.
  if (config.env === 'production') {
    err(options.demo ? REFUSED_IN_PRODUCTION : 'Mutual will not generate synthetic data when NODE_ENV=production.');
    return 1;
  }
  const db = openDatabase(config.database);
  try {
    if (options.migrate !== false) await migrateToLatest(db);
    const platform = createPlatform(config, db, clock);
    if (options.demo) {
      const signIns = await seedDemoAlliance(platform, out);
      for (const line of formatDemoSignIns(signIns)) out(line);
    }
    if (options.scale !== undefined) await seedAtScale(platform, options.scale, out);
    return 0;
  } catch (error) {
    if (error instanceof DemoSeedRefused || error instanceof ScaleSeedUnavailable) {
      err(error.message);
      return 1;
    }
    throw error;
  } finally {
    await db.close();
  }
}

/** Adds `mutual seed` to the command line. */
export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('Create synthetic data: --demo for the demo alliance (an empty database, never in production), --scale <n> for the bench.')
    .option('--demo', 'create the demo alliance and print its sign-ins')
    .option('--scale <n>', 'generate about n records for the bench', (v) => Number(v))
    .option('--no-migrate', 'do not bring the database schema up to date first')
    .action(async (opts: { demo?: boolean; scale?: number; migrate: boolean }) => {
      let config: Config;
      try {
        config = loadConfig();
      } catch (error) {
        if (error instanceof ConfigError) {
          console.error('Mutual cannot start: the configuration is not valid.');
          for (const p of error.problems) console.error(`  ${p.variable}: ${p.message}`);
          process.exitCode = 1;
          return;
        }
        throw error;
      }
      process.exitCode = await runSeed(config, systemClock, { demo: opts.demo, scale: opts.scale, migrate: opts.migrate });
    });
}
