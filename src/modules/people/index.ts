// The people module's public face. Other modules find or create people, read a summary, and register
// what they know about a person (their involvements and timeline entries) through these functions.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import type { ModuleSeed } from '../../platform/seed/module-seed.ts';
import { mergeTimeline } from './record.ts';
import portalRoutes from './portal-routes.ts';
import peopleRoutes from './routes.ts';
import { seedPeopleDemo } from './seed.ts';
import { registerPersonSource } from './sources.ts';

export { findOrCreatePerson, type MatchedPerson } from './people.ts';
export { type ContactPreferences, type NewPerson, openDuplicateCandidates, personSummary } from './store.ts';
export { involvement } from './access.ts';
export { type Involvement, type InvolvementQuery, type PersonSource, registerPersonSource, type TimelineEntry } from './sources.ts';
export { paths as peoplePaths } from './paths.ts';
export { DISABILITY, ETHNICITY, GENDER, RELIGION, SEXUAL_ORIENTATION } from './equality.ts';

/** The people module's part of the demo: the demo person's record, linked to their account (seed.ts). */
export const seed: ModuleSeed = { name: 'people', seedDemo: seedPeopleDemo };

export default async function people(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  // The module's own entries: merges of a person's records, and their undoing.
  registerPersonSource(platform, { name: 'people', timeline: mergeTimeline });
  await app.register(peopleRoutes, { platform });
  // The person's own portal (item 3).
  await app.register(portalRoutes, { platform });
}
