// Registers outbox delivery with the timer worker, through the transport the configuration names.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Platform } from '../context.ts';
import { registerOutbox } from './outbox.ts';
import { type Transport, transportFor } from './transports.ts';

export default fp(
  async function notify(app: FastifyInstance, opts: { platform: Platform; transport?: Transport }) {
    registerOutbox(opts.platform, opts.transport ?? transportFor(opts.platform.config, app.log));
  },
  { name: 'notify' },
);
