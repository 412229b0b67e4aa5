// The directory at the size issue 3 measures: 100,000 generated services, as `mutual seed --scale
// 100000` makes them (src/modules/directory/seed.ts), seeded once per engine and shared by the
// directory's scenarios (the seed is idempotent: a second call finds the last service and stops).
import { seedDirectoryScale } from '../src/modules/directory/seed.ts';
import { createPlatform } from '../src/platform/context.ts';
import type { BenchContext } from './scenario.ts';

export const DIRECTORY_SCALE = Number(process.env.BENCH_DIRECTORY_SCALE ?? 100_000);

/** Seeds the scale directory unless it is already there; says how long seeding took when it did. */
export async function ensureScaleDirectory(ctx: BenchContext): Promise<void> {
  const started = Date.now();
  const inserted = await seedDirectoryScale(createPlatform(ctx.config, ctx.db, ctx.clock), DIRECTORY_SCALE);
  if (inserted > 0) process.stdout.write(`(seeded ${inserted.toLocaleString('en-GB')} services in ${Math.round((Date.now() - started) / 1000)} s) `);
}
