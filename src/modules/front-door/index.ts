// The front door: anyone can ask for help, any hour (issue 4). Its public face for other modules.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import type { ModuleSeed } from '../../platform/seed/module-seed.ts';
import { registerRiskFlagSource } from '../care/index.ts';
import { registerPersonSource } from '../people/index.ts';
import frontDoorApi from './api.ts';
import { onBreach, onWarning } from './escalation.ts';
import journeyRoutes from './journey-routes.ts';
import { frontDoorPersonSource } from './person-record.ts';
import queueRoutes from './queue-routes.ts';
import partnerReferralRoutes from './partner-referral-routes.ts';
import { onReferralUnanswered, UNANSWERED_TIMER } from './partner-referrals.ts';
import referralRoutes from './referral-routes.ts';
import { frontDoorRiskFlags } from './risk-flag-store.ts';
import frontDoorPages from './routes.ts';
import { seedFrontDoorDemo } from './seed.ts';
import { TIMER_BREACH, TIMER_WARNING } from './submit.ts';

export { paths as frontDoorPaths } from './paths.ts';
export { type Submission, type Submitted, submitRequest } from './submit.ts';
/** Screening what the person writes in their own record, and the request opened when nobody round the clock is watching (hazard H19). */
export { OWN_ENTRY_STORY, OWN_REVIEW_STORY, raiseForOwnEntry } from './own-entry.ts';
export { type RiskCategory, screenWords, type WordsScreened } from './risk-phrases.ts';
/** What a person is told about their request's status, in plain words (the status page and the person's portal). */
export { STATUS_WORDS } from './status.ts';

/** The front door's part of the demo: a person referred to the peer network, waiting for its answer (seed.ts). */
export const seed: ModuleSeed = { name: 'front-door', seedDemo: seedFrontDoorDemo };

export default async function frontDoor(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  platform.timers.register(TIMER_WARNING, (tx, payload) => onWarning(platform, tx, (payload as { requestId: string }).requestId));
  platform.timers.register(TIMER_BREACH, (tx, payload) => onBreach(platform, tx, (payload as { requestId: string }).requestId));
  platform.timers.register(UNANSWERED_TIMER, (tx, payload) => onReferralUnanswered(platform, tx, payload));
  // The person record's involvements (who may see the person) and timeline entries.
  registerPersonSource(platform, frontDoorPersonSource(platform));
  // Caseloads show an open request's risk words as a flag.
  registerRiskFlagSource(platform, { name: 'front-door', flagsOf: frontDoorRiskFlags });
  await app.register(frontDoorApi, { platform });
  await app.register(frontDoorPages, { platform });
  await app.register(journeyRoutes, { platform });
  await app.register(queueRoutes, { platform });
  await app.register(referralRoutes, { platform });
  await app.register(partnerReferralRoutes, { platform });
}
