// Readiness: what a load balancer polls. It checks the database answers, so it is compared with
// one indexed read.
import { scenario } from '../scenario.ts';

export default scenario({
  name: 'GET /health/ready',
  connections: 50,
  durationSeconds: 5,
  baseline: 'read',
  expectStatus: 200,
  requests: () => [{ method: 'GET', path: '/health/ready' }],
});
