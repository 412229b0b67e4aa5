// Running the server: open the database, migrate, build the app, listen, and shut down gracefully.
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import type { Platform } from './platform/context.ts';
import { type Database, openDatabase } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import type { Clock } from './platform/time/clock.ts';

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
  const platform: Platform = { config, db, clock };
  const app = await buildApp(platform, { cookieSecret: config.cookieSecret });
  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`${config.serviceName} is running at ${address.replace('127.0.0.1', 'localhost')}`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Finish the requests in flight, refuse new ones, then close the database.
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
