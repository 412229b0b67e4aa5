// Test factories for Open Referral UK: a service with every optional part filled (so a test sees
// every field go out and come back), and feed records made from it. Synthetic data only.
import { newId } from '../../platform/db/ids.ts';
import type { ServiceRecord } from './model.ts';
import { serviceToOruk } from './oruk.ts';

/** A whole service, every optional field and list given, as an imported service would be (no Mutual-only access routes). */
export function fullServiceRecord(overrides: Partial<ServiceRecord> = {}, at = '2026-11-01T10:00:00.000Z'): ServiceRecord {
  const salId = newId();
  const termId = newId();
  return {
    id: newId(),
    organisation: {
      id: newId(),
      name: 'Stockwell Community Wellbeing',
      description: 'A community organisation running peer support in Stockwell.',
      email: 'hello@stockwell-wellbeing.example',
      website: 'https://stockwell-wellbeing.example',
      logo: 'https://stockwell-wellbeing.example/logo.png',
      uri: 'https://stockwell-wellbeing.example/about',
      parentOrganisationId: newId(),
      identifiers: [{ id: newId(), identifierScheme: 'GB-CHC', identifierType: 'Charity number', identifier: '1000001' }],
    },
    name: 'Evening Peer Circle',
    alternateName: 'The Circle',
    description: 'A weekly evening group where people with lived experience support each other.',
    url: 'https://stockwell-wellbeing.example/circle',
    email: 'circle@stockwell-wellbeing.example',
    status: 'active',
    interpretationServices: 'Interpreters can be booked for Portuguese and Spanish.',
    applicationProcess: 'Just turn up, or call us first if you would like to talk.',
    feesDescription: 'Free; a voluntary contribution for tea is welcome.',
    waitTime: 'No wait',
    accreditations: 'Peer workers trained to the alliance standard.',
    eligibilityDescription: 'Adults aged 18 to 65 living in Lambeth.',
    minimumAge: 18,
    maximumAge: 65,
    alert: 'Closed on 24 December.',
    assuredDate: '2026-10-01',
    assurerEmail: 'checks@stockwell-wellbeing.example',
    lastModified: at,
    howToAccess: [],
    acceptingNewReferrals: true,
    schedules: [
      {
        id: newId(),
        freq: 'WEEKLY',
        interval: 1,
        byday: 'TU,TH',
        dtstart: '2026-01-06',
        validFrom: '2026-01-01',
        validTo: '2027-12-31',
        opensAt: '18:00',
        closesAt: '20:00',
        description: 'Tuesday and Thursday evenings',
        attendingType: 'In person',
        notes: 'Doors open 17:45',
        scheduleLink: 'https://stockwell-wellbeing.example/circle/dates',
        serviceAtLocationId: salId,
      },
    ],
    serviceAtLocations: [
      {
        id: salId,
        description: 'In the back hall',
        location: {
          id: newId(),
          locationType: 'physical',
          name: 'Stockwell Community Hall',
          alternateName: 'The Hall',
          description: 'A community hall near the tube station.',
          transportation: 'Stockwell tube, buses 2, 88 and 155',
          latitude: 51.4723,
          longitude: -0.1229,
          externalIdentifier: '100023336956',
          externalIdentifierType: 'UPRN',
          addresses: [
            {
              id: newId(),
              attention: 'Front desk',
              address1: '1 Example Road',
              address2: 'Back hall',
              city: 'London',
              region: 'Greater London',
              stateProvince: 'London',
              postalCode: 'SW9 9SL',
              country: 'GB',
              addressType: 'physical',
            },
          ],
          accessibility: [{ id: newId(), description: 'Step-free access', details: 'A ramp at the side door', url: 'https://stockwell-wellbeing.example/access' }],
        },
      },
    ],
    phones: [{ id: newId(), number: '020 7946 0101', extension: 12, type: 'voice', description: 'Reception', languages: ['English', 'Portuguese'] }],
    contacts: [
      {
        id: newId(),
        name: 'Circle coordinator',
        title: 'Coordinator',
        department: 'Peer support',
        email: 'coordinator@stockwell-wellbeing.example',
        phones: [{ id: newId(), number: '020 7946 0102', type: 'voice', languages: [] }],
      },
    ],
    languages: [
      { id: newId(), name: 'English', code: 'en', note: null },
      { id: newId(), name: 'Portuguese', code: 'pt', note: 'Some sessions' },
    ],
    serviceAreas: [{ id: newId(), name: 'Lambeth', description: 'Residents of Lambeth', extent: 'E09000022', extentType: 'ons', uri: 'https://statistics.data.gov.uk/id/statistical-geography/E09000022' }],
    costOptions: [{ id: newId(), validFrom: '2026-01-01', validTo: '2026-12-31', option: 'Tea', amount: 0.5, currency: 'GBP', amountDescription: 'Voluntary' }],
    funding: [{ id: newId(), source: 'Alliance community grant' }],
    attributes: [
      {
        id: newId(),
        taxonomyTermId: termId,
        linkType: 'need',
        taxonomyTerm: { id: termId, name: 'Peer support', description: 'Support from people who have been there.', code: 'peer-support-test', parentId: newId(), taxonomyId: null, taxonomy: 'Test needs', termUri: 'https://example.org/terms/peer-support' },
      },
    ],
    capacity: [{ id: newId(), available: 4, maximum: 12, unit: 'places', description: 'Places at the next session', updated: '2026-11-01T09:00:00.000Z' }],
    ...overrides,
  };
}

/** The ORUK JSON of a full service, as a feed would carry it. */
export function orukServiceJson(overrides: Partial<ServiceRecord> = {}): Record<string, unknown> {
  return serviceToOruk(fullServiceRecord(overrides));
}
