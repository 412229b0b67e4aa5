import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/tables.ts';
import { type TestDatabase, testDialects } from '../../platform/db/testing.ts';
import { TestClock } from '../../platform/time/clock.ts';
import { serviceBriefToOruk, serviceToOruk } from './oruk.ts';
import { fullServiceRecord, orukServiceJson } from './oruk-factories.ts';
import { readFeed } from './oruk-feed.ts';
import { importOrukFeed } from './oruk-import.ts';
import { orukDataDir } from './oruk-validation.ts';
import { listTaxonomyTerms, loadServiceRecord } from './store.ts';

const EXAMPLES = path.join(orukDataDir(), 'examples');
const EXAMPLE_SERVICE = 'ac148810-d857-441c-9679-408f346de14b';

/** Every table the import writes to (the full-text index follows directory_services). */
const TABLES: (keyof DB)[] = [
  'directory_organisations',
  'directory_taxonomies',
  'directory_taxonomy_terms',
  'directory_services',
  'directory_locations',
  'directory_service_at_locations',
  'directory_schedules',
  'directory_opening_slots',
  'directory_contacts',
  'directory_phones',
  'directory_languages',
  'directory_service_areas',
  'directory_service_taxonomy_terms',
  'directory_service_capacity',
  'directory_service_history',
];

