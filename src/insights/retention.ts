/** Keeps question logs and feedback no longer than LOG_RETENTION_DAYS: purged at start-up and once a day. */
import type { Logger } from 'pino';
import type { Store } from '../store/types.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionOptions = {
  store: Store;
  /** Days to keep; older rows are deleted. */
  days: number;
  clock: () => Date;
  logger: Logger;
  /** Time between purges after the first one. */
  everyMs?: number;
};

export type Retention = { stop(): void };

/** Deletes what is older than `days` before `now`; returns how many rows went. */
export function purgeExpired(store: Store, days: number, now: Date): number {
  return store.purgeBefore(new Date(now.getTime() - days * DAY_MS).toISOString());
}

export function startRetention({ store, days, clock, logger, everyMs = DAY_MS }: RetentionOptions): Retention {
  const run = () => {
    try {
      const purged = purgeExpired(store, days, clock());
      if (purged > 0) logger.info({ purged, retentionDays: days }, 'old question logs and feedback deleted');
    } catch (err) {
      logger.error({ err }, 'could not delete old question logs and feedback');
    }
  };
  run();
  // unref: a pending purge never keeps the process alive on its own.
  const timer = setInterval(run, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
