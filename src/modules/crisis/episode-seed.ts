// The crisis board's part of the demo: open episodes of every priority (some callers still unnamed,
// some linked to synthetic people), one closed with its follow-up due, and tonight's duty rota for the
// crisis and home treatment team. Every name and number is invented (07700 900xxx is Ofcom's drama range).
import type { Actor } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { newId } from '../../platform/db/ids.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import { findOrCreatePerson } from '../people/index.ts';
import { closeEpisode, type OpenEpisodeInput, openEpisodeIn } from './episodes.ts';

const MIN = 60_000;

export async function seedEpisodesDemo(platform: Platform, demo: DemoAlliance): Promise<string | undefined> {
  const teamId = demo.teams.crisis;
  const already = await platform.db.read.selectFrom('crisis_episodes').select('id').where('team_id', '=', teamId).executeTakeFirst();
  if (already) return undefined;
  const by = demo.users.crisisPractitioner;
  const actor: Actor = {
    kind: 'user',
    userId: by,
    displayName: 'Daniel Price',
    memberships: [{ organisationId: demo.orgs.trust, teamId, role: 'practitioner' }],
    personId: null,
    sessionRef: 'demo-seed',
  };
  const now = platform.clock.now();
  const ago = (minutes: number) => new Date(now.getTime() - minutes * MIN);
  const base = { teamId, openedBy: by, openedByRole: 'practitioner' } as const;
  const episodes = await platform.db.write(async (tx) => {
    const person = async (givenName: string, familyName: string, dateOfBirth: string, postcode: string, phone: string) =>
      (await findOrCreatePerson(tx, now, { givenName, familyName, dateOfBirth, postcode, phone, contactPreferences: { methods: ['phone', 'sms'], mayLeaveMessage: false } })).personId;
    const samira = await person('Samira', 'Haddad', '1994-07-12', 'SW9 8QJ', '07700 900 512');
    const kwame = await person('Kwame', 'Mensah', '1978-01-30', 'SE11 4RS', '07700 900 527');
    const ellie = await person('Ellie', 'Turner', '2001-11-03', 'SW2 1AB', '07700 900 538');
    const open = (input: Omit<OpenEpisodeInput, 'teamId' | 'openedBy' | 'openedByRole'>) => openEpisodeIn(platform, tx, { ...base, ...input });
    return {
      emergencyUnnamed: await open({
        source: 'phone',
        priority: 'emergency',
        summary: 'Caller says her flatmate has locked himself in the bathroom and is talking about ending his life. Caller is with him.',
        callerDescription: 'Flatmate, calling from the hallway',
        callbackPhone: '07700 900 501',
        postcode: 'SE11',
        firstContactAt: ago(20),
        nextAction: 'Duty senior to call back every 15 minutes; police informed',
        responderIds: [by],
      }),
      veryUrgent: await open({
        source: 'police',
        sourceDetail: 'Lambeth police, section 136 suite',
        priority: 'very-urgent',
        summary: 'Brought in by police after being found distressed on a bridge. Calmer now, willing to talk.',
        personId: kwame,
        firstContactAt: ago(95),
        nextAction: 'Assessment at the suite with the duty doctor',
        responderIds: [by],
      }),
      urgentWalkIn: await open({
        source: 'walk-in',
        sourceDetail: 'Brixton Evening Sanctuary',
        priority: 'urgent',
        summary: 'Walked in after an argument at home; not safe to go back tonight.',
        callerDescription: 'Young man, has not given his name yet',
        postcode: 'SW9',
        firstContactAt: ago(50),
        nextAction: 'Sanctuary staff to talk through options; crisis house place if needed',
      }),
      routine: await open({
        source: 'discharge',
        sourceDetail: 'Ward 3, discharged this afternoon',
        priority: 'routine',
        summary: 'Discharged from the ward; asked for a call about medication and sleep.',
        personId: ellie,
        firstContactAt: ago(180),
        nextAction: 'Phone call tomorrow morning',
      }),
      toClose: await open({ source: 'phone', priority: 'urgent', summary: 'Panic attacks and thoughts of self-harm after losing her job.', personId: samira, firstContactAt: ago(26 * 60) }),
    };
  });
  await closeEpisode(platform, actor, episodes.toClose.id, { outcome: 'home-treatment', note: 'Home treatment team visiting daily this week' });
  // Tonight's rota: Daniel on the night shift, 20:00 to 08:00 UK time (in winter, UTC).
  const tonight = new Date(now);
  tonight.setUTCHours(20, 0, 0, 0);
  if (tonight.getTime() + 12 * 60 * MIN <= now.getTime()) tonight.setUTCDate(tonight.getUTCDate() + 1);
  await platform.db.write((tx) =>
    tx
      .insertInto('crisis_duty')
      .values({ id: newId(), team_id: teamId, user_id: by, duty_role: 'duty-senior', starts_at: tonight.toISOString(), ends_at: new Date(tonight.getTime() + 12 * 60 * MIN).toISOString(), phone: '07700900999', created_by: by, created_at: now.toISOString(), removed_by: null, removed_at: null })
      .execute(),
  );
  return '4 open crisis episodes, 1 closed with its follow-up due, and tonight’s duty rota';
}
