// The crisis module's part of the demo alliance. Each part of the module adds its own demo data as one
// function in DEMO_PARTS (one import, one line), run in order after the people module's demo.
import { type DemoPart, seedInParts } from '../../platform/seed/module-seed.ts';
import { seedEpisodesDemo } from './episode-seed.ts';
import { seedPlacesDemo } from './place-seed.ts';
import { seedSafetyPlanDemo } from './safety-plan.ts';

const DEMO_PARTS: DemoPart[] = [
  seedSafetyPlanDemo,
  seedPlacesDemo,
  seedEpisodesDemo,
];

export const seed = seedInParts('crisis', DEMO_PARTS);
