// The public directory search with words, a place and "open now" over 100,000 services (issue 3:
// server p95 under 20 ms, and at least half the throughput of a bare full-text search in a place box
// on the same data). Each request is a whole page: the form, 20 results nearest first with distance,
// open line, access and phone, the count, and the services with no place after the located ones.
// Compared with the `fts` baseline: the same searches (words, and a box of the same radius around the
// same place) straight to the engine on the app's own tables, nearest 20, as JSON.
import { locate, parsePlace } from '../../src/modules/directory/postcodes.ts';
import { ensureScaleDirectory } from '../directory.ts';
import { scenario } from '../scenario.ts';

/** Searches a person might make: a word and a postcode (the scale data places towns at these outcodes). */
const SEARCHES = [
  { q: 'counselling', postcode: 'SW9 9SL' },
  { q: 'anxiety', postcode: 'SE15 1AA' },
  { q: 'sleep', postcode: 'M1 1AA' },
  { q: 'debt', postcode: 'LS1 1AA' },
];
/** The search form's default distance: 5 miles. */
const RADIUS_KM = 5 * 1.609344;

interface State {
  places: { q: string; postcode: string; latitude: number; longitude: number }[];
}

export default scenario<State>({
  name: 'GET /directory?q=…&postcode=…&when=now (100,000 services)',
  connections: 4,
  durationSeconds: 5,
  baseline: 'fts',
  expectStatus: 200,
  async setup(ctx) {
    await ensureScaleDirectory(ctx);
    const places: State['places'] = [];
    for (const s of SEARCHES) {
      // Where the app will search: the postcode, or its outcode's centre (as for SW9 9SL here).
      const found = await locate(ctx.db.read, parsePlace(s.postcode)!);
      if (!found.found) throw new Error(`directory-search: the scale seed has no place for ${s.postcode}.`);
      places.push({ ...s, latitude: found.place.latitude, longitude: found.place.longitude });
    }
    return { places };
  },
  requests: (_ctx, state) =>
    state.places.map((p) => ({
      method: 'GET' as const,
      path: `/directory?q=${encodeURIComponent(p.q)}&postcode=${encodeURIComponent(p.postcode)}&when=now`,
      headers: { accept: 'text/html' },
    })),
  baselineRequests: (_ctx, state) =>
    state.places.map((p) => ({ method: 'GET' as const, path: `/fts?q=${encodeURIComponent(p.q)}&lat=${p.latitude}&lng=${p.longitude}&km=${RADIUS_KM}` })),
});
