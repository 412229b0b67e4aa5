import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import { NEEDS_TAXONOMY_ID } from './directory.ts';
import type { ServiceRecord } from './model.ts';
import { fullServiceRecord } from './oruk-factories.ts';
import { readFeed } from './oruk-feed.ts';
import { importOrukFeed } from './oruk-import.ts';
import { type OrukSchemaName, orukDataDir, orukValidator } from './oruk-validation.ts';
import { upsertOutcodeCentroids, upsertPostcodes, upsertServiceRecord } from './store.ts';

const EXAMPLE_SERVICE = 'ac148810-d857-441c-9679-408f346de14b';
const EXAMPLE_ORG = 'd9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610';
const FEELING_LOW = 'dee0aa61-3f16-51b4-8cf3-4a60edf77adc';

type Body = Record<string, unknown> & { contents?: Record<string, unknown>[] };

for (const dialect of testDialects()) {
  describe(`GET /openreferral (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    // Evening peer circle near SW9 9SL, every optional part filled; Tuesdays and Thursdays 18:00–20:00, ages 18–65.
    let circle: ServiceRecord;
    // Debt advice in Manchester, weekday mornings 09:00–12:00, from 16, linked to a needs-taxonomy term.
    let debt: ServiceRecord;
    // An archived service: not published.
    let archived: ServiceRecord;

    const get = async (url: string) => {
      const res = await t.app.inject({ method: 'GET', url });
      return { status: res.statusCode, headers: res.headers, body: res.json() as Body };
    };
    const ids = (body: Body) => (body.contents ?? []).map((s) => s.id).sort();

    before(async () => {
      t = await buildTestApp(dialect);
      await importOrukFeed({ db: t.db, clock: t.clock }, await readFeed(`${orukDataDir()}/examples`));
      circle = fullServiceRecord({ lastModified: '2026-11-01T10:00:00.000Z' });
      debt = fullServiceRecord({
        name: 'Morning Debt Advice',
        description: 'Free, confidential debt advice.',
        minimumAge: 16,
        maximumAge: null,
        lastModified: '2026-11-20T10:00:00.000Z',
        schedules: [{ id: crypto.randomUUID(), freq: 'WEEKLY', byday: 'MO,TU,WE,TH,FR', opensAt: '09:00', closesAt: '12:00' }],
        attributes: [{ id: crypto.randomUUID(), taxonomyTermId: FEELING_LOW, linkType: 'need' }],
      });
      debt.serviceAtLocations[0]!.location = { ...debt.serviceAtLocations[0]!.location, latitude: 53.4808, longitude: -2.2426 };
      archived = fullServiceRecord({ name: 'Closed Group', status: 'inactive' });
      await t.db.write(async (tx) => {
        for (const r of [circle, debt, archived]) await upsertServiceRecord(tx, r);
        await upsertPostcodes(tx, [{ postcode: 'SW9 9SL', latitude: 51.466981, longitude: -0.115126 }]);
        await upsertOutcodeCentroids(tx);
      });
    });
    after(async () => t?.close());

    it('says what it is: HSDS version, profile and where its OpenAPI description is', async () => {
      const { status, body, headers } = await get('/openreferral/');
      assert.equal(status, 200);
      assert.equal(headers['access-control-allow-origin'], '*');
      assert.deepEqual(body, { version: '3.0', profile: 'https://openreferraluk.org/', openapi_url: `${t.config.publicUrl}/openreferral/openapi.json` });
      const openapi = await get('/openreferral/openapi.json');
      assert.equal(openapi.status, 200);
      assert.equal(openapi.body.openapi, '3.0.0');
      assert.ok((openapi.body.paths as Record<string, unknown>)['/services']);
    });

    it('answers every endpoint with JSON that validates against the ORUK schemas', async () => {
      const v = orukValidator();
      const sal = circle.serviceAtLocations[0]!.id;
      const checks: [string, 'page' | 'one', OrukSchemaName][] = [
        ['/openreferral/services', 'page', 'serviceListItem'],
        ['/openreferral/services?per_page=1&page=2', 'page', 'serviceListItem'],
        [`/openreferral/services/${circle.id}`, 'one', 'service'],
        [`/openreferral/services/${debt.id}`, 'one', 'service'],
        [`/openreferral/services/${EXAMPLE_SERVICE}`, 'one', 'service'],
        ['/openreferral/service_at_locations', 'page', 'serviceAtLocationListItem'],
        ['/openreferral/service_at_locations?postcode=SW9%209SL', 'page', 'serviceAtLocationListItem'],
        [`/openreferral/service_at_locations/${sal}`, 'one', 'serviceAtLocation'],
        ['/openreferral/organizations', 'page', 'organizationListItem'],
        [`/openreferral/organizations/${circle.organisation.id}`, 'one', 'organization'],
        [`/openreferral/organizations/${EXAMPLE_ORG}`, 'one', 'organization'],
        ['/openreferral/taxonomies', 'page', 'taxonomy'],
        [`/openreferral/taxonomies/${NEEDS_TAXONOMY_ID}`, 'one', 'taxonomy'],
        ['/openreferral/taxonomy_terms', 'page', 'taxonomyTerm'],
        [`/openreferral/taxonomy_terms/${FEELING_LOW}`, 'one', 'taxonomyTerm'],
      ];
      for (const [url, shape, schema] of checks) {
        const { status, body, headers } = await get(url);
        assert.equal(status, 200, url);
        assert.match(String(headers['content-type']), /^application\/json/, url);
        assert.equal(headers['access-control-allow-origin'], '*', url);
        assert.deepEqual(shape === 'page' ? v.validatePage(schema, body) : v.validate(schema, body), [], url);
        if (shape === 'page') assert.ok((body.contents ?? []).length > 0, `${url} has contents`);
      }
    });

    it('gives a service in full, every optional part included', async () => {
      const { body } = await get(`/openreferral/services/${circle.id}`);
      for (const key of ['schedules', 'service_areas', 'service_at_locations', 'languages', 'phones', 'funding', 'cost_options', 'contacts', 'attributes', 'capacities']) {
        assert.equal((body[key] as unknown[]).length > 0, true, key);
      }
      assert.equal((body.organization as Body).name, circle.organisation.name);
      assert.equal(((body.service_at_locations as Body[])[0]!.location as Body).latitude, 51.4723);
    });

    it('pages services with page and per_page, and says where the page is', async () => {
      const first = await get('/openreferral/services?per_page=2');
      assert.deepEqual(
        { ...first.body, contents: undefined },
        { total_items: 3, total_pages: 2, page_number: 1, size: 2, first_page: true, last_page: false, empty: false, contents: undefined },
      );
      const second = await get('/openreferral/services?per_page=2&page=2');
      assert.equal(second.body.size, 1);
      assert.equal(second.body.last_page, true);
      const seen = [...ids(first.body), ...ids(second.body)].sort();
      assert.deepEqual(seen, [EXAMPLE_SERVICE, circle.id, debt.id].sort(), 'every published service once, the archived one not at all');
      const beyond = await get('/openreferral/services?per_page=2&page=3');
      assert.equal(beyond.body.empty, true);
    });

    it('filters services by text, terms, taxonomy, organisation and modification date', async () => {
      assert.deepEqual(ids((await get('/openreferral/services?text=peer')).body), [circle.id]);
      assert.deepEqual(ids((await get('/openreferral/services?search=debt')).body), [debt.id]);
      assert.deepEqual(ids((await get(`/openreferral/services?taxonomy_term_id=${circle.attributes[0]!.taxonomyTermId}`)).body), [circle.id]);
      assert.deepEqual(ids((await get(`/openreferral/services?taxonomy_id=${NEEDS_TAXONOMY_ID}`)).body), [debt.id]);
      assert.deepEqual(ids((await get(`/openreferral/services?organization_id=${EXAMPLE_ORG}`)).body), [EXAMPLE_SERVICE]);
      assert.deepEqual(ids((await get('/openreferral/services?modified_after=2026-11-20T10:00:00Z')).body), [debt.id], 'on or after');
      assert.deepEqual(ids((await get('/openreferral/services?modified_after=2026-01-01')).body), [circle.id, debt.id].sort());
    });

    it('filters services by age range, as the ORUK profile words it', async () => {
      // minimum_age: a minimum age of at least the value; maximum_age: a maximum age of at most the value.
      assert.deepEqual(ids((await get('/openreferral/services?minimum_age=16')).body), [circle.id, debt.id].sort());
      assert.deepEqual(ids((await get('/openreferral/services?maximum_age=65')).body), [circle.id]);
      assert.deepEqual(ids((await get('/openreferral/services?minimum_age=10&maximum_age=100')).body), [EXAMPLE_SERVICE, circle.id].sort());
    });

    it('filters services near a postcode, within a proximity in metres', async () => {
      assert.deepEqual(ids((await get('/openreferral/services?postcode=SW9%209SL&proximity=2000')).body), [circle.id]);
      assert.deepEqual(ids((await get('/openreferral/services?postcode=sw99sl&proximity=300000')).body), [circle.id, debt.id].sort());
      assert.deepEqual(ids((await get('/openreferral/services?postcode=SW9')).body), [circle.id], 'an outcode is placed at its centre');
    });

    it('filters services by day and session times', async () => {
      assert.deepEqual(ids((await get('/openreferral/services?day=TU')).body), [circle.id, debt.id].sort());
      assert.deepEqual(ids((await get('/openreferral/services?day=thursday&start_time=17:00&end_time=21:00')).body), [circle.id]);
      assert.deepEqual(ids((await get('/openreferral/services?day=MO&start_time=09:00&end_time=12:00')).body), [debt.id]);
      assert.deepEqual(ids((await get('/openreferral/services?day=MO&start_time=10:00')).body), []);
      const paged = await get('/openreferral/services?day=TU&per_page=1&page=2');
      assert.equal(paged.body.total_items, 2);
      assert.equal(paged.body.size, 1);
    });

    it('lists service_at_locations with the same filters', async () => {
      const all = await get('/openreferral/service_at_locations');
      assert.equal(all.body.total_items, 3);
      const near = await get('/openreferral/service_at_locations?postcode=SW9%209SL&proximity=2000');
      assert.deepEqual(ids(near.body), [circle.serviceAtLocations[0]!.id]);
      assert.equal((near.body.contents![0]!.service as Body).id, circle.id);
    });

    it('lists taxonomy terms of one taxonomy', async () => {
      const { body } = await get(`/openreferral/taxonomy_terms?taxonomy_id=${NEEDS_TAXONOMY_ID}&per_page=100`);
      assert.ok((body.total_items as number) >= 20);
      assert.ok(body.contents!.every((term) => term.taxonomy_id === NEEDS_TAXONOMY_ID));
    });

    it('answers a problem naming the parameter for unknown filters and malformed values, never a 500', async () => {
      const cases: [string, string][] = [
        ['/openreferral/services?per_page=101', 'per_page'],
        ['/openreferral/services?per_page=0', 'per_page'],
        ['/openreferral/services?page=0', 'page'],
        ['/openreferral/services?page=two', 'page'],
        ['/openreferral/services?colour=blue', 'colour'],
        ['/openreferral/services?minimum_age=old', 'minimum_age'],
        ['/openreferral/services?minimum_age=30&maximum_age=20', 'maximum_age'],
        ['/openreferral/services?postcode=NOT%20A%20POSTCODE', 'postcode'],
        ['/openreferral/services?postcode=ZE3%209ZZ', 'postcode'],
        ['/openreferral/services?proximity=500', 'proximity'],
        ['/openreferral/services?postcode=SW9&proximity=far', 'proximity'],
        ['/openreferral/services?postcode=SW9&proximity=2000000', 'proximity'],
        ['/openreferral/services?day=funday', 'day'],
        ['/openreferral/services?start_time=25:00', 'start_time'],
        ['/openreferral/services?start_time=18:00&end_time=09:00', 'end_time'],
        ['/openreferral/services?modified_after=yesterday', 'modified_after'],
        ['/openreferral/services?taxonomy_term_id=not-an-id', 'taxonomy_term_id'],
        ['/openreferral/services?text=a&search=b', 'search'],
        ['/openreferral/services?text=a&text=b', 'text'],
        ['/openreferral/organizations?text=x', 'text'],
        ['/openreferral/taxonomies?per_page=1000', 'per_page'],
        [`/openreferral/services/${circle.id}?full=true`, 'full'],
      ];
      for (const [url, field] of cases) {
        const { status, body, headers } = await get(url);
        assert.equal(status, 400, url);
        assert.match(String(headers['content-type']), /^application\/problem\+json/, url);
        assert.equal(headers['access-control-allow-origin'], '*', url);
        assert.deepEqual(
          (body.errors as { field: string }[]).map((e) => e.field),
          [field],
          url,
        );
      }
    });

    it('answers 404 problems for unknown ids and endpoints, and for an unpublished service in lists only', async () => {
      for (const url of [
        '/openreferral/services/0d7e0a8e-5f2e-4e52-9a55-2a1b1f0c0d01',
        '/openreferral/services/not-an-id',
        '/openreferral/organizations/0d7e0a8e-5f2e-4e52-9a55-2a1b1f0c0d01',
        '/openreferral/taxonomies/0d7e0a8e-5f2e-4e52-9a55-2a1b1f0c0d01',
        '/openreferral/taxonomy_terms/0d7e0a8e-5f2e-4e52-9a55-2a1b1f0c0d01',
        '/openreferral/service_at_locations/0d7e0a8e-5f2e-4e52-9a55-2a1b1f0c0d01',
        '/openreferral/nothing-here',
      ]) {
        const { status, headers } = await get(url);
        assert.equal(status, 404, url);
        assert.match(String(headers['content-type']), /^application\/problem\+json/, url);
        assert.equal(headers['access-control-allow-origin'], '*', url);
      }
      // An archived service is no longer listed; asked for by id, it says it is inactive.
      assert.equal((await get(`/openreferral/services/${archived.id}`)).body.status, 'inactive');
    });

    it('takes no writes', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/openreferral/services', payload: {} });
      assert.equal(res.statusCode, 404);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    });
  });
}
