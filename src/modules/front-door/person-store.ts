// The front door's queries about one person (their records: the one shown and those merged into it),
// for the person record's involvements and timeline (person-record.ts).
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';

/** A request's timeline event: the person wrote in their own record while the request was open (H19). */
export const PERSON_ENTRY_EVENT = 'person-entry';

/** Requests about these records that are still open, with the team that runs each. */
export async function openRequestsAbout(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('requests')
    .select(['id', 'reference', 'team_id', 'status'])
    .where('person_id', 'in', personIds)
    .where('status', '<>', 'closed')
    .orderBy('created_at')
    .execute();
}

/** Referrals of these records to services that are still running: sent, or accepted and not yet completed. */
export async function openReferralsAbout(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db.selectFrom('referrals').select(['id', 'service_id', 'status']).where('person_id', 'in', personIds).where('status', 'in', ['sent', 'accepted']).execute();
}

export async function requestsAbout(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('requests')
    .select(['id', 'reference', 'person_id', 'source', 'urgency', 'status', 'created_at'])
    .where('person_id', 'in', personIds)
    .execute();
}

/** The timeline events of these requests (the submission and contact attempts are told from their own rows). */
export async function eventsOfRequests(db: Kysely<DB>, requestIds: readonly string[]) {
  if (requestIds.length === 0) return [];
  return db
    .selectFrom('request_events')
    .leftJoin('users', 'users.id', 'request_events.actor_user_id')
    .select(['request_events.id', 'request_events.request_id', 'request_events.at', 'request_events.kind', 'request_events.detail', 'users.display_name as actor_name'])
    .where('request_events.request_id', 'in', requestIds)
    // Submissions and attempts have entries of their own; an entry by the person is the people module's.
    .where('request_events.kind', 'not in', ['submitted', 'contact-attempt', PERSON_ENTRY_EVENT])
    .execute();
}

export async function attemptsOfRequests(db: Kysely<DB>, requestIds: readonly string[]) {
  if (requestIds.length === 0) return [];
  return db
    .selectFrom('request_contact_attempts')
    .innerJoin('users', 'users.id', 'request_contact_attempts.by_user_id')
    .select([
      'request_contact_attempts.request_id',
      'request_contact_attempts.at',
      'request_contact_attempts.method',
      'request_contact_attempts.result',
      'request_contact_attempts.note',
      'users.display_name as by_name',
    ])
    .where('request_contact_attempts.request_id', 'in', requestIds)
    .execute();
}

export async function referralsAbout(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('referrals')
    .leftJoin('users', 'users.id', 'referrals.referred_by')
    .select([
      'referrals.id',
      'referrals.person_id',
      'referrals.request_id',
      'referrals.service_id',
      'referrals.reason',
      'referrals.status',
      'referrals.status_note',
      'referrals.created_at',
      'referrals.updated_at',
      'users.display_name as referred_by_name',
    ])
    .where('referrals.person_id', 'in', personIds)
    .execute();
}
