// Modules that make tasks for their own work hear when one of theirs is finished from the task pages,
// in the same unit of work, so what they show stays true: the crisis board drops a follow-up the
// moment it is done, on every screen (hazard H13); care's own plan tells the key worker when an
// action's task is cancelled by someone else (H16).
// Care depends on no module that depends on it: they register here (`registerTaskWatcher`, from
// index.ts), as they do their risk flags.
import type { Kysely } from 'kysely';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import type { Task } from './tasks.ts';

export type FinishedTask = Pick<Task, 'id' | 'team_id' | 'person_id' | 'source' | 'source_kind' | 'source_id'>;

/** How a task was finished: done or cancelled, by whom, with what note, when. */
export interface Finish {
  status: 'done' | 'cancelled';
  by: string;
  note: string | null;
  at: Date;
}

export interface TaskWatcher {
  /** The `source` of the tasks it made. */
  source: string;
  finished(tx: Kysely<DB>, task: FinishedTask, finish: Finish): Promise<void>;
}

const watchers = new WeakMap<Platform, TaskWatcher[]>();

export function registerTaskWatcher(platform: Platform, watcher: TaskWatcher): void {
  const list = (watchers.get(platform) ?? []).filter((w) => w.source !== watcher.source);
  list.push(watcher);
  watchers.set(platform, list);
}

/** Tells the module that made the task that it was finished. */
export async function taskFinished(platform: Platform, tx: Kysely<DB>, task: FinishedTask, finish: Finish): Promise<void> {
  for (const w of watchers.get(platform) ?? []) if (w.source === task.source) await w.finished(tx, task, finish);
}
