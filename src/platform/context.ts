// What every module is given when it is registered: configuration, the database and the clock.
// Passed in, never imported as a singleton, so tests build exactly the world they need.
import type { Config } from '../config.ts';
import type { Database } from './db/database.ts';
import type { Clock } from './time/clock.ts';

export interface Platform {
  config: Config;
  db: Database;
  clock: Clock;
}
