// The front door's part of the demo: a second synthetic person, Alex Morgan, asked for help and the
// hub referred them to the Living Well Peer Network's Saturday group in Brixton, so the demo peer worker
// (peer@demo.example.org) has a referral waiting in "Referrals to your services", and the hub's
// practitioner sees the request "support being arranged" until the peer network answers.
import { membershipsOf } from '../../platform/auth/accounts.ts';
import type { Platform } from '../../platform/context.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import { demoServiceId, nameReferralTeam, serviceSummaries } from '../directory/index.ts';
import { decide } from './queue.ts';
import { submitRequest } from './submit.ts';

export async function seedFrontDoorDemo(platform: Platform, demo: DemoAlliance): Promise<string> {
  const [service] = await serviceSummaries(platform, [demoServiceId('peer-group', 'brixton')]);
  if (!service) return 'no referral (the demo directory has no Brixton peer group)';
  // The peer support team answers the group's referrals (as its provider admin would set on the service's page).
  await nameReferralTeam(platform, service.id, demo.teams.peerSupport);
  const submitted = await submitRequest(
    platform,
    {
      source: 'self',
      channel: 'web',
      person: {
        givenName: 'Alex',
        familyName: 'Morgan',
        dateOfBirth: '1988-11-02',
        postcode: 'SW9 8EJ',
        phone: '07700900462',
        contactPreferences: { methods: ['phone', 'sms'], safeTimes: 'Mornings', mayLeaveMessage: true },
      },
      story: 'Since I moved here last year I hardly talk to anyone, and the weekends are the worst. I think meeting people who understand would help.',
      whatWouldHelp: 'A group, maybe at the weekend',
      consentToShare: true,
    },
    { userId: null, role: null },
  );
  const memberships = await membershipsOf(platform.db.read, demo.users.practitioner);
  const hub = { kind: 'user' as const, userId: demo.users.practitioner, displayName: 'Priya Shah', memberships, personId: null, sessionRef: 'demo-seed' };
  await decide(platform, hub, submitted.id, { kind: 'refer', serviceId: service.id, serviceName: service.name, reason: 'Lonely since moving; would like a peer group at the weekend.' });
  return `Alex Morgan's request ${submitted.reference}, referred to ${service.name} (waiting for ${demo.emails.peerWorker})`;
}
