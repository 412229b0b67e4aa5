// The person's network (issue 5, item 2): the people they choose (family, friends, carers,
// professionals) and what each may see, by privacy label in the Patients Know Best style.
// - `network_members`: one row a member of one person's network, with their relationship, contact
//   details, labels (a JSON array of privacy labels), the consent to share (when, who recorded it, on
//   whose behalf, how it was given), the status (added, invited, active, removed) and, once they have
//   an account, its user id. A removed member's row is kept (removed_at, removed_by, why).
// - `network_label_changes`: every change of what a member may see, kept for ever: the labels before
//   and after, who changed them, when, and the consent for the change.
// - `network_invites`: the links that let a member make an account. Only a SHA-256 of the token is
//   kept; a link works once, until it expires, and never once the member is removed.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

const RELATIONSHIPS = ['family', 'friend', 'carer', 'gp', 'care-coordinator', 'peer-worker', 'clinician', 'champion', 'other'];
const CONSENT_METHODS = ['in-person', 'phone', 'in-writing', 'online'];

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('network_members')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('relationship', 'text', (c) => c.notNull())
    .addColumn('relationship_detail', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('labels', t.json, (c) => c.notNull())
    .addColumn('consent_at', t.timestamp, (c) => c.notNull())
    .addColumn('consent_recorded_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('consent_given_by', 'text', (c) => c.notNull())
    .addColumn('consent_method', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_id', t.id, (c) => c.references('users.id'))
    .addColumn('added_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('added_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('invited_at', t.timestamp)
    .addColumn('joined_at', t.timestamp)
    .addColumn('removed_by', t.id, (c) => c.references('users.id'))
    .addColumn('removed_at', t.timestamp)
    .addColumn('removed_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('network_members_relationship', oneOf('relationship', RELATIONSHIPS))
    .addCheckConstraint('network_members_consent_given_by', oneOf('consent_given_by', ['person', 'practitioner']))
    .addCheckConstraint('network_members_consent_method', oneOf('consent_method', CONSENT_METHODS))
    .addCheckConstraint('network_members_status', oneOf('status', ['added', 'invited', 'active', 'removed']))
    .addCheckConstraint('network_members_removed_has_by', requiredWith('removed_at', 'removed_by'))
    .execute();
  // "Whose network is this?" (the person's page) and "whose networks am I in?" (the member's page).
  await db.schema.createIndex('network_members_person_idx').on('network_members').columns(['person_id', 'status']).execute();
  await db.schema.createIndex('network_members_user_idx').on('network_members').columns(['user_id', 'status']).execute();

  await db.schema
    .createTable('network_label_changes')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('member_id', t.id, (c) => c.notNull().references('network_members.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('labels_before', t.json, (c) => c.notNull())
    .addColumn('labels_after', t.json, (c) => c.notNull())
    .addColumn('changed_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('changed_by_role', 'text', (c) => c.notNull())
    .addColumn('consent_given_by', 'text', (c) => c.notNull())
    .addColumn('consent_method', 'text', (c) => c.notNull())
    .addColumn('changed_at', t.timestamp, (c) => c.notNull())
    .addCheckConstraint('network_label_changes_consent_given_by', oneOf('consent_given_by', ['person', 'practitioner']))
    .addCheckConstraint('network_label_changes_consent_method', oneOf('consent_method', CONSENT_METHODS))
    .execute();
  await db.schema.createIndex('network_label_changes_member_idx').on('network_label_changes').columns(['member_id', 'changed_at']).execute();
  await db.schema.createIndex('network_label_changes_person_idx').on('network_label_changes').column('person_id').execute();

  await db.schema
    .createTable('network_invites')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('member_id', t.id, (c) => c.notNull().references('network_members.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('used_at', t.timestamp)
    .addColumn('used_by', t.id, (c) => c.references('users.id'))
    .addColumn('revoked_at', t.timestamp)
    .addCheckConstraint('network_invites_used_has_user', requiredWith('used_at', 'used_by'))
    .execute();
  await db.schema.createIndex('network_invites_member_idx').on('network_invites').column('member_id').execute();
  await db.schema.createIndex('network_invites_person_idx').on('network_invites').column('person_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('network_invites').execute();
  await db.schema.dropTable('network_label_changes').execute();
  await db.schema.dropTable('network_members').execute();
}
