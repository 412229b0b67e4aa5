// The people module's part of the demo: Jordan Reid, the demo alliance's `person` account, gets a
// person record (synthetic details) with a request for help at the front door, and their account is
// linked to it, so the person's portal (/my-record) shows something. Jordan signs in at
// /sign-in/my-record with person@demo.example.org or 07700 900 461; in the demo nothing is really
// sent, and the code can be read on the admin's outbox page (/admin/outbox).
import { linkPersonAccount, membershipsOf } from '../../platform/auth/accounts.ts';
import type { Platform } from '../../platform/context.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import { submitRequest } from '../front-door/index.ts';
import { addMember } from './network.ts';
import { markJoined } from './network-store.ts';

/** The demo person's mobile number: in Ofcom's range for drama, never anyone's. */
export const DEMO_PERSON_MOBILE = '07700900461';

export async function seedPeopleDemo(platform: Platform, demo: DemoAlliance): Promise<string> {
  const submitted = await submitRequest(
    platform,
    {
      source: 'self',
      channel: 'web',
      person: {
        givenName: 'Jordan',
        familyName: 'Reid',
        dateOfBirth: '1994-06-12',
        postcode: 'SE5 8AF',
        phone: DEMO_PERSON_MOBILE,
        email: demo.emails.person,
        preferredLanguage: 'English',
        contactPreferences: { methods: ['sms', 'email'], safeTimes: 'Weekday evenings after 6pm', mayLeaveMessage: false },
      },
      story: 'I have not been sleeping for weeks and I feel like I cannot cope at work any more.',
      consentToShare: true,
    },
    { userId: null, role: null },
  );
  await platform.db.write((tx) => linkPersonAccount(tx, platform.clock.now(), demo.users.person, { personId: submitted.personId, mobile: DEMO_PERSON_MOBILE }));
  const network = await seedNetwork(platform, demo, submitted.personId);
  return `Jordan Reid's record and request ${submitted.reference}, linked to ${demo.emails.person}; ${network}`;
}

/** The demo friend's email address: their invitation (with its link) is on /admin/outbox. */
export const DEMO_FRIEND_EMAIL = 'friend@demo.example.org';

/**
 * Jordan's network, added by Jordan from their portal: their brother Chris (the demo `network-member`
 * account, already joined: general, mental health and safety plan) and a friend, Sam Okafor, who may
 * see the safety plan only and has an invitation waiting (the link is in the email on /admin/outbox).
 */
async function seedNetwork(platform: Platform, demo: DemoAlliance, personId: string): Promise<string> {
  const memberships = await membershipsOf(platform.db.read, demo.users.person);
  const jordan = { kind: 'user' as const, userId: demo.users.person, displayName: 'Jordan Reid', memberships, personId, sessionRef: 'demo-seed' };
  const chris = await addMember(platform, jordan, null, { name: 'Chris Reid', relationship: 'family', relationshipDetail: 'brother', email: demo.emails.networkMember, labels: ['general', 'mental-health', 'safety-plan'] }, null);
  await platform.db.write((tx) => markJoined(tx, platform.clock.now(), chris.memberId, demo.users.networkMember));
  await addMember(platform, jordan, null, { name: 'Sam Okafor', relationship: 'friend', email: DEMO_FRIEND_EMAIL, labels: ['safety-plan'], invite: true }, null);
  return `Jordan's network: Chris Reid (brother, joined) and Sam Okafor (friend, safety plan only, invited at ${DEMO_FRIEND_EMAIL})`;
}
