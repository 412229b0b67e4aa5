import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import { seedDirectoryDemo } from './seed.ts';

/** The names of the results on a search page, in order. */
function resultNames(html: string): string[] {
  return [...html.matchAll(/<a class="nhsuk-card__link" href="\/directory\/services\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!.replaceAll('&#39;', "'").replaceAll('&amp;', '&'));
}

function resultBlock(html: string, name: string): string {
  const start = html.indexOf(`>${name}</a>`);
  assert.ok(start > 0, `${name} is on the page`);
  return html.slice(start, html.indexOf('</li>', start));
}

for (const dialect of testDialects()) {
  describe(`public directory (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-11-30T12:00:00Z');
      await seedDirectoryDemo(t.platform);
    });
    after(async () => {
      await t?.close();
    });

    const get = (url: string) => t.app.inject({ method: 'GET', url });
    const FEELING_LOW_NEAR_SW9_NOW = '/directory?need=feeling-low&postcode=SW9+9SL&when=now';

    describe('"open now near SW9 9SL for feeling low"', () => {
      it('on a weekday evening: the evening sanctuary and the late therapies, nearest first, then the 24/7 line; not the daytime services', async () => {
        t.clock.set('2026-12-01T20:00:00Z'); // Tuesday 20:00 in London
        const res = await get(FEELING_LOW_NEAR_SW9_NOW);
        assert.equal(res.statusCode, 200);
        const names = resultNames(res.body);
        assert.equal(names[0], 'Brixton Evening Sanctuary', 'the sanctuary is nearest');
        assert.ok(names.includes('Camberwell Late Talking Therapies'));
        assert.ok(names.includes('Nightlight 24/7 Crisis Line'));
        assert.ok(names.indexOf('Nightlight 24/7 Crisis Line') > names.indexOf('Camberwell Late Talking Therapies'), 'phone lines after places');
        assert.ok(!names.includes('Talking Therapies Brixton'), 'closed at 20:00');
        assert.ok(!names.some((n) => n.includes('Barbers')), 'barbers close at 19:00');
        assert.match(resultBlock(res.body, 'Brixton Evening Sanctuary'), /Open now · closes midnight/);
        assert.match(resultBlock(res.body, 'Brixton Evening Sanctuary'), /miles away/);
        assert.match(resultBlock(res.body, 'Brixton Evening Sanctuary'), /4 of 10 places available/);
        assert.match(resultBlock(res.body, 'Nightlight 24/7 Crisis Line'), /Open 24 hours/);
      });

      it('on a Sunday afternoon: the Sunday barbers and groups and the 24/7 line; the sanctuary opens later', async () => {
        t.clock.set('2026-12-06T15:00:00Z'); // Sunday 15:00
        const res = await get(FEELING_LOW_NEAR_SW9_NOW);
        assert.equal(res.statusCode, 200);
        const names = resultNames(res.body);
        assert.ok(names.includes('Brixton Barbers – Chair Talk champion'));
        assert.ok(names.includes('Akwaaba Sunday Wellbeing Group'));
        assert.ok(names.includes('Nightlight 24/7 Crisis Line'));
        assert.ok(!names.includes('Brixton Evening Sanctuary'));
        assert.ok(!names.some((n) => n.startsWith('Talking Therapies')));
        const all = await get('/directory?q=sanctuary');
        assert.match(resultBlock(all.body, 'Brixton Evening Sanctuary'), /Opens today 18:00/);
      });

      it('on a bank holiday evening: services open as usual are there; weekday-only services are not', async () => {
        t.clock.set('2026-12-18T20:00:00Z'); // an ordinary Friday 20:00, for contrast
        const ordinaryFriday = resultNames((await get(FEELING_LOW_NEAR_SW9_NOW)).body);
        assert.ok(ordinaryFriday.includes('Camberwell Late Talking Therapies'));
        t.clock.set('2026-12-25T20:00:00Z'); // Christmas Day, a Friday, 20:00
        const res = await get(FEELING_LOW_NEAR_SW9_NOW);
        const names = resultNames(res.body);
        assert.ok(names.includes('Brixton Evening Sanctuary'));
        assert.ok(names.includes('Peckham Crisis Café'));
        assert.ok(names.includes('Nightlight 24/7 Crisis Line'));
        assert.ok(!names.includes('Camberwell Late Talking Therapies'), 'closed on bank holidays');
      });
    });

    it('orders results by distance and shows it', async () => {
      t.clock.set('2026-12-01T12:00:00Z');
      const res = await get('/directory?postcode=SW9+9SL&within=25&size=50');
      const miles = [...res.body.matchAll(/· ([\d.]+|less than 0.1) miles? away/g)].map((m) => (m[1] === 'less than 0.1' ? 0 : Number(m[1])));
      assert.ok(miles.length > 10);
      assert.deepEqual(miles, [...miles].sort((a, b) => a - b));
    });

    it('accepts a partial postcode, and searches by language, age, cost and self-referral', async () => {
      const res = await get('/directory?postcode=sw8&language=pt&self=yes&free=yes&age=30');
      assert.equal(res.statusCode, 200);
      const names = resultNames(res.body);
      assert.equal(names[0], 'Grupo de Apoio em Português');
      assert.match(res.body, /the centre of the area/);
    });

    it('shows results without distance when the postcode is real but unknown to us', async () => {
      const res = await get('/directory?postcode=AB1+2CD&need=housing');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /We could not find the postcode <strong>AB1 2CD<\/strong>/);
      assert.ok(resultNames(res.body).length > 0);
      assert.doesNotMatch(res.body, /miles away/);
    });

    it('pages through results', async () => {
      const first = await get('/directory?q=support&size=5');
      const second = await get('/directory?q=support&size=5&page=2');
      assert.equal(resultNames(first.body).length, 5);
      assert.match(first.body, /href="\/directory\?q=support&amp;size=5&amp;page=2"/);
      assert.notDeepEqual(resultNames(first.body), resultNames(second.body));
    });

    describe('bad input', () => {
      const cases: [string, string, RegExp][] = [
        ['a postcode that is not a postcode', '/directory?postcode=NOT+A+POSTCODE&q=debt', /Enter a real postcode, like SW9 9SL/],
        ['an impossible time', '/directory?when=at&day=monday&time=25%3A00', /Enter a real time between 00:00 and 23:59/],
        ['a day and time missing', '/directory?when=at', /Select the day you want the service to be open/],
        ['an unknown filter', '/directory?colour=blue', /We cannot search by “colour”/],
        ['a huge page size', '/directory?q=support&size=100000', /Show 50 results a page or fewer/],
        ['a page number that is not a number', '/directory?page=abc', /Enter a page number/],
        ['an unknown need', '/directory?need=unicorns', /Select a need from the list/],
        ['an unknown language', '/directory?language=xx', /Select a language from the list/],
        ['a repeated single field', '/directory?postcode=SW9&postcode=SE5', /Enter a postcode, like SW9 9SL/],
        ['an age that is not a number', '/directory?age=old', /Enter an age in years/],
      ];
      for (const [what, url, message] of cases) {
        it(`re-renders the form with an error summary for ${what}`, async () => {
          const res = await get(url);
          assert.equal(res.statusCode, 400);
          assert.match(res.body, /There is a problem/);
          assert.match(res.body, message);
          assert.match(res.body, /<title>Error: /);
        });
      }

      it('keeps what was typed', async () => {
        const res = await get('/directory?q=debt+advice&postcode=NOTAPOSTCODE');
        assert.match(res.body, /value="debt advice"/);
        assert.match(res.body, /value="NOTAPOSTCODE"/);
      });
    });

    it('shows a service with what a person needs to go or call', async () => {
      const search = await get('/directory?q=Brixton+Evening+Sanctuary');
      const id = /href="\/directory\/services\/([^"]+)">Brixton Evening Sanctuary/.exec(search.body)![1]!;
      t.clock.set('2026-12-01T20:00:00Z');
      const res = await get(`/directory/services/${id}`);
      assert.equal(res.statusCode, 200);
      for (const text of [/<h1>Brixton Evening Sanctuary<\/h1>/, /Open now · closes midnight/, /Every day, 18:00 to midnight/, /tel:020/, /Step-free entrance/, /Last checked \d+ \w+ 2026/, /Portuguese/, /You can refer yourself/, /Ages 18 and over/, /Free/]) {
        assert.match(res.body, text);
      }
      assert.equal((await get('/directory/services/00000000-0000-0000-0000-000000000000')).statusCode, 404);
      assert.equal((await get('/directory/services/%3Cscript%3E')).statusCode, 404);
    });

    it('lists crisis options open now, nearest first, with the national numbers', async () => {
      t.clock.set('2026-12-01T20:00:00Z');
      const res = await get('/directory/need-help-now?postcode=SW9+9SL');
      assert.equal(res.statusCode, 200);
      const names = resultNames(res.body);
      assert.ok(names.includes('Brixton Evening Sanctuary'));
      assert.ok(names.includes('Coldharbour Crisis House'));
      assert.ok(names.includes('Nightlight 24/7 Crisis Line'));
      assert.ok(!names.includes('Talking Therapies Brixton'));
      const miles = [...res.body.matchAll(/· ([\d.]+) miles? away/g)].map((m) => Number(m[1]));
      assert.deepEqual(miles, [...miles].sort((a, b) => a - b), 'nearest first');
      assert.match(res.body, /tel:116123/);
      assert.match(res.body, /tel:999/);
      const bad = await get('/directory/need-help-now?postcode=XYZ');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter a real postcode/);
      assert.match(bad.body, /Nightlight 24\/7 Crisis Line/, 'still lists what is open');
    });
  });
}
