// Test factories: a whole, valid ServiceRecord with fresh ids, changed only where a test says so.
import { newId } from '../../platform/db/ids.ts';
import type { Location, OrganisationRecord, Schedule, ServiceRecord } from './model.ts';

export function organisationRecord(overrides: Partial<OrganisationRecord> = {}): OrganisationRecord {
  return { id: newId(), name: 'Brixton Wellbeing Collective', description: 'A community organisation in Brixton.', ...overrides };
}

export function locationRecord(overrides: Partial<Location> & { postcode?: string } = {}): Location {
  const { postcode = 'SW9 8AA', ...rest } = overrides;
  return {
    id: newId(),
    locationType: 'physical',
    name: 'Community Hall',
    latitude: 51.4613,
    longitude: -0.1156,
    addresses: [{ id: newId(), address1: '1 Coldharbour Lane', city: 'London', postalCode: postcode, country: 'GB', addressType: 'physical', stateProvince: 'London' }],
    accessibility: [{ id: newId(), description: 'Step-free access and an accessible toilet.' }],
    ...rest,
  };
}

export function weekly(byday: string, opensAt: string, closesAt: string, extra: Partial<Schedule> = {}): Schedule {
  return { id: newId(), freq: 'WEEKLY', byday, opensAt, closesAt, ...extra };
}

export function serviceRecord(overrides: Partial<ServiceRecord> = {}, at = '2026-11-01T10:00:00.000Z'): ServiceRecord {
  return {
    id: newId(),
    organisation: organisationRecord(),
    name: 'Talking Space',
    description: 'A drop-in where you can talk to someone about how you are feeling.',
    status: 'active',
    eligibilityDescription: 'Adults living in Lambeth.',
    minimumAge: 18,
    maximumAge: null,
    assuredDate: '2026-10-01',
    lastModified: at,
    howToAccess: ['self-referral'],
    acceptingNewReferrals: true,
    bankHolidays: 'sunday-hours',
    schedules: [weekly('MO,TU,WE,TH,FR', '09:00', '17:00')],
    serviceAtLocations: [{ id: newId(), location: locationRecord() }],
    phones: [{ id: newId(), number: '020 7946 0000' }],
    contacts: [],
    languages: [{ id: newId(), name: 'English', code: 'en' }],
    serviceAreas: [{ id: newId(), name: 'Lambeth' }],
    costOptions: [],
    funding: [],
    attributes: [],
    capacity: [],
    ...overrides,
  };
}
