// The care module's part of the demo alliance. Each part of the module adds its own demo data as one
// function in DEMO_PARTS (one import, one line), run in order after the people module's demo.
import { type DemoPart, seedInParts } from '../../platform/seed/module-seed.ts';
import { seedPlansDemo } from './plan-seed.ts';
import { seedNotesDemo } from './note-seed.ts';
import { seedReviewsAndMeetingsDemo } from './review-meeting-seed.ts';

const DEMO_PARTS: DemoPart[] = [
  seedPlansDemo,
  seedNotesDemo,
  // after the plans part: it needs Jordan's open coordination
  seedReviewsAndMeetingsDemo,
];

export const seed = seedInParts('care', DEMO_PARTS);
