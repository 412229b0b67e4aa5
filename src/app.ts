// buildApp(platform): the whole product as one Fastify instance. Platform plugins first, in order,
// then every module, explicitly (no autoload), so the order things happen in is written down here.
import Fastify from 'fastify';
import accessPlugin from './platform/access/plugin.ts';
import type { Platform } from './platform/context.ts';
import errorsPlugin from './platform/http/errors.ts';
import securityPlugin, { randomSecret } from './platform/http/security.ts';
import { loggerOptions } from './platform/observability/logging.ts';
import viewsPlugin from './platform/views/views.ts';
import home from './modules/home/index.ts';

export interface BuildOptions {
  /** Secret for signing cookies; random per process when not given (development and tests). */
  cookieSecret?: string;
}

export async function buildApp(platform: Platform, options: BuildOptions = {}) {
  const { config } = platform;
  const app = Fastify({
    logger: loggerOptions(config),
    // Fastify takes a hop count as a number; the typings list only the other forms.
    trustProxy: config.trustProxy as boolean | string[],
    bodyLimit: config.bodyLimit,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  });

  await app.register(accessPlugin);
  await app.register(viewsPlugin, { config });
  await app.register(securityPlugin, { config, cookieSecret: options.cookieSecret ?? randomSecret() });
  await app.register(errorsPlugin);

  await app.register(home, { platform });

  return app;
}
