// Tasks and caseloads (issue 5, item 8): my tasks, team tasks, one task (finish, take, assign), my
// people, and a lead's view of the whole team's caseload.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import { type FormErrors, formErrors, InputError, parseInput } from '../../platform/http/problems.ts';
import { peoplePaths } from '../people/index.ts';
import { myCaseload, teamCaseload } from './caseload.ts';
import { CARE_READ, CARE_TEAM_READ, CARE_WRITE } from './notes.ts';
import { paths } from './paths.ts';
import { assignFromPage, finishFromPage, myTasks, taskPage, teamTasks } from './task-pages.ts';
import { assignSchema, finishSchema } from './task-schemas.ts';

const read = { permission: CARE_READ } as const;
const write = { permission: CARE_WRITE } as const;
const lead = { permission: CARE_TEAM_READ } as const;

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

interface Shown {
  errors?: FormErrors;
  values?: Record<string, unknown>;
  status?: number;
}

export default async function taskRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;

  // My tasks: overdue first, then by due date.
  app.get(paths.myTasks, { config: read }, async (request, reply) => {
    const tasks = await myTasks(platform, request.actor, request.ip);
    return reply.view('care/views/tasks/mine.njk', { title: 'My tasks', hideCrisisPanel: true, tasks, paths, peoplePaths });
  });

  // Team tasks: a lead sees every open task of the team; others the tasks nobody has taken.
  app.get(paths.teamTasks, { config: read }, async (request, reply) => {
    const page = await teamTasks(platform, request.actor, request.ip);
    return reply.view('care/views/tasks/team.njk', { title: 'Team tasks', hideCrisisPanel: true, ...page, paths, peoplePaths });
  });

  // One task: finish it with a note, take it, or (a lead) give it to someone.
  const showTask = async (request: IdRequest, reply: FastifyReply, extra: Shown & { form?: 'finish' | 'assign' } = {}) => {
    const page = await taskPage(platform, request.actor, request.params.id, request.ip);
    return reply.code(extra.status ?? 200).view('care/views/tasks/show.njk', {
      title: page.task.title,
      hideCrisisPanel: true,
      ...page,
      paths,
      peoplePaths,
      backHref: paths.myTasks,
      form: extra.form,
      values: extra.values ?? { version: page.task.version },
      errors: extra.errors,
    });
  };
  app.get(paths.task(), { config: read }, async (request: IdRequest, reply) => showTask(request, reply));

  const change = (form: 'finish' | 'assign', run: (request: IdRequest) => Promise<unknown>) => async (request: IdRequest, reply: FastifyReply) => {
    try {
      await run(request);
    } catch (error) {
      if (error instanceof InputError) return showTask(request, reply, { errors: formErrors(error.errors), values: request.body as Record<string, unknown>, status: 400, form });
      throw error;
    }
    return reply.redirect(paths.task(request.params.id), 303);
  };
  app.post(
    paths.taskFinish(),
    { config: write },
    change('finish', async (request) => {
      const parsed = parseInput(finishSchema, request.body);
      if (!parsed.ok) throw new InputError(parsed.fieldErrors);
      await finishFromPage(platform, request.actor, request.params.id, parsed.data, request.ip);
    }),
  );
  app.post(
    paths.taskAssign(),
    { config: write },
    change('assign', async (request) => {
      const parsed = parseInput(assignSchema, request.body);
      if (!parsed.ok) throw new InputError(parsed.fieldErrors);
      await assignFromPage(platform, request.actor, request.params.id, parsed.data, request.ip);
    }),
  );

  // My people: whose care I hold, with last contact, next review, open tasks and risk flags.
  app.get(paths.caseload, { config: read }, async (request, reply) => {
    const rows = await myCaseload(platform, request.actor, request.ip);
    return reply.view('care/views/caseload/mine.njk', { title: 'My people', hideCrisisPanel: true, rows, paths, peoplePaths });
  });

  // The whole team's caseload, by key worker (team leads).
  app.get(paths.teamCaseload, { config: lead }, async (request, reply) => {
    const page = await teamCaseload(platform, request.actor, request.ip);
    return reply.view('care/views/caseload/team.njk', { title: 'Team caseload', hideCrisisPanel: true, ...page, paths, peoplePaths });
  });
}
