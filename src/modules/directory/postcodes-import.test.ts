import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestDatabase, testDialects } from '../../platform/db/testing.ts';
import { detectFormat, gridToOsgb36, gridToWgs84, importPostcodes } from './postcodes-import.ts';
import { findOutcodeCentroid, findPostcode } from './store.ts';

const deg = (rad: number) => (rad * 180) / Math.PI;

function csv(name: string, lines: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postcodes-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

describe('OSGB36 National Grid to WGS84', () => {
  it('projects the Ordnance Survey worked example to OSGB36 latitude and longitude exactly', () => {
    // OS, "A guide to coordinate systems in Great Britain", annex C: 651409.903 E, 313177.270 N.
    const { lat, lon } = gridToOsgb36(651409.903, 313177.27);
    assert.ok(Math.abs(deg(lat) - 52.6575703) < 1e-7, `lat ${deg(lat)}`);
    assert.ok(Math.abs(deg(lon) - 1.7179216) < 1e-7, `lon ${deg(lon)}`);
  });

  it('gives WGS84 within a few metres of published positions', () => {
    // The same point in WGS84 (52°39′28.72″N 001°42′57.79″E), and SW1A 1AA (529090 E, 179645 N).
    const near = (got: { latitude: number; longitude: number }, lat: number, lng: number) => {
      const metres = Math.hypot((got.latitude - lat) * 111_000, (got.longitude - lng) * 111_000 * Math.cos((lat * Math.PI) / 180));
      assert.ok(metres < 5, `${metres.toFixed(1)} m away`);
    };
    near(gridToWgs84(651409.903, 313177.27), 52 + 39 / 60 + 28.72 / 3600, 1 + 42 / 60 + 57.79 / 3600);
    near(gridToWgs84(529090, 179645), 51.501009, -0.141588);
  });
});

describe('telling a postcode file apart', () => {
  it('knows ONSPD by its header, Code-Point Open by its data or header, and refuses anything else', () => {
    assert.deepEqual(detectFormat(['pcd', 'pcd2', 'pcds', 'dointr', 'doterm', 'lat', 'long']), { format: 'onspd', header: true });
    assert.deepEqual(detectFormat(['PCDS', 'DOTERM', 'LAT', 'LONG']), { format: 'onspd', header: true });
    assert.deepEqual(detectFormat(['SW1A1AA', '10', '529090', '179645', 'E92000001']), { format: 'codepoint-open', header: false });
    assert.deepEqual(detectFormat(['Postcode', 'Positional_quality_indicator', 'Eastings', 'Northings']), { format: 'codepoint-open', header: true });
    assert.throws(() => detectFormat(['name', 'email']), /neither the ONS Postcode Directory .* nor OS Code-Point Open/);
  });
});

for (const dialect of testDialects()) {
  describe(`mutual import postcodes (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => t?.close());

    it('imports an ONSPD file, skipping terminated postcodes and those without coordinates, in batches', async () => {
      const file = csv('ONSPD_NOV_2026_UK.csv', [
        'pcd,pcd2,pcds,dointr,doterm,oseast1m,osnrth1m,lat,long',
        '"SW9 9SL","SW9  9SL","SW9 9SL","198001","","531024","175908",51.466981,-0.115126',
        '"SW9 8AA","SW9  8AA","SW9 8AA","198001","","531200","176100",51.468700,-0.112500',
        '"SW9 7ZZ","SW9  7ZZ","SW9 7ZZ","198001","200012","531000","176000",51.467800,-0.115400',
        '"SE5 9ZZ","SE5  9ZZ","SE5 9ZZ","198001","","","",99.999999,0.000000',
        '"SE5 8AA","SE5  8AA","SE5 8AA","198001","","532800","176900",51.474300,-0.090100',
        '"NOT A PC","","NOT A PC","198001","","","",51.0,-0.1',
      ]);
      const progress: number[] = [];
      const summary = await importPostcodes(t.db, file, { batchSize: 2, onProgress: (b) => progress.push(b) });
      assert.deepEqual(summary, {
        format: 'onspd',
        read: 6,
        imported: 3,
        skipped: 3,
        skippedBy: { terminated: 1, 'no coordinates': 1, 'not a postcode': 1 },
        outcodes: 2,
      });
      assert.ok(progress.length >= 2, 'progress after each batch');
      assert.deepEqual(await findPostcode(t.db.read, 'SW9 9SL'), { postcode: 'SW9 9SL', outcode: 'SW9', latitude: 51.466981, longitude: -0.115126 });
      assert.equal(await findPostcode(t.db.read, 'SW9 7ZZ'), undefined);
      assert.equal(await findPostcode(t.db.read, 'SE5 9ZZ'), undefined);
      const sw9 = await findOutcodeCentroid(t.db.read, 'SW9');
      assert.ok(sw9 && Math.abs(sw9.latitude - (51.466981 + 51.4687) / 2) < 1e-9);
    });

    it('imports Code-Point Open, converting the National Grid to WGS84, and is the same the second time', async () => {
      const file = csv('sw.csv', [
        '"SW1A1AA",10,529090,179645,"E92000001","E19000003","E18000007","","E09000033","E05013806"',
        '"SW1A2AA",10,530047,179951,"E92000001","E19000003","E18000007","","E09000033","E05013806"',
        '"SW1A9ZZ",90,0,0,"E92000001","","","","",""',
      ]);
      const first = await importPostcodes(t.db, file);
      assert.equal(first.format, 'codepoint-open');
      assert.equal(first.imported, 2);
      assert.deepEqual(first.skippedBy, { terminated: 0, 'no coordinates': 1, 'not a postcode': 0 });
      const row = await findPostcode(t.db.read, 'SW1A 1AA');
      assert.ok(row && Math.abs(row.latitude - 51.501009) < 0.00005 && Math.abs(row.longitude + 0.141588) < 0.00005, JSON.stringify(row));
      const centroid = await findOutcodeCentroid(t.db.read, 'SW1A');
      const again = await importPostcodes(t.db, file);
      assert.deepEqual(again, first);
      assert.deepEqual(await findOutcodeCentroid(t.db.read, 'SW1A'), centroid);
    });

    it('refuses a file that is not a postcode file before writing anything', async () => {
      const file = csv('people.csv', ['name,email', 'A,b']);
      await assert.rejects(importPostcodes(t.db, file), /neither the ONS Postcode Directory .* nor OS Code-Point Open/);
    });
  });
}