/** Row counts and a hash of every row of those tables: equal means the database did not change. */
async function snapshot(db: Database): Promise<{ counts: Record<string, number>; hash: string }> {
  const counts: Record<string, number> = {};
  const hash = createHash('sha256');
  for (const table of TABLES) {
    // Whole rows on purpose: the test is that nothing in them changed.
    const rows = (await db.read.selectFrom(table).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
    counts[table] = rows.length;
    hash.update(`${table}\n${rows.join('\n')}\n`);
  }
  return { counts, hash: hash.digest('hex') };
}

function tempFile(name: string, content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oruk-feed-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

async function auditCount(db: Database): Promise<number> {
  const rows = await db.read.selectFrom('audit_events').select(['seq']).where('action', '=', 'directory.oruk.import').execute();
  return rows.length;
}

for (const dialect of testDialects()) {
  describe(`mutual import oruk (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    const clock = new TestClock('2026-12-01T10:00:00.000Z');
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => t?.close());

    it('imports the shipped ORUK examples, once each, and explains what it merged and left out', async () => {
      const report = await importOrukFeed({ db: t.db, clock }, await readFeed(EXAMPLES));
      assert.equal(report.documents, 10);
      assert.equal(report.read, 12);
      assert.equal(report.failed, 0);
      assert.deepEqual(
        report.results.filter((r) => r.outcome === 'created').map((r) => r.kind).sort(),
        ['organization', 'service', 'taxonomy', 'taxonomy_term'],
      );
      assert.equal(report.skipped, 8);
      assert.ok(report.results.filter((r) => r.outcome === 'skipped').every((r) => r.notes[0]!.message.length > 0));

      const service = await loadServiceRecord(t.db.read, EXAMPLE_SERVICE);
      assert.ok(service);
      assert.equal(service.name, 'Community Counselling');
      assert.equal(service.organisation.identifiers?.[0]?.identifier, '1234567');
      assert.equal(service.schedules[0]?.byday, 'TH,FR');
      assert.equal(service.costOptions[0]?.amount, 35);
      // The example's latitude 100 is not on Earth: kept without coordinates, and reported.
      assert.equal(service.serviceAtLocations[0]?.location.latitude, null);
      const created = report.results.find((r) => r.kind === 'service' && r.outcome === 'created')!;
      assert.ok(created.notes.some((n) => n.pointer.endsWith('/latitude')));
      // The term keeps the taxonomy it was listed under, though the service's copy of it names none.
      const [term] = await listTaxonomyTerms(t.db.read, { ids: ['3f7b145d-84af-42d7-8fae-eaca714b02b2'] });
      assert.equal(term?.taxonomyId, '5c4d79d7-cc55-470e-9f1f-8cad074e4892');
      assert.equal(await auditCount(t.db), 1);
    });

    it('changes nothing the second time: every record unchanged, every row identical', async () => {
      const before = await snapshot(t.db);
      const report = await importOrukFeed({ db: t.db, clock }, await readFeed(EXAMPLES));
      assert.equal(report.created + report.updated, 0);
      assert.equal(report.unchanged, 4);
      assert.equal(report.failed, 0);
      const after = await snapshot(t.db);
      assert.deepEqual(after.counts, before.counts);
      assert.equal(after.hash, before.hash);
      assert.equal(await auditCount(t.db), 2, 'one audit event per run');
    });

    it('imports the good records of a feed with a bad one, and reports the bad one with its fields', async () => {
      const good1 = orukServiceJson({ name: 'Good one' });
      const good2 = orukServiceJson({ name: 'Good two' });
      const bad = { ...orukServiceJson({ name: 'Bad' }), status: 'open', email: 'nobody' } as Record<string, unknown>;
      delete bad.name;
      const file = tempFile('feed.json', [good1, bad, good2]);
      const report = await importOrukFeed({ db: t.db, clock }, await readFeed(file));
      assert.equal(report.created, 2);
      assert.equal(report.failed, 1);
      const failed = report.results.find((r) => r.outcome === 'failed')!;
      assert.equal(failed.id, bad.id);
      assert.equal(failed.source, 'feed.json#/1');
      assert.deepEqual(failed.issues.map((i) => i.pointer).sort(), ['/email', '/name', '/status']);
      assert.equal(await loadServiceRecord(t.db.read, String(bad.id)), null);
      assert.equal((await loadServiceRecord(t.db.read, String(good2.id)))?.name, 'Good two');
    });

    it('imports each record whole or not at all', async () => {
      const first = fullServiceRecord({ name: 'First' });
      // A second service reusing the first one's schedule id cannot be saved: none of it is.
      const second = fullServiceRecord({ name: 'Second' });
      second.schedules = [{ ...second.schedules[0]!, id: first.schedules[0]!.id }];
      const unknownTerm: Record<string, unknown> = { ...serviceToOruk(fullServiceRecord({ name: 'Third' })), attributes: [{ id: '0d7e0a8e-5f2e-4e52-9a55-2a1b1f0c0d01', taxonomy_term_id: '0d7e0a8e-5f2e-4e52-9a55-2a1b1f0c0d02' }] };
      const file = tempFile('services.json', [serviceToOruk(first), serviceToOruk(second), unknownTerm]);
      const before = await snapshot(t.db);
      const report = await importOrukFeed({ db: t.db, clock }, await readFeed(file));
      assert.equal(report.created, 1);
      assert.equal(report.failed, 2);
      const byId = new Map(report.results.map((r) => [r.id, r]));
      assert.match(byId.get(second.id)!.issues[0]!.message, /could not be saved/);
      assert.deepEqual(byId.get(String(unknownTerm.id))!.issues, [{ pointer: '/attributes/0/taxonomy_term_id', message: 'names a taxonomy term that is neither in the feed nor in the directory' }]);
      assert.equal(await loadServiceRecord(t.db.read, second.id), null);
      const after = await snapshot(t.db);
      // Only the first service's rows (and its organisation and term) were added.
      assert.equal(after.counts.directory_services, before.counts.directory_services! + 1);
      assert.equal(after.counts.directory_organisations, before.counts.directory_organisations! + 1);
      assert.equal(after.counts.directory_locations, before.counts.directory_locations! + 1);
    });

    it('updates a service whose feed copy changed, and keeps its history', async () => {
      const record = fullServiceRecord({ name: 'Changing' });
      await importOrukFeed({ db: t.db, clock }, await readFeed(tempFile('one.json', serviceToOruk(record))));
      const report = await importOrukFeed({ db: t.db, clock }, await readFeed(tempFile('one.json', serviceToOruk({ ...record, name: 'Changed' }))));
      assert.equal(report.updated, 1);
      assert.equal((await loadServiceRecord(t.db.read, record.id))?.name, 'Changed');
      const history = await t.db.read.selectFrom('directory_service_history').select(['version', 'change']).where('service_id', '=', record.id).orderBy('version').execute();
      assert.deepEqual(history, [
        { version: 1, change: 'imported' },
        { version: 2, change: 'imported' },
      ]);
    });

    it('follows the pages of a /services feed over http and fetches each brief service in full', async (tc) => {
      const records = [1, 2, 3, 4, 5].map((n) => fullServiceRecord({ name: `Paged service ${n}` }));
      const requests: string[] = [];
      const server = http.createServer((req, res) => {
        const url = new URL(req.url!, 'http://localhost');
        requests.push(url.pathname + url.search);
        res.setHeader('content-type', 'application/json');
        const one = /^\/api\/services\/([^/]+)$/.exec(url.pathname);
        if (one) {
          const r = records.find((x) => x.id === one[1]);
          res.statusCode = r ? 200 : 404;
          res.end(JSON.stringify(r ? serviceToOruk(r) : { title: 'Not found' }));
          return;
        }
        if (url.pathname !== '/api/services') {
          res.statusCode = 404;
          res.end('{}');
          return;
        }
        const page = Number(url.searchParams.get('page') ?? '1');
        const size = 2;
        const contents = records.slice((page - 1) * size, page * size).map(serviceBriefToOruk);
        res.end(JSON.stringify({ total_items: 5, total_pages: 3, page_number: page, size: contents.length, first_page: page === 1, last_page: page === 3, empty: contents.length === 0, contents }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      tc.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const { port } = server.address() as AddressInfo;

      const report = await importOrukFeed({ db: t.db, clock }, await readFeed(`http://127.0.0.1:${port}/api/services?per_page=2`));
      assert.equal(report.documents, 3);
      assert.equal(report.created, 5);
      assert.equal(report.failed, 0);
      assert.deepEqual(
        requests.filter((r) => r.startsWith('/api/services?')),
        ['/api/services?per_page=2', '/api/services?per_page=2&page=2', '/api/services?per_page=2&page=3'],
      );
      // Fetched in full: the schedules, which a /services page leaves out, are there.
      assert.equal((await loadServiceRecord(t.db.read, records[4]!.id))?.schedules.length, 1);
    });

    it('reports a page that cannot be fetched and keeps what it had read', async (tc) => {
      const record = fullServiceRecord({ name: 'Before the broken page' });
      const server = http.createServer((req, res) => {
        const page = Number(new URL(req.url!, 'http://localhost').searchParams.get('page') ?? '1');
        if (page === 2) {
          res.statusCode = 503;
          res.end('busy');
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ total_items: 2, total_pages: 2, page_number: 1, size: 1, first_page: true, last_page: false, empty: false, contents: [serviceToOruk(record)] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      tc.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const { port } = server.address() as AddressInfo;
      const report = await importOrukFeed({ db: t.db, clock }, await readFeed(`http://127.0.0.1:${port}/feed.json`));
      assert.equal(report.created, 1);
      assert.equal(report.failed, 1);
      assert.match(report.problems[0]!.message, /HTTP 503/);
      assert.match(report.problems[0]!.source, /page=2/);
    });

    it('reports a file that is not JSON, and one that does not exist', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oruk-feed-'));
      fs.writeFileSync(path.join(dir, 'broken.json'), '{ "id": ');
      fs.writeFileSync(path.join(dir, 'service.json'), JSON.stringify(orukServiceJson({ name: 'Beside a broken file' })));
      const report = await importOrukFeed({ db: t.db, clock }, await readFeed(dir));
      assert.equal(report.created, 1);
      assert.equal(report.problems[0]?.source, 'broken.json');
      assert.match(report.problems[0]!.message, /not valid JSON/);
      const missing = await readFeed(path.join(dir, 'nowhere.json'));
      assert.match(missing.problems[0]!.message, /does not exist/);
    });
  });
}
