// The crisis and rapid response module's public face (issue 6): crisis episodes and the live board,
// places (alternatives to admission) and holds, safety plans, follow-up within 72 hours, measures.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { registerRiskFlagSource, registerTaskWatcher } from '../care/index.ts';
import boardRoutes from './board.ts';
import boardEventRoutes from './board-events.ts';
import episodeRoutes from './episode-routes.ts';
import measuresRoutes from './measures.ts';
import placeRoutes from './place-routes.ts';
import { crisisRiskFlags } from './risk-flag-store.ts';
import { followUpFinished } from './follow-up.ts';
import safetyPlanRoutes from './safety-plan-routes.ts';

export { seed } from './seed.ts';
export { paths as crisisPaths } from './paths.ts';
/** Safety plans: the person's current plan for a crisis responder's page (include `crisis/views/safety-plan/_summary.njk` with it as `safetyPlan`). */
export { type SafetyPlanSummary, safetyPlanFor } from './safety-plan.ts';
/** Crisis episodes: open one in the caller's unit of work (the front door's crisis decision, a discharge). */
export { type EpisodeSource, type OpenEpisodeInput, openEpisodeIn as openCrisisEpisode } from './episodes.ts';
/** Follow-up within 72 hours of a discharge (an admission, a crisis house, a sanctuary, an episode), in the caller's unit of work. */
export { type DischargedFrom, FOLLOW_UP_HOURS, type FollowUpInput, scheduleFollowUp } from './follow-up.ts';
/** Places (alternatives to admission): each place's availability now, and what could stand in for a full one. */
export { alternativesTo, availabilityBoard, capacityOf, type DescribedPlace } from './places.ts';

export default async function crisis(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  // Caseloads show an open episode and a follow-up still to do as risk flags.
  registerRiskFlagSource(platform, { name: 'crisis', flagsOf: crisisRiskFlags });
  // A follow-up done (or cancelled) from the task pages leaves every board at once (H13).
  registerTaskWatcher(platform, { source: 'crisis', finished: followUpFinished });
  // Each part of the module registers its routes here, one line each.
  await app.register(safetyPlanRoutes, { platform });
  await app.register(placeRoutes, { platform });
  await app.register(episodeRoutes, { platform });
  await app.register(boardRoutes, { platform });
  await app.register(measuresRoutes, { platform });
  await app.register(boardEventRoutes, { platform });
}
