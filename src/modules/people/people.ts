// Finding or creating the person a request is about.
// An NHS number identifies a person: the same number finds the same record. Without one, a person
// with the same name, date of birth and postcode may be the same person, or not: a new record is
// made and the pair is marked as a possible duplicate for a practitioner to confirm or reject.
// Records are never merged silently (a wrong merge shows one person's record to another: hazard H4).
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';
import { addDuplicateCandidates, insertPerson, type NewPerson, peopleMatching, personByNhsNumber } from './store.ts';

export interface MatchedPerson {
  personId: string;
  /** How the person was found: an existing record by NHS number, or a new record. */
  match: 'nhs-number' | 'new';
  possibleDuplicates: string[];
}

export async function findOrCreatePerson(tx: Kysely<DB>, now: Date, person: NewPerson): Promise<MatchedPerson> {
  if (person.nhsNumber) {
    const existing = await personByNhsNumber(tx, person.nhsNumber);
    if (existing) return { personId: existing.merged_into_id ?? existing.id, match: 'nhs-number', possibleDuplicates: [] };
  }
  const similar = await peopleMatching(tx, {
    givenName: person.givenName,
    familyName: person.familyName,
    dateOfBirth: person.dateOfBirth,
    postcode: person.postcode ?? null,
  });
  const personId = await insertPerson(tx, now, person);
  const candidates = similar.map((s) => s.id);
  await addDuplicateCandidates(tx, now, personId, candidates, 'same name, date of birth and postcode');
  return { personId, match: 'new', possibleDuplicates: candidates };
}
