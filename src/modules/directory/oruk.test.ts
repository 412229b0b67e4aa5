import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fullServiceRecord } from './oruk-factories.ts';
import { kindFromName, kindFromShape } from './oruk-feed.ts';
import { organisationFromOruk, serviceBriefToOruk, serviceFromOruk, serviceToOruk, termToOruk } from './oruk.ts';
import { orukPage } from './oruk-routes.ts';
import { orukDataDir, orukValidator } from './oruk-validation.ts';

/** A value without its null, undefined and empty-list fields, for comparing what matters. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
        .map(([k, v]) => [k, clean(v)]),
    );
  }
  return value;
}

const example = (file: string) => JSON.parse(fs.readFileSync(path.join(orukDataDir(), 'examples', file), 'utf8')) as Record<string, unknown>;

describe('the ORUK schema harness', () => {
  it('finds the shared ORUK data beside the repository, not at a fixed path', () => {
    assert.ok(fs.existsSync(path.join(orukDataDir(), 'schema', 'compiled', 'service.json')));
    assert.equal(path.basename(path.dirname(orukDataDir())), 'data');
  });

  it('accepts every shipped example against its schema', () => {
    const v = orukValidator();
    assert.deepEqual(v.validate('service', example('service_full.json')), []);
    assert.deepEqual(v.validate('organization', example('organization_full.json')), []);
    assert.deepEqual(v.validate('serviceAtLocation', example('service_at_location_full.json')), []);
    assert.deepEqual(v.validatePage('serviceListItem', example('service_list.json')), []);
    assert.deepEqual(v.validatePage('organizationListItem', example('organization_list.json')), []);
    assert.deepEqual(v.validatePage('serviceAtLocationListItem', example('service_at_location_list.json')), []);
    assert.deepEqual(v.validate('taxonomy', example('taxonomy.json')), []);
    assert.deepEqual(v.validatePage('taxonomyTerm', example('taxonomy_term_list.json')), []);
  });

  it('points at each failing field, a missing one included, with a plain message', () => {
    const bad = example('service_full.json');
    delete bad.name;
    bad.status = 'open';
    bad.url = 'not a web address';
    (bad.schedules as Record<string, unknown>[])[0]!.id = 'schedule-1';
    const issues = orukValidator().validate('service', bad);
    const by = new Map(issues.map((i) => [i.pointer, i.message]));
    assert.equal(by.get('/name'), 'is required');
    assert.match(by.get('/status')!, /must be one of: "active"/);
    assert.equal(by.get('/url'), 'must be a valid uri');
    assert.equal(by.get('/schedules/0/id'), 'must be a valid uuid');
  });

  it('leaves the totals out of a page whose matches were not all counted, and says whether another page follows', () => {
    const contents = [serviceBriefToOruk(fullServiceRecord())];
    const uncounted = orukPage(contents, null, 3, 1, true);
    assert.equal('total_items' in uncounted || 'total_pages' in uncounted, false);
    assert.deepEqual([uncounted.page_number, uncounted.first_page, uncounted.last_page, uncounted.size], [3, false, false, 1]);
    assert.deepEqual(orukValidator().validatePage('serviceListItem', uncounted), []);
    assert.equal(orukPage(contents, null, 4, 1, false).last_page, true);
    const counted = orukPage(contents, 3, 3, 1);
    assert.deepEqual([counted.total_items, counted.total_pages, counted.last_page], [3, 3, true]);
    // Present, they are still checked.
    assert.deepEqual(orukValidator().validatePage('serviceListItem', { ...uncounted, total_items: -1 }), [{ pointer: '/total_items', message: 'must be >= 0' }]);
  });

  it('refuses a page whose envelope is wrong even when its items are right', () => {
    const page = example('service_list.json');
    page.total_pages = 'ten';
    assert.deepEqual(orukValidator().validatePage('serviceListItem', page), [{ pointer: '/total_pages', message: 'must be integer' }]);
  });
});

describe('mapping ORUK to the directory and back', () => {
  it('publishes a service with every optional part as a valid ORUK service and reads it back unchanged', () => {
    const record = fullServiceRecord();
    const json = serviceToOruk(record);
    assert.deepEqual(orukValidator().validate('service', json), []);
    const terms = new Map(record.attributes.map((a) => [a.taxonomyTermId, a.taxonomyTerm!]));
    const back = serviceFromOruk(json, { organisation: organisationFromOruk(json.organization as Record<string, unknown>), termFor: (id) => terms.get(id), now: new Date('2030-01-01T00:00:00Z') });
    assert.deepEqual(back.notes, []);
    assert.deepEqual(clean(back.record), clean({ ...record, bankHolidays: undefined, organisation: { ...record.organisation, platformOrganisationId: undefined } }));
  });

  it('lists a service in brief with its organisation, as the /services page schema wants', () => {
    const brief = serviceBriefToOruk(fullServiceRecord());
    assert.deepEqual(orukValidator().validate('serviceListItem', brief), []);
    assert.equal('schedules' in brief, false);
    assert.equal((brief.organization as Record<string, unknown>).name, 'Stockwell Community Wellbeing');
  });

  it('leaves out values the ORUK schemas would reject rather than publish them broken', () => {
    const json = serviceToOruk(fullServiceRecord({ url: 'www.example.org', email: 'not-an-email' }));
    assert.equal('url' in json, false);
    assert.equal('email' in json, false);
    assert.deepEqual(orukValidator().validate('service', json), []);
  });

  it('publishes a daily schedule as a weekly one on every day, which is all ORUK allows', () => {
    const record = fullServiceRecord();
    record.schedules = [{ id: record.schedules[0]!.id, freq: 'DAILY', opensAt: '00:00', closesAt: '24:00' }];
    const json = serviceToOruk(record);
    assert.deepEqual((json.schedules as Record<string, unknown>[])[0]!.freq, 'WEEKLY');
    assert.deepEqual((json.schedules as Record<string, unknown>[])[0]!.byday, 'MO,TU,WE,TH,FR,SA,SU');
    assert.deepEqual(orukValidator().validate('service', json), []);
  });

  it('keeps a location without coordinates that are not on Earth, and says so', () => {
    const json = example('service_full.json');
    const { record, notes } = serviceFromOruk(json, { organisation: organisationFromOruk(json.organization as Record<string, unknown>), termFor: () => undefined, now: new Date('2030-01-01T00:00:00Z') });
    const location = record.serviceAtLocations[0]!.location;
    assert.equal(location.latitude, null);
    assert.equal(location.longitude, null);
    assert.ok(notes.some((n) => n.pointer === '/service_at_locations/0/location/latitude'));
  });

  it('names a language from its code when a feed gives only the code, and leaves out one with neither', () => {
    const json: Record<string, unknown> = { ...example('service_full.json'), languages: [{ id: '2989d3ed-c547-48f8-8f9d-432d81c7892e', code: 'pt' }, { id: '3989d3ed-c547-48f8-8f9d-432d81c7892e' }] };
    const { record, notes } = serviceFromOruk(json, { organisation: organisationFromOruk(json.organization as Record<string, unknown>), termFor: () => undefined, now: new Date() });
    assert.deepEqual(record.languages.map((l) => l.name), ['Portuguese']);
    assert.deepEqual(notes.map((n) => n.pointer).filter((p) => p.startsWith('/languages')), ['/languages/1']);
  });

  it('publishes terms without a taxonomy id that is not an id', () => {
    const term = termToOruk({ id: '3f7b145d-84af-42d7-8fae-eaca714b02b2', name: 'Housing', description: 'Somewhere to live', taxonomyId: 'needs', parentId: null });
    assert.equal('taxonomy_id' in term, false);
    assert.deepEqual(orukValidator().validate('taxonomyTerm', term), []);
  });
});

describe('telling what a feed document holds', () => {
  it('reads the kind from a file name or URL path', () => {
    assert.equal(kindFromName('service_at_location_list.json'), 'service_at_location');
    assert.equal(kindFromName('taxonomy_term.json'), 'taxonomy_term');
    assert.equal(kindFromName('taxonomy_list.json'), 'taxonomy');
    assert.equal(kindFromName('/api/v3/organizations'), 'organization');
    assert.equal(kindFromName('/openreferral/services'), 'service');
    assert.equal(kindFromName('feed.json'), null);
  });

  it('reads the kind from the shape when the name says nothing', () => {
    assert.equal(kindFromShape(example('service_full.json')), 'service');
    assert.equal(kindFromShape(example('organization_full.json')), 'organization');
    assert.equal(kindFromShape(example('service_at_location_full.json')), 'service_at_location');
    assert.equal(kindFromShape(example('taxonomy.json')), 'taxonomy');
    assert.equal(kindFromShape(example('taxonomy_term.json')), 'taxonomy_term');
  });
});
