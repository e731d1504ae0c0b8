/**
 * What operators measure, in the Prometheus text format (prom-client): requests by route pattern and
 * status with durations, chat replies by tenant, language and kind, actions by name and outcome, the
 * content version and reload failures, store latency, and Node's own figures (event-loop delay, memory,
 * GC). Labels hold only bounded, non-personal values: route patterns (never paths or query strings),
 * tenant ids, languages, kinds, action names and outcome codes.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What a chat reply was, for operators: an answer, a flow, people, a clarifying question, out of scope, small talk. */
export type ReplyKind = 'answer' | 'flow' | 'people' | 'clarify' | 'out_of_scope' | 'smalltalk';

export type Metrics = {
  request(method: string, route: string, status: number, seconds: number): void;
  chatReply(tenant: string, lang: string, kind: ReplyKind): void;
  action(action: string, outcome: string): void;
  /** The content now serving, after a start or a reload. */
  contentLoaded(version: string, seconds: number): void;
  contentReloadFailed(): void;
  store(operation: string, seconds: number, ok: boolean): void;
  /** The exposition, and its content type. */
  render(): Promise<{ body: string; contentType: string }>;
};

/** Request durations: from a cached search (milliseconds) to an action waiting on its backend (seconds). */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** SQLite calls take microseconds; a slow disk shows in the upper buckets. */
const STORE_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1];

export function createMetrics(options: { defaults?: boolean } = {}): Metrics {
  // One registry per application: tests build many, and each counts its own.
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests by method, route pattern and status.', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request durations by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });
  const replies = new Counter({ name: 'chat_replies_total', help: 'Chat replies by tenant, language and kind (answer, flow, people, clarify, out_of_scope, smalltalk).', labelNames: ['tenant', 'lang', 'kind'], registers: [registry] });
  const actions = new Counter({ name: 'actions_total', help: 'Account actions by name and outcome (ok, or the refusal or failure code).', labelNames: ['action', 'outcome'], registers: [registry] });
  const contentInfo = new Gauge({ name: 'content_info', help: 'The content version serving (1 for the version serving).', labelNames: ['version'], registers: [registry] });
  const contentLoadedAt = new Gauge({ name: 'content_loaded_timestamp_seconds', help: 'When the content serving was loaded (Unix time).', registers: [registry] });
  const contentLoadSeconds = new Gauge({ name: 'content_load_duration_seconds', help: 'How long the last successful content load took.', registers: [registry] });
  const reloads = new Counter({ name: 'content_reloads_total', help: 'Content loads that took (start-up and reloads).', registers: [registry] });
  const reloadFailures = new Counter({ name: 'content_reload_failures_total', help: 'Content reloads refused for problems in the files (the last good version keeps serving).', registers: [registry] });
  const store = new Histogram({
    name: 'store_operation_duration_seconds',
    help: 'Storage calls by operation and result (ok or error).',
    labelNames: ['operation', 'result'],
    buckets: STORE_BUCKETS,
    registers: [registry],
  });

  return {
    request(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },
    chatReply(tenant, lang, kind) {
      replies.inc({ tenant, lang, kind });
    },
    action(action, outcome) {
      actions.inc({ action, outcome });
    },
    contentLoaded(version, seconds) {
      contentInfo.reset();
      contentInfo.set({ version }, 1);
      contentLoadedAt.set(Date.now() / 1000);
      contentLoadSeconds.set(seconds);
      reloads.inc();
    },
    contentReloadFailed() {
      reloadFailures.inc();
    },
    store(operation, seconds, ok) {
      store.observe({ operation, result: ok ? 'ok' : 'error' }, seconds);
    },
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}

/**
 * The store with each call timed. Works for any store implementation: a method's duration is measured
 * to its return, or to its settling when it returns a promise.
 */
export function timedStore<S extends object>(store: S, metrics: Pick<Metrics, 'store'>): S {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        fn = function (this: unknown, ...args: unknown[]) {
          const start = performance.now();
          const done = (ok: boolean) => metrics.store(prop, (performance.now() - start) / 1000, ok);
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (err) {
            done(false);
            throw err;
          }
          if (result instanceof Promise) {
            return result.then(
              (v) => (done(true), v),
              (err) => {
                done(false);
                throw err;
              },
            );
          }
          done(true);
          return result;
        };
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
