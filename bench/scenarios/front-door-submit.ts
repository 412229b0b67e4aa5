// POST /api/v1/requests at 32 connections, fully durable (issue 4): each request finds or creates a
// person, screens the story for risk, writes the request, its timeline event, two timers, an
// acknowledgement in the outbox and an audit event, in one unit of work. Compared with one bare
// durable insert: the grouped commit must keep the ratio at 1.0 or more although each request writes
// several rows, with p99 under 50 ms.
import { scenario } from '../scenario.ts';

let n = 0;

export default scenario({
  name: 'POST /api/v1/requests',
  connections: 32,
  durationSeconds: 5,
  baseline: 'insert',
  expectStatus: 201,
  requests: () => [
    {
      method: 'POST',
      path: '/api/v1/requests',
      headers: { 'content-type': 'application/json' },
      // A different person each time, as in life (the same name would pile up duplicate candidates).
      setupRequest: (request) => {
        n++;
        return {
          ...request,
          body: JSON.stringify({
            source: 'self',
            person: { givenName: 'Bench', familyName: `Person${process.pid}x${n}`, dateOfBirth: '1990-03-27', postcode: 'SW9 9SL', phone: '07700900982' },
            story: 'I have been feeling low and anxious for a few weeks and I am not sleeping well.',
            consentToShare: true,
          }),
        };
      },
    },
  ],
});
