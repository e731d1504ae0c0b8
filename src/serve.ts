/** The server: read the environment, compose the app and serve it; nothing else. */
import { serve } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import { composeServer } from './compose.ts';
import { parseConfig } from './config.ts';
import { graceful } from './web/shutdown.ts';

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  console.error(`Configuration error:\n  ${parsed.errors.join('\n  ')}`);
  process.exit(1);
}
const config = parsed.config;
// The content is built on worker threads (one per core); the server listens once it is ready.
const result = await composeServer(config);
if (!result.ok) {
  if (result.what === 'database') console.error(result.errors.join('\n'));
  else console.error(`Content has errors; fix them and start again:\n${result.errors.join('\n')}`);
  process.exit(1);
}
const { app, logger, library, close, ready, store } = result.composed;
// PostgreSQL: reachable, and its schema migrated (one instance at a time), before anything is served.
try {
  await ready();
} catch (err) {
  console.error((err as Error).message);
  await close();
  process.exit(1);
}

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  if (config.production && config.actions.backend === 'demo') {
    logger.warn('ACTIONS_BACKEND=demo in production: codes, links and changes go to the demo accounts, never to the insurer');
  }
  if (config.production && !config.publicUrl) {
    logger.warn('PUBLIC_URL is not set: pages carry no canonical or hreflang links and there is no sitemap, rather than build them from the Host header');
  }
  logger.info({ url: `http://${config.host}:${info.port}/`, contentVersion: library().content.version, database: store.engine }, 'help assistant listening');
});
const stopper = graceful(server as HttpServer);

// Finish what is in flight, then close the database; a second signal or 10 s end it anyway.
let stopping = false;
const shutdown = () => {
  if (stopping) process.exit(1);
  stopping = true;
  logger.info('shutting down');
  // Stop accepting, answer what was read with Connection: close, end idle keep-alive sockets, then close.
  stopper.stop(() => {
    void close().finally(() => process.exit(0));
  });
  // Requests still running after 10 s are cut; the database is closed all the same (WAL keeps it whole either way).
  setTimeout(() => {
    logger.warn('shutdown timed out; closing the database with requests still in flight');
    void close().finally(() => process.exit(1));
  }, 10_000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
