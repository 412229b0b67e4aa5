// The crisis module's part of the demo alliance. Each part of the module adds its own demo data as one
// function in DEMO_PARTS (one import, one line), run in order after the people module's demo.
import type { Platform } from '../../platform/context.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import type { ModuleSeed } from '../../platform/seed/module-seed.ts';
import { seedEpisodesDemo } from './episode-seed.ts';
import { seedPlacesDemo } from './place-seed.ts';
import { seedSafetyPlanDemo } from './safety-plan.ts';

/** Adds one part's demo data; returns a short summary ("1 shared plan") or nothing. Best idempotent. */
type DemoPart = (platform: Platform, demo: DemoAlliance) => Promise<string | undefined>;

const DEMO_PARTS: DemoPart[] = [
  seedSafetyPlanDemo,
  seedPlacesDemo,
  seedEpisodesDemo,
  // one line a part, e.g. seedPlansDemo,
];

export const seed: ModuleSeed = {
  name: 'crisis',
  async seedDemo(platform, demo) {
    const done: string[] = [];
    for (const part of DEMO_PARTS) {
      const summary = await part(platform, demo);
      if (summary) done.push(summary);
    }
    return done.join(', ');
  },
};
