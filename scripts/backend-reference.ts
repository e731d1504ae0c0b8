/**
 * `npm run backend:reference`: the reference account-action backend over the demo accounts, for trying
 * `ACTIONS_BACKEND=http` on one machine and as a working example for insurers. Listens on HOST and PORT
 * (default 127.0.0.1:3001, beside `npm start` on 3000) and expects ACTIONS_TOKEN as bearer token (any
 * token when unset). The accounts and the outbox live in memory: each start begins from the demo accounts.
 */
import { serve } from '@hono/node-server';
import { z } from 'zod';
import { createDemoBackend } from '../src/actions/demo.ts';
import { createLogger } from '../src/logging.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { referenceBackendApp } from '../src/web/reference-backend.ts';

const env = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    ACTIONS_TOKEN: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== '')));
if (!env.success) {
  console.error(`Configuration error:\n  ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
  process.exit(1);
}
const { HOST, PORT, ACTIONS_TOKEN, LOG_LEVEL } = env.data;

const logger = createLogger({ level: LOG_LEVEL });
const clock = () => new Date();
const store = openSqliteStore(':memory:');
const app = referenceBackendApp({ backend: createDemoBackend(store, clock), store, token: ACTIONS_TOKEN, clock, logger });

const server = serve({ fetch: app.fetch, hostname: HOST, port: PORT }, (info) => {
  logger.info({ url: `http://${HOST}:${info.port}/`, bearer: ACTIONS_TOKEN ? 'ACTIONS_TOKEN required' : 'any token' }, 'reference account backend listening');
});

const shutdown = () => {
  server.close(() => {
    void store.close();
    process.exit(0);
  });
  if ('closeAllConnections' in server) server.closeAllConnections();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
