import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../platform/db/ids.ts';
import { type TestDatabase, testDialects } from '../../platform/db/testing.ts';
import { locationRecord, organisationRecord, serviceRecord, weekly } from './factories.ts';
import { openAtQuery } from './hours.ts';
import needs from './data/needs-taxonomy.json' with { type: 'json' };
import {
  COUNT_LIMIT,
  distanceKm,
  findOutcodeCentroid,
  findPostcode,
  insertServiceRecordsBulk,
  listTaxonomyTerms,
  loadServiceFields,
  loadServiceListings,
  loadServiceRecord,
  type ServiceSearch,
  searchServices,
  serviceHistory,
  spokenLanguages,
  upsertOrganisation,
  upsertOutcodeCentroids,
  upsertPostcodes,
  upsertServiceRecord,
} from './store.ts';

const term = (code: string) => needs.terms.find((t) => t.code === code)!.id;
const noBankHolidays = () => false;

for (const dialect of testDialects()) {
  describe(`directory store (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => {
      await t?.close();
    });

    /** Searches only among the services a test made (each test has its own organisation). */
    const search = (org: string, q: Partial<ServiceSearch>) => searchServices(t.db.read, { limit: 50, offset: 0, organisationIds: [org], ...q });

    it('loads the needs taxonomy, each term with a THRIVE-style need group', async () => {
      const terms = await listTaxonomyTerms(t.db.read, { taxonomyId: needs.taxonomy.id });
      assert.equal(terms.length, needs.terms.length);
      assert.equal(terms.find((x) => x.code === 'crisis-support')?.needGroup, 'getting-risk-support');
      assert.ok(terms.every((x) => x.needGroup));
    });

    it('writes a service whole, and writing the same record twice changes nothing', async () => {
      const record = serviceRecord({ attributes: [{ id: newId(), taxonomyTermId: term('feeling-low') }] });
      const first = await t.db.write((tx) => upsertServiceRecord(tx, record));
      const second = await t.db.write((tx) => upsertServiceRecord(tx, { ...record, lastModified: '2026-11-20T00:00:00.000Z' }));
      assert.deepEqual([first.outcome, first.version], ['created', 1]);
      assert.deepEqual([second.outcome, second.version], ['unchanged', 1]);
      assert.equal((await serviceHistory(t.db.read, record.id)).length, 1);
      const back = await loadServiceRecord(t.db.read, record.id);
      assert.equal(back?.name, record.name);
      assert.equal(back?.serviceAtLocations[0]?.location.addresses[0]?.postalCode, 'SW9 8AA');
      assert.equal(back?.attributes[0]?.taxonomyTerm?.name, 'Feeling low');
      assert.deepEqual(back?.howToAccess, ['self-referral']);
    });

    it('replaces child rows and keeps a history version on a real change', async () => {
      const record = serviceRecord({
        languages: [
          { id: newId(), name: 'English', code: 'en' },
          { id: newId(), name: 'Somali', code: 'so' },
        ],
      });
      await t.db.write((tx) => upsertServiceRecord(tx, record));
      const changed = { ...record, name: 'Talking Space Plus', languages: [record.languages[1]!] };
      const result = await t.db.write((tx) => upsertServiceRecord(tx, changed, { actorUserId: null }));
      assert.deepEqual([result.outcome, result.version], ['updated', 2]);
      const back = await loadServiceRecord(t.db.read, record.id);
      assert.deepEqual(back?.languages.map((l) => l.name), ['Somali']);
      assert.deepEqual((await serviceHistory(t.db.read, record.id)).map((h) => h.version), [2, 1]);
      // The search index moved with it: the new name is found, the old language is not.
      const org = record.organisation.id;
      assert.equal((await search(org, { text: 'plus' })).total, 1);
      assert.equal((await search(org, { languageCode: 'en' })).total, 0);
    });

    it('finds services by word and by stem, ranked by relevance', async () => {
      const org = organisationRecord();
      const walk = serviceRecord({ organisation: org, name: 'Park Walks', description: 'Gentle walking in the park with others.' });
      const talk = serviceRecord({ organisation: org, name: 'Talking Café', description: 'A café where you can talk. We sometimes go walking.' });
      await t.db.write(async (tx) => {
        await upsertServiceRecord(tx, walk);
        await upsertServiceRecord(tx, talk);
      });
      const walking = await search(org.id, { text: 'walk' });
      assert.deepEqual(walking.hits.map((h) => h.id), [walk.id, talk.id], 'the name match ranks first; the stem matches both');
      assert.deepEqual((await search(org.id, { text: 'cafe talks' })).hits.map((h) => h.id), [talk.id]);
      assert.equal((await search(org.id, { text: 'swimming' })).total, 0);
      assert.equal((await search(org.id, { text: '"); drop table x; --' })).total, 0, 'punctuation cannot break the query');
    });

    it('narrows by a bounding box, then orders by exact distance, then lists services with no place', async () => {
      const org = organisationRecord();
      const at = (lat: number, lng: number) => [{ id: newId(), location: locationRecord({ latitude: lat, longitude: lng }) }];
      const near = serviceRecord({ organisation: org, name: 'Near', serviceAtLocations: at(51.4625, -0.1140) });
      const middle = serviceRecord({ organisation: org, name: 'Middle', serviceAtLocations: at(51.4740, -0.0930) });
      const far = serviceRecord({ organisation: org, name: 'Far', serviceAtLocations: at(51.75, -1.25) });
      const phone = serviceRecord({ organisation: org, name: 'Phone line', serviceAtLocations: [] });
      await t.db.write(async (tx) => {
        for (const r of [far, middle, phone, near]) await upsertServiceRecord(tx, r);
      });
      const from = { latitude: 51.4631, longitude: -0.1131, radiusKm: 8 };
      const result = await search(org.id, { near: from, includeRemote: true });
      assert.deepEqual(result.hits.map((h) => h.id), [near.id, middle.id, phone.id]);
      assert.equal(result.total, 3);
      assert.ok(Math.abs(result.hits[1]!.distanceKm! - distanceKm(51.4631, -0.1131, 51.474, -0.093)) < 1e-9);
      assert.equal(result.hits[2]!.distanceKm, null);
      const page2 = await search(org.id, { near: from, includeRemote: true, limit: 2, offset: 2 });
      assert.deepEqual(page2.hits.map((h) => h.id), [phone.id]);
    });

    it('filters by need, age, language, cost and self-referral', async () => {
      const org = organisationRecord();
      const youth = serviceRecord({ organisation: org, minimumAge: 11, maximumAge: 25, attributes: [{ id: newId(), taxonomyTermId: term('young-people') }] });
      const paid = serviceRecord({ organisation: org, minimumAge: 18, costOptions: [{ id: newId(), amount: 15, option: 'Session' }], howToAccess: ['professional-referral'] });
      const polish = serviceRecord({ organisation: org, minimumAge: null, languages: [{ id: newId(), name: 'Polish', code: 'pl' }] });
      await t.db.write(async (tx) => {
        for (const r of [youth, paid, polish]) await upsertServiceRecord(tx, r);
      });
      const ids = async (q: Partial<ServiceSearch>) => (await search(org.id, q)).hits.map((h) => h.id).sort();
      assert.deepEqual(await ids({ termIds: [term('young-people')] }), [youth.id]);
      assert.deepEqual(await ids({ age: 15 }), [youth.id, polish.id].sort());
      assert.deepEqual(await ids({ languageCode: 'pl' }), [polish.id]);
      assert.deepEqual(await ids({ freeOnly: true }), [youth.id, polish.id].sort());
      assert.deepEqual(await ids({ selfReferral: true }), [youth.id, polish.id].sort());
    });

    it('answers "open at" from the schedules, across midnight and on bank holidays', async () => {
      const org = organisationRecord();
      const evening = serviceRecord({ organisation: org, name: 'Evening', schedules: [weekly('MO,TU,WE,TH,FR,SA,SU', '18:00', '00:00')], bankHolidays: 'as-usual' });
      const overnight = serviceRecord({ organisation: org, name: 'Overnight', schedules: [weekly('FR', '22:00', '02:00')] });
      const weekdays = serviceRecord({ organisation: org, name: 'Weekdays', schedules: [weekly('MO,TU,WE,TH,FR', '09:00', '17:00')] });
      const sundays = serviceRecord({ organisation: org, name: 'Sundays', schedules: [weekly('SU', '10:00', '16:00')], bankHolidays: 'sunday-hours' });
      const monthly = serviceRecord({ organisation: org, name: 'Monthly', schedules: [{ id: newId(), freq: 'MONTHLY', byday: '1WE', opensAt: '18:30', closesAt: '20:30' }] });
      await t.db.write(async (tx) => {
        for (const r of [evening, overnight, weekdays, sundays, monthly]) await upsertServiceRecord(tx, r);
      });
      const openAt = async (iso: string, bankHolidays: string[] = []) => {
        const q = openAtQuery(new Date(iso), (d) => bankHolidays.includes(d));
        const names = new Map([evening, overnight, weekdays, sundays, monthly].map((r) => [r.id, r.name]));
        return (await search(org.id, { openAt: q })).hits.map((h) => names.get(h.id)).sort();
      };
      assert.deepEqual(await openAt('2026-12-01T20:00:00Z'), ['Evening'], 'Tuesday evening');
      assert.deepEqual(await openAt('2026-12-01T10:00:00Z'), ['Weekdays'], 'Tuesday morning');
      assert.deepEqual(await openAt('2026-12-05T01:00:00Z'), ['Overnight'], 'Saturday 01:00, after Friday’s overnight session');
      assert.deepEqual(await openAt('2026-12-06T11:00:00Z'), ['Sundays'], 'Sunday late morning');
      assert.deepEqual(await openAt('2026-12-25T11:00:00Z', ['2026-12-25']), ['Sundays'], 'Christmas Day runs Sunday hours; weekday hours do not apply');
      assert.deepEqual(await openAt('2026-12-25T19:00:00Z', ['2026-12-25']), ['Evening'], 'open as usual on a bank holiday');
      // Monthly hours are not read in SQL: the store leaves them to the caller (openComplexIds).
      const firstWednesday = openAtQuery(new Date('2026-12-02T19:00:00Z'), noBankHolidays);
      assert.deepEqual((await search(org.id, { openAt: firstWednesday, openComplexIds: [monthly.id] })).hits.map((h) => h.id).sort(), [evening.id, monthly.id].sort());
    });

    it('counts no further than COUNT_LIMIT: past it the total is "more than", and pages still say whether another follows', async () => {
      const org = organisationRecord();
      const many = Array.from({ length: COUNT_LIMIT + 5 }, (_, i) =>
        serviceRecord({ organisation: org, name: `Bulk group ${String(i).padStart(4, '0')}`, description: 'A bulkword group.', schedules: [] }),
      );
      assert.equal(await t.db.write((tx) => insertServiceRecordsBulk(tx, many, new Date('2026-11-01T10:00:00Z'))), many.length);
      const first = await search(org.id, { limit: 20 });
      assert.deepEqual([first.total, first.more, first.hits.length], [null, true, 20]);
      assert.equal(first.hits[0]!.id, many[0]!.id, 'in name order');
      const last = await search(org.id, { limit: 20, offset: COUNT_LIMIT });
      assert.deepEqual([last.total, last.more, last.hits.map((h) => h.id)], [null, false, many.slice(COUNT_LIMIT).map((r) => r.id)]);
      const words = await search(org.id, { text: 'bulkword', limit: 20 });
      assert.deepEqual([words.total, words.more, words.hits.length], [null, true, 20]);
      const near = await search(org.id, { near: { latitude: 51.4613, longitude: -0.1156, radiusKm: 1 }, limit: 20 });
      assert.deepEqual([near.total, near.more, near.hits.length], [null, true, 20]);
      // Under the limit the count is exact.
      const few = await search(org.id, { text: 'bulkword group 0007' });
      assert.deepEqual([few.total, few.more], [1, false]);
    });

    it('loads a page of services in brief, and as listings, with the same fields as whole records', async () => {
      const org = organisationRecord({ identifiers: [{ id: newId(), identifierType: 'Charity number', identifier: '1234567' }] });
      const records = [serviceRecord({ organisation: org, name: 'Brief A' }), serviceRecord({ organisation: org, name: 'Brief B', contacts: [{ id: newId(), name: 'Desk', phones: [{ id: newId(), number: '020 7946 0101' }] }] })];
      await t.db.write(async (tx) => {
        for (const r of records) await upsertServiceRecord(tx, r);
      });
      const ids = [records[1]!.id, 'missing', records[0]!.id];
      const whole = await Promise.all(records.map((r) => loadServiceRecord(t.db.read, r.id)));
      const brief = await loadServiceFields(t.db.read, ids);
      assert.deepEqual(brief.map((b) => b.id), [records[1]!.id, records[0]!.id], 'in the order asked, missing ids left out');
      assert.deepEqual(brief[1]!.organisation, whole[0]!.organisation);
      const listings = await loadServiceListings(t.db.read, ids);
      const { languages: _l, serviceAreas: _a, attributes: _t, ...listed } = whole[1]!;
      assert.deepEqual(listings[0], listed);
      assert.equal(listings[0]!.contacts[0]?.phones[0]?.number, '020 7946 0101');
    });

    it('lists each language spoken once, by the first of its names', async () => {
      const org = organisationRecord();
      await t.db.write(async (tx) => {
        await upsertServiceRecord(tx, serviceRecord({ organisation: org, languages: [{ id: newId(), name: 'Português', code: 'pt' }] }));
        await upsertServiceRecord(tx, serviceRecord({ organisation: org, languages: [{ id: newId(), name: 'Portuguese', code: 'pt' }, { id: newId(), name: 'Tigrinya', code: 'ti' }] }));
      });
      const spoken = await spokenLanguages(t.db.read);
      assert.deepEqual(spoken.filter((l) => l.code === 'pt' || l.code === 'ti'), [{ code: 'pt', name: 'Portuguese' }, { code: 'ti', name: 'Tigrinya' }]);
      assert.equal(new Set(spoken.map((l) => l.code)).size, spoken.length, 'each code once');
      assert.deepEqual(spoken.map((l) => l.name), [...spoken.map((l) => l.name)].sort((a, b) => a.localeCompare(b)), 'by name');
    });

    it('leaves an organisation unchanged when written again as it is, identifiers included', async () => {
      // Keys in an order PostgreSQL's jsonb does not keep, as an ORUK feed may give them.
      const org = organisationRecord({ identifiers: [{ identifier: '1234567', identifierType: 'Charity number', id: newId(), identifierScheme: 'GB-CHC' }] });
      assert.equal(await t.db.write((tx) => upsertOrganisation(tx, org)), 'created');
      assert.equal(await t.db.write((tx) => upsertOrganisation(tx, { ...org, identifiers: org.identifiers!.map((i) => ({ ...i })) })), 'unchanged');
      assert.equal(await t.db.write((tx) => upsertOrganisation(tx, { ...org, identifiers: [{ ...org.identifiers![0]!, identifier: '7654321' }] })), 'updated');
    });

    it('stores postcodes and derives outcode centroids', async () => {
      await t.db.write(async (tx) => {
        await upsertPostcodes(tx, [
          { postcode: 'ZZ9 1AA', latitude: 51.0, longitude: -0.1 },
          { postcode: 'ZZ9 1AB', latitude: 51.2, longitude: -0.3 },
        ]);
        await upsertPostcodes(tx, [{ postcode: 'ZZ9 1AA', latitude: 51.1, longitude: -0.1 }]);
        await upsertOutcodeCentroids(tx, undefined, ['ZZ9']);
      });
      assert.equal((await findPostcode(t.db.read, 'ZZ9 1AA'))?.latitude, 51.1);
      const centre = await findOutcodeCentroid(t.db.read, 'ZZ9');
      assert.ok(centre && Math.abs(centre.latitude - 51.15) < 1e-9 && Math.abs(centre.longitude + 0.2) < 1e-9);
    });

    it('remembers the languages and postcodes a search reads, forgets them when this process writes, and hands out nothing changeable', async () => {
      const code = `x${newId().slice(-6)}`;
      const before = await spokenLanguages(t.db.read);
      assert.ok(!before.some((l) => l.code === code));
      assert.throws(() => (before as { code: string; name: string }[]).push({ code: 'zz', name: 'Changed' }), TypeError, 'frozen');
      // A row written behind the store's back (as another process would) is not seen until the minute is up...
      const record = serviceRecord({ languages: [{ id: newId(), name: 'Test language', code }] });
      const postcode = `ZZ8 ${Math.floor(Math.random() * 9)}AB`;
      assert.equal(await findPostcode(t.db.read, postcode), undefined);
      await t.db.write((tx) => tx.insertInto('postcodes').values({ postcode, outcode: 'ZZ8', latitude: 51.2, longitude: -0.3 }).execute());
      assert.equal(await findPostcode(t.db.read, postcode), undefined, 'the answer "not found" is remembered too');
      // ...but a write through the store, in this process, is seen at once.
      await t.db.write((tx) => upsertServiceRecord(tx, record));
      assert.ok((await spokenLanguages(t.db.read)).some((l) => l.code === code));
      await t.db.write((tx) => upsertPostcodes(tx, [{ postcode, latitude: 51.2, longitude: -0.3 }]));
      assert.equal((await findPostcode(t.db.read, postcode))?.outcode, 'ZZ8');
      // Inside a transaction nothing is served from memory.
      await t.db.write(async (tx) => {
        await tx.deleteFrom('postcodes').where('postcode', '=', postcode).execute();
        assert.equal(await findPostcode(tx, postcode), undefined);
      });
    });
  });
}
