// The trend of a person's DIALOG-style reviews (issue 5, item 5), drawn on the server as SVG: one small
// chart an item, so no line has to be told apart from another by its colour. Each point carries its
// number as text, and a point where the person asked for more help is drawn as a ring rather than a
// dot (a shape, not a colour), as the key says. The SVG is one image to assistive technology (role
// "img" with a title and a description); the table beside it, built from the same data by
// `trendTable`, gives every number (WCAG 2.2: 1.1.1 non-text content, 1.4.1 use of colour).
import { formatDate, ZONE } from '../../platform/views/format.ts';
import { DateTime } from 'luxon';

export interface TrendItem {
  key: string;
  label: string;
}

export interface TrendRating {
  rating: number;
  wantsMoreHelp: boolean;
}

export interface TrendReview {
  id: string;
  /** When the review took place (ISO-8601 UTC). */
  at: string;
  ratings: Record<string, TrendRating | undefined>;
}

export interface TrendInput {
  /** The items in the order shown; an item none of the reviews rated is left out. */
  items: readonly TrendItem[];
  /** Oldest first. */
  reviews: readonly TrendReview[];
  /** The words of the lowest and highest points of the scale. */
  lowest: string;
  highest: string;
}

const MIN = 1;
const MAX = 7;

const PANEL_W = 330;
const PANEL_H = 132;
const GAP_X = 20;
const GAP_Y = 16;
const COLUMNS = 2;
const PLOT = { left: 44, right: 34, top: 28, bottom: 24 };
const KEY_H = 30;

/** Text in SVG (XML): the five characters that must be escaped. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const shortDate = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(ZONE).toFormat('d MMM yy');

/** The items at least one review rated, in the given order, with any rated item no longer in the list (by its key) at the end. */
export function itemsShown(input: Pick<TrendInput, 'items' | 'reviews'>): TrendItem[] {
  const rated = new Set(input.reviews.flatMap((r) => Object.keys(r.ratings).filter((k) => r.ratings[k])));
  const known = input.items.filter((i) => rated.has(i.key));
  const knownKeys = new Set(input.items.map((i) => i.key));
  const retired = [...rated].filter((k) => !knownKeys.has(k)).sort().map((key) => ({ key, label: key.replace(/-/g, ' ') }));
  return [...known, ...retired];
}

/** One line of words for a rating: "5, wants more help", or "Not rated". */
export function ratingText(r: TrendRating | undefined): string {
  if (!r) return 'Not rated';
  return r.wantsMoreHelp ? `${r.rating}, wants more help` : String(r.rating);
}

/** The table alternative: a column a review (oldest first), a row an item, the same numbers as the chart. */
export function trendTable(input: TrendInput) {
  const items = itemsShown(input);
  return {
    columns: input.reviews.map((r) => ({ id: r.id, at: r.at, label: formatDate(r.at) })),
    rows: items.map((item) => ({
      key: item.key,
      label: item.label,
      cells: input.reviews.map((r) => {
        const rating = r.ratings[item.key];
        return { rating: rating?.rating ?? null, wantsMoreHelp: rating?.wantsMoreHelp ?? false, text: ratingText(rating) };
      }),
    })),
  };
}

