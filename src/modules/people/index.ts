// The people module's public face. The person's own record, network and portal come with issue 5;
// for now other modules find or create people and read a summary through these functions.
export { findOrCreatePerson, type MatchedPerson } from './people.ts';
export { type ContactPreferences, type NewPerson, openDuplicateCandidates, personSummary } from './store.ts';
