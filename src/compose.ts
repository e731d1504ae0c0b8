/** Wires the real dependencies together from a Config: used by the server, the eval and the bench. */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createDemoBackend } from './actions/demo.ts';
import { createHttpBackend } from './actions/http.ts';
import { createActionService } from './actions/service.ts';
import type { ActionBackend } from './actions/types.ts';
import { createApp } from './app.ts';
import { createAssistant } from './chat/assistant.ts';
import type { Config } from './config.ts';
import { formatProblem } from './content/types.ts';
import { FLOWS } from './flows/index.ts';
import { loadLibrary, type Library } from './library.ts';
import { createLogger } from './logging.ts';
import { openSqliteStore } from './store/sqlite.ts';
import type { Store } from './store/types.ts';

export type Composed = {
  app: ReturnType<typeof createApp>;
  library: () => Library;
  store: Store;
  logger: Logger;
  close(): void;
};

export type ComposeResult = { ok: true; composed: Composed } | { ok: false; errors: string[] };

export type Overrides = { clock?: () => Date; logger?: Logger; backend?: ActionBackend };

export function compose(config: Config, overrides: Overrides = {}): ComposeResult {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const clock = overrides.clock ?? (() => new Date());
  const loaded = loadLibrary(config, clock);
  if (!loaded.ok) return { ok: false, errors: loaded.problems.map(formatProblem) };
  const library = loaded.library;
  const store = openSqliteStore(join(config.dataDir, 'assistant.db'));
  const backend =
    overrides.backend ??
    (config.actions.backend === 'http'
      ? createHttpBackend({ baseUrl: config.actions.baseUrl, token: config.actions.token, timeoutMs: config.actions.timeoutMs })
      : createDemoBackend(store, clock));
  const actions = createActionService({ backend, store, clock, logger });
  const current = () => library;
  const assistant = createAssistant({ library: current, store, actions, flows: FLOWS, clock, logger });
  const app = createApp({
    library: current,
    contentErrors: () => [],
    defaultTenant: config.defaultTenant,
    clock,
    logger,
    store,
    actions,
    assistant,
    portalTokenSecret: config.portalTokenSecret,
    demo: config.actions.backend === 'demo',
    rateLimits: config.rateLimits,
  });
  return { ok: true, composed: { app, library: current, store, logger, close: () => store.close() } };
}
