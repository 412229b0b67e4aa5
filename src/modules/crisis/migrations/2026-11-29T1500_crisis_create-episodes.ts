// Crisis episodes (issue 6, items 1, 2 and 5):
// - `crisis_episodes`: one episode of crisis care, from first contact to an outcome. The person may be
//   unknown at first (a crisis-line call): `person_id` is null and `caller_description` says who rang;
//   the person is linked later. `postcode_district` is the outward code only, for the board. Closing
//   needs an outcome (a CHECK backs the rule the code enforces).
// - `crisis_episode_responders`: who is responding; a removal is kept (removed_at), never deleted.
// - `crisis_episode_actions`: the episode's action log, append-only.
// - `crisis_follow_ups`: follow-up within 72 hours of a discharge (from an admission, a crisis house,
//   a sanctuary or an episode): the task it made and when it was escalated; the task says when it was done.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('crisis_episodes')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', t.id, (c) => c.references('people.id'))
    .addColumn('caller_description', 'text')
    .addColumn('callback_phone', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_detail', 'text')
    .addColumn('request_id', t.id, (c) => c.references('requests.id'))
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('first_contact_at', t.timestamp, (c) => c.notNull())
    .addColumn('opened_at', t.timestamp, (c) => c.notNull())
    .addColumn('opened_by', t.id, (c) => c.references('users.id'))
    .addColumn('target_at', t.timestamp, (c) => c.notNull())
    .addColumn('warned_at', t.timestamp)
    .addColumn('escalated_at', t.timestamp)
    .addColumn('responded_at', t.timestamp)
    .addColumn('responded_by', t.id, (c) => c.references('users.id'))
    .addColumn('team_id', t.id, (c) => c.notNull().references('teams.id'))
    .addColumn('postcode_district', 'text')
    .addColumn('next_action', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('outcome', 'text')
    .addColumn('outcome_note', 'text')
    .addColumn('closed_at', t.timestamp)
    .addColumn('closed_by', t.id, (c) => c.references('users.id'))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('crisis_episodes_source', oneOf('source', ['front-door', 'phone', 'walk-in', 'police', 'a-and-e', 'discharge']))
    .addCheckConstraint('crisis_episodes_priority', oneOf('priority', ['emergency', 'very-urgent', 'urgent', 'routine']))
    .addCheckConstraint('crisis_episodes_status', oneOf('status', ['open', 'closed']))
    .addCheckConstraint(
      'crisis_episodes_outcome',
      oneOf('outcome', ['resolved-at-home', 'home-treatment', 'crisis-house', 'sanctuary', 'a-and-e', 'admitted-informally', 'detained', 'other']),
    )
    .addCheckConstraint('crisis_episodes_closed_has_outcome', requiredWith('closed_at', 'outcome'))
    .addCheckConstraint('crisis_episodes_closed_has_by', requiredWith('closed_at', 'closed_by'))
    .execute();
  // The board: open episodes of a team by target; measures by opening time; a person's episodes.
  await db.schema.createIndex('crisis_episodes_board_idx').on('crisis_episodes').columns(['status', 'team_id', 'target_at']).execute();
  await db.schema.createIndex('crisis_episodes_opened_idx').on('crisis_episodes').columns(['opened_at']).execute();
  await db.schema.createIndex('crisis_episodes_person_idx').on('crisis_episodes').columns(['person_id', 'status']).execute();
  await db.schema.createIndex('crisis_episodes_request_idx').on('crisis_episodes').column('request_id').execute();

  await db.schema
    .createTable('crisis_episode_responders')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('episode_id', t.id, (c) => c.notNull().references('crisis_episodes.id'))
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('assigned_by', t.id, (c) => c.references('users.id'))
    .addColumn('assigned_at', t.timestamp, (c) => c.notNull())
    .addColumn('removed_by', t.id, (c) => c.references('users.id'))
    .addColumn('removed_at', t.timestamp)
    .addCheckConstraint('crisis_episode_responders_removed_has_by', requiredWith('removed_at', 'removed_by'))
    .execute();
  await db.schema.createIndex('crisis_episode_responders_episode_idx').on('crisis_episode_responders').columns(['episode_id', 'removed_at']).execute();
  await db.schema.createIndex('crisis_episode_responders_user_idx').on('crisis_episode_responders').columns(['user_id', 'removed_at']).execute();

  await db.schema
    .createTable('crisis_episode_actions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('episode_id', t.id, (c) => c.notNull().references('crisis_episodes.id'))
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('by_user_id', t.id, (c) => c.references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('detail', t.json)
    .execute();
  await db.schema.createIndex('crisis_episode_actions_episode_idx').on('crisis_episode_actions').columns(['episode_id', 'at']).execute();

  await db.schema
    .createTable('crisis_follow_ups')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('team_id', t.id, (c) => c.notNull().references('teams.id'))
    .addColumn('discharged_from', 'text', (c) => c.notNull())
    .addColumn('source_id', t.id, (c) => c.notNull())
    .addColumn('discharged_at', t.timestamp, (c) => c.notNull())
    .addColumn('due_at', t.timestamp, (c) => c.notNull())
    .addColumn('task_id', t.id, (c) => c.notNull().references('tasks.id'))
    .addColumn('escalated_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addCheckConstraint('crisis_follow_ups_from', oneOf('discharged_from', ['admission', 'crisis-house', 'episode', 'sanctuary']))
    .execute();
  // One follow-up a discharge: a repeated discharge call cannot make a second task.
  await db.schema.createIndex('crisis_follow_ups_source_idx').on('crisis_follow_ups').columns(['discharged_from', 'source_id']).unique().execute();
  await db.schema.createIndex('crisis_follow_ups_due_idx').on('crisis_follow_ups').columns(['team_id', 'due_at']).execute();
  await db.schema.createIndex('crisis_follow_ups_person_idx').on('crisis_follow_ups').column('person_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('crisis_follow_ups').execute();
  await db.schema.dropTable('crisis_episode_actions').execute();
  await db.schema.dropTable('crisis_episode_responders').execute();
  await db.schema.dropTable('crisis_episodes').execute();
}
