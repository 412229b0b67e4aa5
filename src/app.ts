// buildApp(platform): the whole product as one Fastify instance. Platform plugins first, in order,
// then every module, explicitly (no autoload), so the order things happen in is written down here.
import Fastify from 'fastify';
import type { DestinationStream } from 'pino';
import accessPlugin from './platform/access/plugin.ts';
import adminOutbox from './platform/admin/outbox.ts';
import authPlugin from './platform/auth/plugin.ts';
import authRoutes from './platform/auth/routes.ts';
import type { Platform } from './platform/context.ts';
import errorsPlugin from './platform/http/errors.ts';
import securityPlugin, { randomSecret } from './platform/http/security.ts';
import notifyPlugin from './platform/notify/plugin.ts';
import realtimePlugin from './platform/realtime/plugin.ts';
import health from './platform/observability/health.ts';
import { loggerOptions } from './platform/observability/logging.ts';
import metricsPlugin from './platform/observability/metrics.ts';
import viewsPlugin from './platform/views/views.ts';
import home from './modules/home/index.ts';
import directory from './modules/directory/index.ts';
import orukApi from './modules/directory/oruk-routes.ts';
import frontDoor from './modules/front-door/index.ts';
import people from './modules/people/index.ts';
import care from './modules/care/index.ts';
import crisis from './modules/crisis/index.ts';

export interface BuildOptions {
  /** Secret for signing cookies; random per process when not given (development and tests). */
  cookieSecret?: string;
  /** Where logs go instead of standard output (tests read them to prove nothing personal is logged). */
  logStream?: DestinationStream;
}

export async function buildApp(platform: Platform, options: BuildOptions = {}) {
  const { config } = platform;
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    // Fastify takes a hop count as a number; the typings list only the other forms.
    trustProxy: config.trustProxy as boolean | string[],
    bodyLimit: config.bodyLimit,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });

  await app.register(accessPlugin);
  await app.register(authPlugin, { platform });
  await app.register(metricsPlugin, { platform });
  await app.register(viewsPlugin, { config });
  await app.register(securityPlugin, { config, cookieSecret: options.cookieSecret ?? randomSecret() });
  await app.register(errorsPlugin);
  await app.register(notifyPlugin, { platform });
  await app.register(health, { platform });
  await app.register(adminOutbox, { platform });
  await app.register(realtimePlugin, { platform });

  await app.register(home, { platform });
  await app.register(authRoutes, { platform });
  await app.register(directory, { platform });
  await app.register(orukApi, { platform });
  await app.register(frontDoor, { platform });
  await app.register(people, { platform });
  await app.register(care, { platform });
  await app.register(crisis, { platform });

  return app;
}
