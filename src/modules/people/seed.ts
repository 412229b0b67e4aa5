// The people module's part of the demo: Jordan Reid, the demo alliance's `person` account, gets a
// person record (synthetic details) with a request for help at the front door, and their account is
// linked to it, so the person's portal (/my-record) shows something. Jordan signs in at
// /sign-in/my-record with person@demo.example.org or 07700 900 461; in the demo nothing is really
// sent, and the code can be read on the admin's outbox page (/admin/outbox).
import { linkPersonAccount } from '../../platform/auth/accounts.ts';
import type { Platform } from '../../platform/context.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import { submitRequest } from '../front-door/index.ts';

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
  return `Jordan Reid's record and request ${submitted.reference}, linked to ${demo.emails.person}`;
}
