// The care coordination module's public face (issue 5, items 2 and 4–8): shared plans, reviews,
// network meetings, notes with visibility, tasks and caseloads. Other modules make tasks through
// `createTask` (a crisis follow-up is one) and read a person's tasks.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';

export { createTask, finishTask, type NewTask, openTasksFor, type Task, taskById, tasksForPerson } from './tasks.ts';
export { seed } from './seed.ts';
export { paths as carePaths } from './paths.ts';

export default async function care(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  void app;
  void platform;
  // Each part of the module registers its routes here, one line each.
}
