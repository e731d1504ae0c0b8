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
import { startRetention, type Retention } from './insights/retention.ts';
import { warmUpRedaction } from './insights/redact.ts';
import { createSearchLog } from './insights/search-log.ts';
import { createLibraryBuilder, type LibraryBuilder } from './library-build/builder.ts';
import { loadLibrary, type Library } from './library.ts';
import { scopedLogger } from './log-scope.ts';
import { createLogger } from './logging.ts';
import { createMetrics, timedStore, type Metrics } from './metrics.ts';
import { openStore } from './store/open.ts';
import type { Store } from './store/types.ts';

export type Composed = {
  app: ReturnType<typeof createApp>;
  library: () => Library;
  store: Store;
  logger: Logger;
  /**
   * Reads content/ and locales/ again and swaps them in once built (on worker threads: serving goes on
   * meanwhile); on problems the last good content stays. Calls during a reload are served by one more
   * reload after it.
   */
  reloadContent(): Promise<{ ok: true } | { ok: false; errors: string[] }>;
  /** The retention purge (personal data past its retention), for operators' scripts and tests. */
  retention: Retention;
  /** Resolves once the database schema is up to date (PostgreSQL migrates at start); rejects with a one-line problem. */
  ready(): Promise<void>;
  /** Stops timers, watchers and workers, writes what is kept back and closes the database. */
  close(): Promise<void>;
};

/** `what` says which part could not start: the editor content, or the database file (one line). */
export type ComposeResult = { ok: true; composed: Composed } | { ok: false; errors: string[]; what?: 'content' | 'database' };

export type Overrides = { clock?: () => Date; logger?: Logger; backend?: ActionBackend; /** Library worker threads (the cores when omitted). */ workers?: number };

/**
 * The application with its content loaded on this thread: for tests and tools that start one app and
 * never wait for a worker. Reloads are built on worker threads all the same.
 */
export function compose(config: Config, overrides: Overrides = {}): ComposeResult {
  const logger = loggerOf(config, overrides);
  const metrics = createMetrics();
  const started = performance.now();
  const loaded = loadLibrary(config, overrides.clock ?? (() => new Date()));
  if (!loaded.ok) return { ok: false, errors: loaded.problems.map(formatProblem), what: 'content' };
  metrics.contentLoaded(loaded.library.content.version, (performance.now() - started) / 1000);
  // The builder knows what is built, so the first reload rebuilds only what changed. A watching app starts
  // its workers now; another only at its first reload (most never reload).
  const makeBuilder = () => {
    const builder = createLibraryBuilder(config, { now: overrides.clock, workers: overrides.workers });
    builder.seed(loaded.library, loaded.fingerprints);
    return builder;
  };
  const opened = openStoreFor(config, logger);
  if (!opened.ok) return { ok: false, errors: [opened.problem], what: 'database' };
  if (!config.watchContent) return wire(config, overrides, logger, metrics, opened.store, loaded.library, makeBuilder);
  const builder = makeBuilder();
  builder.start();
  return wire(config, overrides, logger, metrics, opened.store, loaded.library, builder);
}

/**
 * The application for the server: the content is built on worker threads, the tenants shared among
 * the cores, and later reloads rebuild only the tenants whose files changed.
 */
export async function composeServer(config: Config, overrides: Overrides = {}): Promise<ComposeResult> {
  const logger = loggerOf(config, overrides);
  const metrics = createMetrics();
  // The database first: a wrong file is said at once, not after the content is built.
  const opened = openStoreFor(config, logger);
  if (!opened.ok) return { ok: false, errors: [opened.problem], what: 'database' };
  const started = performance.now();
  // What the workers learned is kept under DATA_DIR: a restart with the same content reads it back.
  const builder = createLibraryBuilder(config, { now: overrides.clock, workers: overrides.workers, cacheDir: join(config.dataDir, 'library-cache') });
  builder.start();
  // While the workers load their code: the patterns that redact logged questions are compiled now, not
  // in a visitor's request.
  warmUpRedaction();
  let built;
  try {
    built = await builder.build();
  } catch (err) {
    builder.close();
    await opened.store.close();
    throw err;
  }
  if (!built.ok) {
    builder.close();
    await opened.store.close();
    return { ok: false, errors: built.problems.map(formatProblem), what: 'content' };
  }
  metrics.contentLoaded(built.library.content.version, (performance.now() - started) / 1000);
  return wire(config, overrides, logger, metrics, opened.store, built.library, builder);
}