/** The SVG (a string of XML, every piece of text escaped); empty when there is no review. `id` makes the title and description ids unique in the page. */
export function trendChartSvg(input: TrendInput, id: string): string {
  const items = itemsShown(input);
  const reviews = input.reviews;
  if (reviews.length === 0 || items.length === 0) return '';
  const rows = Math.ceil(items.length / COLUMNS);
  const width = COLUMNS * PANEL_W + (COLUMNS - 1) * GAP_X;
  const height = KEY_H + rows * PANEL_H + (rows - 1) * GAP_Y;
  const first = formatDate(reviews[0]!.at);
  const last = formatDate(reviews[reviews.length - 1]!.at);
  const span = reviews.length === 1 ? `one review, on ${first}` : `${reviews.length} reviews, from ${first} to ${last}`;
  const title = 'How satisfied you have been, review by review';
  const desc =
    `Ratings from ${MIN} (${input.lowest.toLowerCase()}) to ${MAX} (${input.highest.toLowerCase()}) at ${span}, one small chart for each of ${items.length} areas. ` +
    'A ring instead of a dot marks an area where more help was wanted. The table after the chart gives the same numbers.';
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-trend-chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" font-family="Arial, sans-serif" font-size="12">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(desc)}</desc>`,
  );
  // The key: what a dot and a ring mean.
  out.push(
    '<g class="key">',
    '<circle cx="8" cy="12" r="4.5" fill="#005eb8" stroke="#005eb8" stroke-width="2"/>',
    '<text x="18" y="16">rating</text>',
    '<circle cx="80" cy="12" r="4.5" fill="#ffffff" stroke="#005eb8" stroke-width="2"/>',
    '<text x="90" y="16">rating, more help wanted</text>',
    '</g>',
  );
  const plotW = PANEL_W - PLOT.left - PLOT.right;
  const plotH = PANEL_H - PLOT.top - PLOT.bottom;
  const x = (i: number) => PLOT.left + (reviews.length === 1 ? plotW / 2 : (i * plotW) / (reviews.length - 1));
  const y = (v: number) => PLOT.top + plotH - ((v - MIN) * plotH) / (MAX - MIN);
  // Date labels on the x axis: all when they fit, otherwise the first, the last and some between.
  const labelEvery = Math.max(1, Math.ceil(reviews.length / 5));
  items.forEach((item, n) => {
    const px = (n % COLUMNS) * (PANEL_W + GAP_X);
    const py = KEY_H + Math.floor(n / COLUMNS) * (PANEL_H + GAP_Y);
    out.push(`<g class="panel" data-item="${escapeXml(item.key)}" transform="translate(${px} ${py})">`);
    out.push(`<rect x="0.5" y="0.5" width="${PANEL_W - 1}" height="${PANEL_H - 1}" fill="#ffffff" stroke="#d8dde0"/>`);
    out.push(`<text x="8" y="17" font-weight="bold">${escapeXml(item.label)}</text>`);
    for (const v of [MIN, 4, MAX]) {
      out.push(`<line x1="${PLOT.left}" x2="${PLOT.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#d8dde0" stroke-width="1"/>`);
      out.push(`<text x="${PLOT.left - 14}" y="${y(v) + 4}" text-anchor="end" fill="#4c6272">${v}</text>`);
    }
    reviews.forEach((r, i) => {
      if (i % labelEvery !== 0 && i !== reviews.length - 1) return;
      out.push(`<text x="${x(i)}" y="${PANEL_H - 7}" text-anchor="middle" font-size="10" fill="#4c6272">${escapeXml(shortDate(r.at))}</text>`);
    });
    // The line joins consecutive rated reviews; a review that did not rate the item leaves a gap.
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 1) out.push(`<polyline points="${segment.join(' ')}" fill="none" stroke="#005eb8" stroke-width="2"/>`);
      segment = [];
    };
    reviews.forEach((r, i) => {
      const rating = r.ratings[item.key];
      if (rating) segment.push(`${round(x(i))},${round(y(rating.rating))}`);
      else flush();
    });
    flush();
    reviews.forEach((r, i) => {
      const rating = r.ratings[item.key];
      if (!rating) return;
      const cx = round(x(i));
      const cy = round(y(rating.rating));
      const fill = rating.wantsMoreHelp ? '#ffffff' : '#005eb8';
      // The number sits above the point, or below it at the top of the scale.
      const ty = rating.rating >= MAX ? cy + 17 : cy - 8;
      out.push(
        `<g class="point" data-review="${escapeXml(r.id)}" data-rating="${rating.rating}" data-more-help="${rating.wantsMoreHelp ? 'yes' : 'no'}">`,
        `<circle cx="${cx}" cy="${cy}" r="4.5" fill="${fill}" stroke="#005eb8" stroke-width="2"/>`,
        `<text x="${cx}" y="${ty}" text-anchor="middle" font-weight="bold">${rating.rating}</text>`,
        '</g>',
      );
    });
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('');
}

const round = (n: number) => Math.round(n * 10) / 10;
