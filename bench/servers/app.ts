// The app under test, in a process of its own (so the load generator does not share its event
// loop): the real server, as `npm start` runs it, on the scratch database named in argv[2].
//   tsx bench/servers/app.ts '{"kind":"sqlite","file":"/tmp/…/bench.db"}'
// Prints `READY {"origin":…}` once listening; stops on SIGTERM.
import crypto from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import type { DatabaseTarget } from '../../src/platform/db/database.ts';
import { systemClock } from '../../src/platform/time/clock.ts';
import { serve } from '../../src/server.ts';

const target = JSON.parse(process.argv[2] ?? '{}') as DatabaseTarget;
if (target.kind !== 'sqlite' && target.kind !== 'postgres') {
  console.error('bench app: pass the database target as JSON in the first argument.');
  process.exit(2);
}

const config = {
  ...loadConfig({
    ...process.env,
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    PUBLIC_URL: 'http://127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    DATABASE_URL: '',
    COOKIE_SECRET: process.env.COOKIE_SECRET ?? crypto.randomBytes(32).toString('base64url'),
    // All load comes from one address here; a deployment's limits are per person's address.
    RATE_LIMIT_API_PER_MINUTE: '1000000',
    RATE_LIMIT_LOOKUP_PER_MINUTE: '1000000',
  }),
  database: target,
};

const running = await serve(config, systemClock, { seedDemoIfEmpty: false });
console.log(`READY ${JSON.stringify({ origin: new URL(running.address).origin, config })}`);
