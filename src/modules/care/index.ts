// The care coordination module's public face (issue 5, items 2 and 4–8): shared plans, reviews,
// network meetings, notes with visibility, tasks and caseloads. Other modules make tasks through
// `createTask` (a crisis follow-up is one) and read a person's tasks.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import planRoutes from './plan-routes.ts';
import meetingRoutes from './meeting-routes.ts';
import reviewRoutes from './review-routes.ts';
import noteRoutes from './note-routes.ts';
import taskRoutes from './task-routes.ts';
import { afterTaskCancelled } from './plan.ts';
import { registerTaskWatcher } from './task-watchers.ts';

export { createTask, finishTask, type NewTask, openTasksFor, type Task, taskById, tasksForPerson } from './tasks.ts';
export { seed } from './seed.ts';
export { paths as carePaths } from './paths.ts';
/** Caseloads: a module shows its risk flags (open crisis episodes, front door risk) on caseloads by registering a source. */
export { type RiskFlagSource, registerRiskFlagSource } from './caseload.ts';
export { type Finish, type FinishedTask, registerTaskWatcher, type TaskWatcher } from './task-watchers.ts';
// Care coordination and the shared plan: the access check every page about a coordination goes through, and opening from a front door decision.
export {
  auditCoordination,
  auditCoordinationDenied,
  CARE_READ,
  CARE_WRITE,
  type CoordinationAccess,
  coordinationAccess,
  type DecisionInput,
  openCoordinationFromDecision,
} from './coordination.ts';
/** The teams a front door decision may name to coordinate care. */
export { teamsThatCoordinateCare } from './plan-store.ts';

export default async function care(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  // A plan action's task cancelled by someone other than the key worker: the key worker is told (H16).
  registerTaskWatcher(platform, { source: 'care', finished: (tx, task, finish) => (finish.status === 'cancelled' ? afterTaskCancelled(platform, tx, task, finish.by, finish.note) : Promise.resolve()) });
  // Each part of the module registers its routes here, one line each.
  await app.register(planRoutes, { platform });
  await app.register(reviewRoutes, { platform });
  await app.register(meetingRoutes, { platform });
  await app.register(noteRoutes, { platform });
  await app.register(taskRoutes, { platform });
}
