// The care module's part of the demo alliance. Each part of the module adds its own demo data as one
// function in DEMO_PARTS (one import, one line), run in order after the people module's demo.
import type { Platform } from '../../platform/context.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import type { ModuleSeed } from '../../platform/seed/module-seed.ts';
import { seedPlansDemo } from './plan-seed.ts';
import { seedNotesDemo } from './note-seed.ts';
import { seedReviewsAndMeetingsDemo } from './review-meeting-seed.ts';

/** Adds one part's demo data; returns a short summary ("1 shared plan") or nothing. Best idempotent. */
type DemoPart = (platform: Platform, demo: DemoAlliance) => Promise<string | undefined>;

const DEMO_PARTS: DemoPart[] = [
  // one line a part, e.g. seedPlansDemo,
  seedPlansDemo,
  seedNotesDemo,
  // after the plans part: it needs Jordan's open coordination
  seedReviewsAndMeetingsDemo,
];

export const seed: ModuleSeed = {
  name: 'care',
  async seedDemo(platform, demo) {
    const done: string[] = [];
    for (const part of DEMO_PARTS) {
      const summary = await part(platform, demo);
      if (summary) done.push(summary);
    }
    return done.join(', ');
  },
};
