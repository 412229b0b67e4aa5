// What a module offers the `mutual seed` command and `npm start`: its part of the demo alliance, and
// optionally generated data at scale for the bench. A module exports one of these as `seed` from its
// index.ts, and src/seed.ts lists it (one import, one line).
import type { Platform } from '../context.ts';
import type { DemoAlliance } from './demo-alliance.ts';

export interface ModuleSeed {
  /** The module's name, for progress lines ("directory"). */
  name: string;
  /**
   * Adds the module's demo data. Runs after the platform's demo alliance exists, so it may refer to
   * `demo.orgs`, `demo.teams` and `demo.users`. Synthetic data only; best idempotent.
   * May return a short summary for the terminal (a string such as "130 services").
   */
  seedDemo?(platform: Platform, demo: DemoAlliance): Promise<unknown>;
  /** Adds about `n` generated records for the bench (`mutual seed --scale n`). May return a summary string. */
  seedScale?(platform: Platform, n: number, onProgress?: (done: number, total: number) => void): Promise<unknown>;
}

/** Adds one part of a module's demo data; returns a short summary ("1 shared plan") or nothing. Best idempotent. */
export type DemoPart = (platform: Platform, demo: DemoAlliance) => Promise<string | undefined>;

/** A module's seed made of parts, run in order, their summaries joined ("a plan, 2 notes"). */
export function seedInParts(name: string, parts: readonly DemoPart[]): ModuleSeed {
  return {
    name,
    async seedDemo(platform, demo) {
      const done: string[] = [];
      for (const part of parts) {
        const summary = await part(platform, demo);
        if (summary) done.push(summary);
      }
      return done.join(', ');
    },
  };
}
