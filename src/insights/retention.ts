/**
 * Keeps personal data no longer than its retention: question logs, feedback and suggested phrasings
 * (LOG_RETENTION_DAYS), conversations with their messages, recorded actions and the demo outbox
 * (CONVERSATION_RETENTION_DAYS), contact requests (CONTACT_RETENTION_DAYS, longer: support works on them).
 * Deleted in small batches with a pause between them, so serving never waits long on the database; run
 * at start-up and then daily, by one instance at a time (the store's named lock) and not again by another
 * instance within the same period (the time of the last purge is kept in the database).
 */
import type { Logger } from 'pino';
import type { PurgeKind, Store } from '../store/types.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionPolicy = {
  /** Days to keep question logs, feedback and suggested phrasings. */
  logDays: number;
  /** Days to keep conversations and their messages, recorded actions and the demo outbox after their last change. */
  conversationDays: number;
  /** Days to keep contact requests. */
  contactDays: number;
};

/** Rows deleted per statement: small enough that a chat turn waiting behind one hardly notices. */
export const PURGE_BATCH = 500;
/** Rate-limit buckets untouched this long are full again: forgetting them changes nothing. */
const BUCKET_IDLE_MS = DAY_MS;
const LAST_PURGE_KEY = 'retention:last-purge';

export type PurgeCounts = Partial<Record<PurgeKind, number>>;

export type PurgeOptions = {
  batch?: number;
  /** Awaited between batches; by default yields to the event loop so requests go first. */
  pause?: () => Promise<void>;
  /** Checked between batches: true stops the purge where it is (shutdown). */
  stopped?: () => boolean;
};

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Deletes everything older than its retention before `now`, batch by batch; returns the rows deleted per kind. */
export async function purgeExpired(store: Store, policy: RetentionPolicy, now: Date, options: PurgeOptions = {}): Promise<PurgeCounts> {
  const { batch = PURGE_BATCH, pause = yieldToRequests, stopped = () => false } = options;
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const cutoffs: [PurgeKind, string][] = [
    ['questions', ago(policy.logDays)],
    ['feedback', ago(policy.logDays)],
    ['suggestions', ago(policy.logDays)],
    ['conversations', ago(policy.conversationDays)],
    ['actions', ago(policy.conversationDays)],
    ['outbox', ago(policy.conversationDays)],
    ['contacts', ago(policy.contactDays)],
    ['rateBuckets', new Date(now.getTime() - BUCKET_IDLE_MS).toISOString()],
  ];
  const counts: PurgeCounts = {};
  for (const [kind, before] of cutoffs) {
    for (;;) {
      if (stopped()) return counts;
      const n = await store.purgeBatch(kind, before, batch);
      if (n > 0) counts[kind] = (counts[kind] ?? 0) + n;
      if (n < batch) break;
      await pause();
    }
  }
  return counts;
}

export type RetentionOptions = {
  store: Store;
  policy: RetentionPolicy;
  clock: () => Date;
  logger: Logger;
  /** Time between purges after the first one. */
  everyMs?: number;
  batch?: number;
};

export type Retention = {
  /** The latest run: its counts, or undefined when another instance purged (or is purging). */
  latest(): Promise<PurgeCounts | undefined>;
  /** Stops the timer and waits for a purge under way to stop at its next batch. */
  stop(): Promise<void>;
};

export function startRetention({ store, policy, clock, logger, everyMs = DAY_MS, batch }: RetentionOptions): Retention {
  let stopped = false;
  const run = async (): Promise<PurgeCounts | undefined> => {
    try {
      await store.ready();
    } catch {
      // A database that cannot be prepared is reported by the start-up (and /readyz), not once more here.
      return undefined;
    }
    try {
      const outcome = await store.exclusively('retention', async () => {
        const now = clock();
        const last = await store.getJson<string>(LAST_PURGE_KEY);
        // Another instance purged within this period: once is enough.
        if (last && now.getTime() - Date.parse(last) < everyMs * 0.9) return undefined;
        const counts = await purgeExpired(store, policy, now, { ...(batch ? { batch } : {}), stopped: () => stopped });
        if (!stopped) await store.setJson(LAST_PURGE_KEY, now.toISOString());
        return counts;
      });
      const counts = outcome.ran ? outcome.value : undefined;
      if (counts && Object.keys(counts).length) logger.info({ purged: counts, retention: policy }, 'personal data past its retention deleted');
      return counts;
    } catch (err) {
      logger.error({ err }, 'could not delete data past its retention');
      return undefined;
    }
  };
  let current = run();
  // unref: a pending purge never keeps the process alive on its own.
  const timer = setInterval(() => {
    current = current.then(run);
  }, everyMs);
  timer.unref();
  return {
    latest: () => current,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
