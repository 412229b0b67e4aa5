// Crisis response targets, the duty rota, and the person's answer after closure (issue 6, items 1, 2, 6):
// - `crisis_targets`: the response target of each priority, in minutes, when the alliance changed the
//   default (targets.ts holds the defaults). One row a priority.
// - `crisis_duty`: who is on duty when, in a crisis team (the board shows who is on tonight); kept
//   after the shift for the record, removed shifts keep their row (removed_at).
// - `crisis_feedback`: "Did you get the right response?", asked of the person after an episode
//   closes through a link with a one-time token (its hash is kept), and their answer.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('crisis_targets')
    .addColumn('priority', 'text', (c) => c.primaryKey())
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('updated_by', t.id, (c) => c.references('users.id'))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addCheckConstraint('crisis_targets_priority', oneOf('priority', ['emergency', 'very-urgent', 'urgent', 'routine']))
    .execute();

  await db.schema
    .createTable('crisis_duty')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('team_id', t.id, (c) => c.notNull().references('teams.id'))
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('duty_role', 'text', (c) => c.notNull())
    .addColumn('starts_at', t.timestamp, (c) => c.notNull())
    .addColumn('ends_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_by', t.id, (c) => c.references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('removed_by', t.id, (c) => c.references('users.id'))
    .addColumn('removed_at', t.timestamp)
    .addCheckConstraint('crisis_duty_role', oneOf('duty_role', ['duty-senior', 'responder', 'call-handler', 'doctor', 'peer-worker']))
    .addCheckConstraint('crisis_duty_removed_has_by', requiredWith('removed_at', 'removed_by'))
    .execute();
  await db.schema.createIndex('crisis_duty_team_idx').on('crisis_duty').columns(['team_id', 'ends_at']).execute();

  await db.schema
    .createTable('crisis_feedback')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('episode_id', t.id, (c) => c.notNull().references('crisis_episodes.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('asked_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('comment', 'text')
    .addColumn('answered_at', t.timestamp)
    .addCheckConstraint('crisis_feedback_answer', oneOf('answer', ['yes', 'partly', 'no']))
    .addCheckConstraint('crisis_feedback_answered_has_answer', requiredWith('answered_at', 'answer'))
    .execute();
  await db.schema.createIndex('crisis_feedback_episode_idx').on('crisis_feedback').column('episode_id').unique().execute();
  await db.schema.createIndex('crisis_feedback_person_idx').on('crisis_feedback').column('person_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('crisis_feedback').execute();
  await db.schema.dropTable('crisis_duty').execute();
  await db.schema.dropTable('crisis_targets').execute();
}
