// The places part of the crisis demo: a sanctuary, a crisis house, two crisis cafés and home treatment
// slots in south London, each linked to its demo directory service (so the directory shows what is
// free) and run by a demo team. Fixed ids: running it twice changes nothing.
import type { Platform } from '../../platform/context.ts';
import { demoId, type DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import type { OpeningHours } from '../../platform/time/calendar.ts';
import { demoServiceId } from '../directory/index.ts';
import { placeById } from './place-store.ts';
import { aPlace, type PlaceSpec } from './place-testing.ts';

const CAFE_HOURS: OpeningHours = {
  weekly: Object.fromEntries(['thu', 'fri', 'sat', 'sun', 'mon'].map((d) => [d, [{ opens: '17:00', closes: '23:00' }]])),
  bankHolidays: 'open',
};

export async function seedPlacesDemo(platform: Platform, demo: DemoAlliance): Promise<string | undefined> {
  const specs: (PlaceSpec & { id: string })[] = [
    { id: demoId('place:sanctuary'), name: 'Brixton Evening Sanctuary', kind: 'sanctuary', teamId: demo.teams.sanctuary, organisationId: demo.orgs.sanctuary, maximum: 10, hours: demo.hours.sanctuary, serviceId: demoServiceId('sanctuary', 'brixton'), area: 'Brixton, SW9' },
    { id: demoId('place:crisis-house'), name: 'Coldharbour Crisis House', kind: 'crisis-house', teamId: demo.teams.crisisHouse, organisationId: demo.orgs.crisisHouse, maximum: 6, hours: null, holdHours: 4, serviceId: demoServiceId('crisis-house', 'brixton'), area: 'Brixton, SW9' },
    { id: demoId('place:cafe-peckham'), name: 'Peckham Crisis Café', kind: 'crisis-cafe', unit: 'places', teamId: demo.teams.sanctuary, organisationId: demo.orgs.sanctuary, maximum: 12, hours: CAFE_HOURS, serviceId: demoServiceId('crisis-cafe', 'peckham'), area: 'Peckham, SE15' },
    { id: demoId('place:cafe-streatham'), name: 'Streatham Crisis Café', kind: 'crisis-cafe', unit: 'places', teamId: demo.teams.sanctuary, organisationId: demo.orgs.sanctuary, maximum: 12, hours: CAFE_HOURS, serviceId: demoServiceId('crisis-cafe', 'streatham'), area: 'Streatham, SW16' },
    { id: demoId('place:home-treatment'), name: 'Home Treatment Team', kind: 'home-treatment', unit: 'people', teamId: demo.teams.crisis, organisationId: demo.orgs.trust, maximum: 25, hours: null, serviceId: demoServiceId('home-treatment', 'kennington'), area: 'Lambeth and Southwark' },
  ];
  let added = 0;
  for (const spec of specs) {
    if (await placeById(platform.db.read, spec.id)) continue;
    // Link only to a demo directory service that is there (the directory demo may not have run).
    const service = spec.serviceId ? await platform.db.read.selectFrom('directory_services').select(['id']).where('id', '=', spec.serviceId).executeTakeFirst() : undefined;
    await aPlace(platform, { ...spec, serviceId: service?.id ?? null });
    added++;
  }
  return added > 0 ? `${added} places` : undefined;
}
