// What the task forms accept (issue 5, item 8), with messages in the NHS style.
import { z } from 'zod';
import { freeText, optional } from '../../platform/http/fields.ts';

const version = z.coerce.number({ error: 'Open the task again: the form is missing its version' }).int().min(1, 'Open the task again: the form is missing its version');

/** Done or cancelled, with a note (a cancelled task needs one: why). */
export const finishSchema = z
  .object({
    version,
    status: z.enum(['done', 'cancelled'], { error: 'Select whether the task is done or cancelled' }),
    note: optional(freeText({ max: 2000, what: 'the note' })),
  })
  .superRefine((v, ctx) => {
    if (v.status === 'cancelled' && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'Enter why the task is cancelled' });
  });

/** Take a task ("me"), give it to a member of the team (their user id), or give it back to the team (""). */
export const assignSchema = z.object({
  version,
  assignee: z.string({ error: 'Select who does this task' }).trim().max(64),
});
