// The people module's public face. Other modules find or create people, read a summary, and register
// what they know about a person (their involvements and timeline entries) through these functions.
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import type { ModuleSeed } from '../../platform/seed/module-seed.ts';
import { entriesTimeline, mergeTimeline } from './record.ts';
import networkRoutes from './network-routes.ts';
import { networkTimeline } from './network.ts';
import portalRoutes from './portal-routes.ts';
import peopleRoutes from './routes.ts';
import { seedPeopleDemo } from './seed.ts';
import { registerPersonSource } from './sources.ts';

export { findOrCreatePerson, type MatchedPerson } from './people.ts';
export { type ContactPreferences, type NewPerson, openDuplicateCandidates, personSummary } from './store.ts';
export { involvement } from './access.ts';
/** Access to a person for other modules' pages (care coordination): check with accessTo, audit with auditPeople, deny with auditDenied. */
export { accessTo, auditDenied, auditPeople, type PersonAccess, READ as PEOPLE_READ, recordIdsOf, rootOf, WRITE as PEOPLE_WRITE } from './access.ts';
export {
  addedRef,
  type EntryAdded,
  type EntryNotice,
  type EntryRisk,
  type Involvement,
  type InvolvementQuery,
  type PersonSource,
  registerPersonSource,
  type TimelineEntry,
} from './sources.ts';
export { paths as peoplePaths } from './paths.ts';
/** The person's portal, for other modules' portal pages (care notes): the signed-in person's own records (404 for anyone else), and auditing their own views. */
export { announceAndMakeSureSomeoneKnows, auditOwn as auditOwnView, ME_READ, me as ownRecords, PURPOSE_OWN } from './portal.ts';
export {
  auditNetworkView,
  mayView,
  type NetworkAccess,
  type NetworkView,
  networkAccess,
  PRIVACY_LABEL_NAMES,
  PRIVACY_LABELS,
  type PrivacyLabel,
  PURPOSE_NETWORK,
  registerNetworkView,
} from './network.ts';
/** The members of a person's network with their contact details (care: inviting them to network meetings). */
export { type MemberRow as NetworkMemberRow, membersOf as networkMembersOf } from './network-store.ts';

/** The people module's part of the demo: the demo person's record, linked to their account (seed.ts). */
export const seed: ModuleSeed = { name: 'people', seedDemo: seedPeopleDemo };

export default async function people(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  // The module's own entries: merges of a person's records, and their undoing; changes to their network; what the person wrote (portal).
  registerPersonSource(platform, {
    name: 'people',
    timeline: async (db, ids) => [...(await mergeTimeline(db, ids)), ...(await networkTimeline(db, ids)), ...(await entriesTimeline(db, ids))],
  });
  await app.register(peopleRoutes, { platform });
  // The person's own portal (item 3).
  await app.register(portalRoutes, { platform });
  // The person's network (item 2): managed by the person and practitioners; the member's side.
  await app.register(networkRoutes, { platform });
}
