// The trend chart of reviews (chart.ts): well-formed SVG that names itself to assistive technology,
// whose numbers are the table's, that does not rely on colour, and that escapes what it is given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeXml, ratingText, type TrendInput, trendChartSvg, trendTable } from './chart.ts';
import { parseXml } from './xml-testing.ts';

const input: TrendInput = {
  items: [
    { key: 'mental-health', label: 'Mental health' },
    { key: 'accommodation', label: 'Accommodation' },
    { key: 'medication', label: 'Medication & "tablets" <daily>' },
  ],
  reviews: [
    { id: 'r1', at: '2026-08-03T11:00:00.000Z', ratings: { 'mental-health': { rating: 2, wantsMoreHelp: true }, accommodation: { rating: 4, wantsMoreHelp: false }, medication: { rating: 7, wantsMoreHelp: false } } },
    { id: 'r2', at: '2026-09-14T11:00:00.000Z', ratings: { 'mental-health': { rating: 3, wantsMoreHelp: true }, medication: { rating: 6, wantsMoreHelp: false } } },
    { id: 'r3', at: '2026-11-02T12:00:00.000Z', ratings: { 'mental-health': { rating: 5, wantsMoreHelp: false }, accommodation: { rating: 1, wantsMoreHelp: true }, medication: { rating: 6, wantsMoreHelp: true } } },
  ],
  lowest: 'Totally dissatisfied',
  highest: 'Totally satisfied',
};

describe('the trend chart of reviews', () => {
  it('is well-formed SVG, one image with a title and a description that say what it shows', () => {
    const svg = trendChartSvg(input, 'c1');
    const elements = parseXml(svg);
    const root = elements[0]!;
    assert.equal(root.name, 'svg');
    assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.equal(root.attrs.role, 'img');
    assert.equal(root.attrs['aria-labelledby'], 'c1-title c1-desc');
    const title = elements.find((e) => e.name === 'title' && e.parent === 0);
    const desc = elements.find((e) => e.name === 'desc' && e.parent === 0);
    assert.equal(title?.attrs.id, 'c1-title');
    assert.equal(desc?.attrs.id, 'c1-desc');
    assert.match(desc!.text, /from 1 \(totally dissatisfied\) to 7 \(totally satisfied\) at 3 reviews, from 3 August 2026 to 2 November 2026/);
    assert.match(desc!.text, /A ring instead of a dot marks an area where more help was wanted/);
  });

  it('draws every rating with its number, and the numbers are the table’s, point for point', () => {
    const elements = parseXml(trendChartSvg(input, 'c1'));
    const table = trendTable(input);
    const fromSvg = new Map<string, string>();
    elements.forEach((e, i) => {
      if (e.attrs.class !== 'point') return;
      const panel = elements[e.parent]!;
      const number = elements.find((x) => x.parent === i && x.name === 'text')!.text;
      assert.equal(number, e.attrs['data-rating'], 'the number drawn is the rating');
      fromSvg.set(`${panel.attrs['data-item']}|${e.attrs['data-review']}`, `${number}|${e.attrs['data-more-help']}`);
    });
    const fromTable = new Map<string, string>();
    for (const row of table.rows) {
      row.cells.forEach((cell, i) => {
        if (cell.rating !== null) fromTable.set(`${row.key}|${table.columns[i]!.id}`, `${cell.rating}|${cell.wantsMoreHelp ? 'yes' : 'no'}`);
      });
    }
    assert.equal(fromSvg.size, 8, 'eight ratings in three reviews');
    assert.deepEqual(fromSvg, fromTable);
    assert.deepEqual(
      table.rows.map((r) => r.cells.map((c) => c.text)),
      [
        ['2, wants more help', '3, wants more help', '5'],
        ['4', 'Not rated', '1, wants more help'],
        ['7', '6', '6, wants more help'],
      ],
    );
    assert.deepEqual(
      table.columns.map((c) => c.label),
      ['3 August 2026', '14 September 2026', '2 November 2026'],
    );
  });

  it('marks more help by shape, not colour alone: a ring (white fill) rather than a dot, with a key', () => {
    const elements = parseXml(trendChartSvg(input, 'c1'));
    elements.forEach((e, i) => {
      if (e.attrs.class !== 'point') return;
      const circle = elements.find((x) => x.parent === i && x.name === 'circle')!;
      assert.equal(circle.attrs.stroke, '#005eb8');
      assert.equal(circle.attrs.fill, e.attrs['data-more-help'] === 'yes' ? '#ffffff' : '#005eb8');
    });
    const key = elements.filter((e) => e.name === 'text' && elements[e.parent]?.attrs.class === 'key').map((e) => e.text);
    assert.deepEqual(key, ['rating', 'rating, more help wanted']);
  });

  it('escapes item names, and leaves a gap in the line where a review did not rate the item', () => {
    const svg = trendChartSvg(input, 'c1');
    const elements = parseXml(svg);
    assert.ok(svg.includes('Medication &amp; &quot;tablets&quot; &lt;daily&gt;'));
    const panel = (key: string) => elements.findIndex((e) => e.attrs['data-item'] === key);
    const lines = (key: string) => elements.filter((e) => e.name === 'polyline' && e.parent === panel(key));
    assert.equal(lines('mental-health').length, 1, 'three points in one line');
    assert.equal(lines('mental-health')[0]!.attrs.points!.split(' ').length, 3);
    assert.equal(lines('accommodation').length, 0, 'two points with a gap between: no line');
  });

  it('is empty with no reviews; one review is drawn as points without lines', () => {
    assert.equal(trendChartSvg({ ...input, reviews: [] }, 'c1'), '');
    const one = parseXml(trendChartSvg({ ...input, reviews: [input.reviews[0]!] }, 'c1'));
    assert.equal(one.filter((e) => e.name === 'polyline').length, 0);
    assert.equal(one.filter((e) => e.attrs.class === 'point').length, 3);
    assert.match(one.find((e) => e.name === 'desc')!.text, /at one review, on 3 August 2026/);
  });

  it('keeps the ratings of an item no longer in the wording, under its key', () => {
    const table = trendTable({ ...input, items: input.items.slice(0, 2) });
    assert.deepEqual(
      table.rows.map((r) => r.label),
      ['Mental health', 'Accommodation', 'medication'],
    );
  });

  it('escapes the five XML characters, and words a rating', () => {
    assert.equal(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    assert.equal(ratingText(undefined), 'Not rated');
    assert.equal(ratingText({ rating: 3, wantsMoreHelp: true }), '3, wants more help');
  });
});
