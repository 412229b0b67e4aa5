// Running the server: open the database, migrate, build the app, listen, and shut down gracefully.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { createPlatform } from './platform/context.ts';
import { type Database, openDatabase } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { startWorker, type Worker } from './platform/jobs/worker.ts';
import { DemoSeedRefused, demoSignIns, formatDemoSignIns, holdsDemoAlliance } from './platform/seed/demo-alliance.ts';
import { holdsAccounts } from './platform/seed/store.ts';
import type { Clock } from './platform/time/clock.ts';
import { seedDemoAlliance } from './seed.ts';

export interface ServeOptions {
  seedDemoIfEmpty: boolean;
  migrate?: boolean;
}

export interface Running {
  app: FastifyInstance;
  db: Database;
  address: string;
  stop(): Promise<void>;
}

export async function serve(config: Config, clock: Clock, options: ServeOptions): Promise<Running> {
  const db = openDatabase(config.database);
  if (options.migrate !== false) await migrateToLatest(db);
  const platform = createPlatform(config, db, clock);
  const app = await buildApp(platform, { cookieSecret: config.cookieSecret });
  // `npm start` on an empty database (never in production: config.demo is false there).
  if (options.seedDemoIfEmpty && config.demo && !(await holdsAccounts(db.read))) {
    await seedDemoAlliance(platform, (line) => console.log(line)).catch((error: unknown) => {
      // Another process seeded first: its demo is as good as ours.
      if (!(error instanceof DemoSeedRefused)) throw error;
    });
  }
  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`${config.serviceName} is running at ${address.replace('127.0.0.1', 'localhost')}`);
  if (config.env !== 'production' && (await holdsDemoAlliance(platform))) {
    for (const line of formatDemoSignIns(demoSignIns())) console.log(line);
  }
  // Timers that fell due while no server ran are due now: the worker's first pass runs them.
  const worker: Worker | undefined = config.worker.enabled ? startWorker(platform, { log: app.log }) : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop the worker (it finishes the timer in hand), finish the requests in flight and refuse
      // new ones, then close the database.
      await worker?.stop();
      await app.close();
      await db.close();
    })());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void stop().then(() => process.exit(0));
    });
  }
  return { app, db, address, stop };
}
