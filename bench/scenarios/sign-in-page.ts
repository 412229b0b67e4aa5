// The sign-in page: a page render with a CSRF token and cookie, the first thing every member of
// staff loads. It reads nothing from the database, so it is compared with one indexed read.
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'GET /sign-in',
  connections: 50,
  durationSeconds: 5,
  baseline: 'read',
  expectStatus: 200,
  requests: () => [{ method: 'GET', path: '/sign-in', headers: { accept: 'text/html' } }],
});
