// Every query of the people module.
import type { Kysely } from 'kysely';
import { newId, toJson } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';

export interface NewPerson {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  postcode?: string | null;
  nhsNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
  preferredLanguage?: string | null;
  interpreterNeeded?: boolean;
  accessNeeds?: string | null;
  contactPreferences?: ContactPreferences | null;
  equality?: Record<string, string> | null;
}

export interface ContactPreferences {
  methods: ('phone' | 'sms' | 'email' | 'letter')[];
  safeTimes?: string | null;
  mayLeaveMessage?: boolean | null;
}

/** The key that makes "same name, date of birth and postcode" one index lookup. */
export function matchKey(p: { givenName: string; familyName: string; dateOfBirth: string; postcode?: string | null }): string {
  const name = (v: string) => v.trim().toLowerCase().replace(/\s+/g, ' ');
  return `${name(p.givenName)}|${name(p.familyName)}|${p.dateOfBirth}|${p.postcode ?? ''}`;
}

export async function insertPerson(db: Kysely<DB>, now: Date, p: NewPerson): Promise<string> {
  const id = newId();
  const at = now.toISOString();
  await db
    .insertInto('people')
    .values({
      id,
      given_name: p.givenName,
      family_name: p.familyName,
      date_of_birth: p.dateOfBirth,
      postcode: p.postcode ?? null,
      nhs_number: p.nhsNumber ?? null,
      phone: p.phone ?? null,
      email: p.email ?? null,
      address: p.address ?? null,
      preferred_language: p.preferredLanguage ?? null,
      interpreter_needed: p.interpreterNeeded ? 1 : 0,
      access_needs: p.accessNeeds ?? null,
      contact_preferences: p.contactPreferences ? toJson(p.contactPreferences) : null,
      equality: p.equality ? toJson(p.equality) : null,
      match_key: matchKey(p),
      merged_into_id: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

export async function personByNhsNumber(db: Kysely<DB>, nhsNumber: string) {
  return db
    .selectFrom('people')
    .select(['id', 'merged_into_id'])
    .where('nhs_number', '=', nhsNumber)
    .executeTakeFirst();
}

/** People with the same name (any case), date of birth and postcode: possible duplicates, never merged silently. */
export async function peopleMatching(db: Kysely<DB>, p: { givenName: string; familyName: string; dateOfBirth: string; postcode: string | null }) {
  return db.selectFrom('people').select(['id']).where('match_key', '=', matchKey(p)).where('merged_into_id', 'is', null).execute();
}

export async function addDuplicateCandidates(db: Kysely<DB>, now: Date, personId: string, candidateIds: string[], reason: string): Promise<void> {
  if (candidateIds.length === 0) return;
  await db
    .insertInto('person_duplicate_candidates')
    .values(
      candidateIds.map((candidateId) => ({
        id: newId(),
        person_id: personId,
        candidate_id: candidateId,
        reason,
        status: 'open' as const,
        decided_by: null,
        decided_at: null,
        created_at: now.toISOString(),
      })),
    )
    .execute();
}

export async function openDuplicateCandidates(db: Kysely<DB>, personId: string) {
  return db
    .selectFrom('person_duplicate_candidates')
    .select(['id', 'candidate_id', 'reason', 'created_at'])
    .where('person_id', '=', personId)
    .where('status', '=', 'open')
    .execute();
}

export async function personSummary(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('people')
    .select(['id', 'given_name', 'family_name', 'date_of_birth', 'postcode', 'nhs_number', 'phone', 'email', 'preferred_language', 'interpreter_needed', 'access_needs', 'contact_preferences'])
    .where('id', '=', id)
    .executeTakeFirst();
}