// Lines written while a request runs go through its child logger, with its request id.
const loggerOf = (config: Config, overrides: Overrides) => scopedLogger(overrides.logger ?? createLogger({ level: config.logLevel }));

const openStoreFor = (config: Config, logger: Logger) =>
  openStore(config, { onIdleError: (err) => logger.warn({ err }, 'a database connection was lost; it is opened again when needed') });

function wire(config: Config, overrides: Overrides, logger: Logger, metrics: Metrics, opened: Store, initial: Library, built: LibraryBuilder | (() => LibraryBuilder)): ComposeResult {
  const clock = overrides.clock ?? (() => new Date());
  // Live reload swaps the whole library at once: a request sees the old content or the new, never a mix.
  let library = initial;
  let contentErrors: string[] = [];
  // Every storage call is timed for operators (store_operation_duration_seconds).
  const store = timedStore(opened, metrics);
  const backend =
    overrides.backend ??
    (config.actions.backend === 'http'
      ? createHttpBackend({ baseUrl: config.actions.baseUrl, token: config.actions.token, timeoutMs: config.actions.timeoutMs, logger })
      : createDemoBackend(store, clock));
  // The per-account limit counts in the database: every instance, the API and the chat's flows share it.
  const perAccountPerHour = config.rateLimits.perAccountPerHour;
  const takeAccountToken = (key: string) => store.takeToken(key, perAccountPerHour, 3_600_000, clock().getTime());
  const { contactPerAddressPerHour, contactPerConversationPerHour } = config.rateLimits;
  const takeContactToken = (key: string, scope: 'address' | 'conversation') =>
    store.takeToken(key, scope === 'address' ? contactPerAddressPerHour : contactPerConversationPerHour, 3_600_000, clock().getTime());
  const actions = countedActions(createActionService({ backend, store, clock, logger, takeAccountToken, takeContactToken }), metrics);
  const current = () => library;
  let builder = typeof built === 'function' ? undefined : built;
  const reloadOnce = async () => {
    builder ??= (built as () => LibraryBuilder)();
    const began = performance.now();
    let next;
    try {
      next = await builder.build();
    } catch (err) {
      if (closed) return { ok: false as const, errors: ['the application is closing'] };
      // A bug (a worker that died), not the editors' files: the content serving stays, the next change tries again.
      metrics.contentReloadFailed();
      logger.error({ err, contentVersion: library.content.version }, 'content reload failed');
      return { ok: false as const, errors: ['the content could not be rebuilt (see the log)'] };
    }
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
    const seconds = (performance.now() - began) / 1000;
    metrics.contentLoaded(library.content.version, seconds);
    contentErrors = [];
    logger.info({ contentVersion: library.content.version, rebuilt: next.rebuilt, durationMs: Math.round(seconds * 1000) }, 'content reloaded');
    return { ok: true as const };
  };
  // One reload at a time; changes that come during one are picked up by a single reload after it.
  let running: Promise<Awaited<ReturnType<typeof reloadOnce>>> | undefined;
  let queued: typeof running;
  const reloadContent = (): NonNullable<typeof running> => {
    if (!running) {
      running = reloadOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running.then(() => {
      queued = undefined;
      return reloadContent();
    });
    return queued;
  };
  const watcher = config.watchContent
    ? watchFolders([config.contentDir, config.localesDir], () => void reloadContent(), {
        onError: (err, dir) => logger.warn({ err, dir }, 'cannot watch a content folder'),
      })
    : undefined;
  const retention = startRetention({ store, policy: config.retention, clock, logger });
  const searchLog = createSearchLog({ store, clock, onError: (err) => logger.error({ err }, 'could not log a search') });
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
    demo: config.demoPages,
    // In production an absolute link is built from PUBLIC_URL only, never from a request's Host header.
    publicOrigin: config.publicUrl ?? (config.production ? null : undefined),
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
  let closed = false;
  const close = async () => {
    closed = true;
    watcher?.close();
    builder?.close();
    await retention.stop();
    await searchLog.close();
    await store.close();
  };
  return { ok: true, composed: { app, library: current, store, logger, retention, ready: () => store.ready(), reloadContent, close } };
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
