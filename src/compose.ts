/** Wires the real dependencies together from a Config: used by the server, the eval and the bench. */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createDemoBackend } from './actions/demo.ts';
import { createHttpBackend } from './actions/http.ts';
import { createActionService, type ActionService } from './actions/service.ts';
import type { ActionBackend } from './actions/types.ts';
import { createApp } from './app.ts';
import { createAssistant } from './chat/assistant.ts';
import type { Config } from './config.ts';
import { formatProblem } from './content/types.ts';
import { watchFolders } from './content/watch.ts';
import { FLOWS } from './flows/index.ts';
import { startRetention } from './insights/retention.ts';
import { createSearchLog } from './insights/search-log.ts';
import { loadLibrary, type Library } from './library.ts';
import { scopedLogger } from './log-scope.ts';
import { createLogger } from './logging.ts';
import { createMetrics, timedStore, type Metrics } from './metrics.ts';
import { tryOpenSqliteStore } from './store/sqlite.ts';
import type { Store } from './store/types.ts';

export type Composed = {
  app: ReturnType<typeof createApp>;
  library: () => Library;
  store: Store;
  logger: Logger;
  /** Reads content/ and locales/ again and swaps them in; on problems the last good content stays. */
  reloadContent(): { ok: true } | { ok: false; errors: string[] };
  close(): void;
};

/** `what` says which part could not start: the editor content, or the database file (one line). */
export type ComposeResult = { ok: true; composed: Composed } | { ok: false; errors: string[]; what?: 'content' | 'database' };

export type Overrides = { clock?: () => Date; logger?: Logger; backend?: ActionBackend };

export function compose(config: Config, overrides: Overrides = {}): ComposeResult {
  // Lines written while a request runs go through its child logger, with its request id.
  const logger = scopedLogger(overrides.logger ?? createLogger({ level: config.logLevel }));
  const clock = overrides.clock ?? (() => new Date());
  const metrics = createMetrics();
  const started = performance.now();
  const loaded = loadLibrary(config, clock);
  if (loaded.ok) metrics.contentLoaded(loaded.library.content.version, (performance.now() - started) / 1000);
  if (!loaded.ok) return { ok: false, errors: loaded.problems.map(formatProblem), what: 'content' };
  // Live reload swaps the whole library at once: a request sees the old content or the new, never a mix.
  let library = loaded.library;
  let contentErrors: string[] = [];
  const opened = tryOpenSqliteStore(join(config.dataDir, 'assistant.db'));
  if (!opened.ok) return { ok: false, errors: [opened.problem], what: 'database' };
  // Every storage call is timed for operators (store_operation_duration_seconds).
  const store = timedStore(opened.store, metrics);
  const backend =
    overrides.backend ??
    (config.actions.backend === 'http'
      ? createHttpBackend({ baseUrl: config.actions.baseUrl, token: config.actions.token, timeoutMs: config.actions.timeoutMs, logger })
      : createDemoBackend(store, clock));
  const actions = countedActions(createActionService({ backend, store, clock, logger }), metrics);
  const current = () => library;
  const reloadContent = () => {
    const began = performance.now();
    const next = loadLibrary(config, clock);
    if (!next.ok) {
      metrics.contentReloadFailed();
      contentErrors = next.problems.map(formatProblem);
      logger.warn(
        { contentErrors, contentVersion: library.content.version },
        `content change not loaded, version ${library.content.version} keeps serving:\n${contentErrors.join('\n')}`,
      );
      return { ok: false as const, errors: contentErrors };
    }
    library = next.library;
    metrics.contentLoaded(library.content.version, (performance.now() - began) / 1000);
    contentErrors = [];
    logger.info({ contentVersion: library.content.version }, 'content reloaded');
    return { ok: true as const };
  };
  const watcher = config.watchContent
    ? watchFolders([config.contentDir, config.localesDir], () => reloadContent(), {
        onError: (err, dir) => logger.warn({ err, dir }, 'cannot watch a content folder'),
      })
    : undefined;
  const retention = startRetention({ store, days: config.logRetentionDays, clock, logger });
  const searchLog = createSearchLog({ store, clock });
  const assistant = createAssistant({ library: current, store, actions, flows: FLOWS, clock, logger, onReply: (r) => metrics.chatReply(r.tenant, r.lang, r.kind) });
  const app = createApp({
    library: current,
    contentErrors: () => contentErrors,
    searchLog,
    defaultTenant: config.defaultTenant ?? [...library.content.tenants.keys()][0]!,
    clock,
    logger,
    store,
    actions,
    assistant,
    portalTokenSecret: config.portalTokenSecret,
    portalTokenMaxLifetime: config.portalTokenMaxLifetime,
    demo: config.actions.backend === 'demo',
    rateLimits: config.rateLimits,
    metrics: { registry: metrics, token: config.metricsToken },
    editor: {
      token: config.editorToken,
      contentDir: config.contentDir,
      localesDir: config.localesDir,
      flows: FLOWS,
      watching: config.watchContent,
      retentionDays: config.logRetentionDays,
    },
  });
  const close = () => {
    watcher?.close();
    retention.stop();
    searchLog.close();
    store.close();
  };
  return { ok: true, composed: { app, library: current, store, logger, reloadContent, close } };
}

/** The action service with each run counted by action and outcome (ok, or why not: a bounded set). */
function countedActions(actions: ActionService, metrics: Pick<Metrics, 'action'>): ActionService {
  return {
    ...actions,
    async run(req) {
      const outcome = await actions.run(req);
      metrics.action(req.action, outcome.ok ? 'ok' : outcome.reason);
      return outcome;
    },
  };
}
