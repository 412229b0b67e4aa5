// What every module is given when it is registered: configuration, the database and the clock.
// Passed in, never imported as a singleton, so tests build exactly the world they need.
import type { Config } from '../config.ts';
import type { Database } from './db/database.ts';
import { TimerRegistry } from './jobs/timers.ts';
import type { Clock } from './time/clock.ts';

export interface Platform {
  config: Config;
  db: Database;
  clock: Clock;
  /** What each kind of durable timer does: modules register their handlers when they are registered. */
  timers: TimerRegistry;
}

/** A platform with an empty timer registry (buildApp fills it as modules register). */
export function createPlatform(config: Config, db: Database, clock: Clock): Platform {
  return { config, db, clock, timers: new TimerRegistry() };
}
