import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compose } from '../../src/compose.ts';
import { parseConfig } from '../../src/config.ts';
import { DAY_MS, purgeExpired, startRetention } from '../../src/insights/retention.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import { ROOT } from '../helpers/app.ts';

const silent = pino({ level: 'silent' });
const NOW = new Date('2025-06-30T12:00:00.000Z');
const daysAgo = (n: number, from = NOW) => new Date(from.getTime() - n * DAY_MS).toISOString();

function seed(store: Store, ages: number[], from = NOW) {
  for (const age of ages) {
    store.logQuestion({ tenant: 'kpt', lang: 'fr', question: `asked ${age} days ago`, outcome: 'unanswered', entryId: null, topic: null, source: 'chat', at: daysAgo(age, from) });
    store.addFeedback({ tenant: 'kpt', lang: 'fr', entryId: 'login-code-card', helpful: false, reason: null, source: 'page', at: daysAgo(age, from) });
  }
}
const left = (store: Store) => ({
  questions: store.questions('kpt', '1970-01-01T00:00:00.000Z').map((q) => q.question),
  feedback: store.feedback('kpt', '1970-01-01T00:00:00.000Z').length,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('retention of question logs and feedback', () => {
  it('deletes rows older than the retention period and keeps the rest', () => {
    const store = openSqliteStore(':memory:');
    seed(store, [200, 91, 89, 1]);
    expect(purgeExpired(store, 90, NOW)).toBe(4);
    expect(left(store)).toEqual({ questions: ['asked 89 days ago', 'asked 1 days ago'], feedback: 2 });
    store.close();
  });

  it('purges at start and then once a day, with the clock it is given, until stopped', () => {
    vi.useFakeTimers();
    const store = openSqliteStore(':memory:');
    let now = NOW;
    seed(store, [40, 20, 5]);
    const retention = startRetention({ store, days: 30, clock: () => now, logger: silent });
    expect(left(store).questions).toEqual(['asked 20 days ago', 'asked 5 days ago']);

    // Eleven days later the 20-day-old row is 31 days old: the next daily run takes it.
    now = new Date(NOW.getTime() + 11 * DAY_MS);
    vi.advanceTimersByTime(DAY_MS);
    expect(left(store).questions).toEqual(['asked 5 days ago']);

    retention.stop();
    now = new Date(NOW.getTime() + 60 * DAY_MS);
    vi.advanceTimersByTime(3 * DAY_MS);
    expect(left(store).questions).toEqual(['asked 5 days ago']);
    store.close();
  });

  it('is applied by the server at start-up with LOG_RETENTION_DAYS, and its timer ends with close()', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'retention-'));
    try {
      const before = openSqliteStore(join(dataDir, 'assistant.db'));
      seed(before, [400, 31, 29, 0]);
      before.close();

      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const timers = vi.getTimerCount();
      const parsed = parseConfig({ DATA_DIR: dataDir, CONTENT_DIR: join(ROOT, 'content'), LOCALES_DIR: join(ROOT, 'locales'), WATCH_CONTENT: 'false', LOG_RETENTION_DAYS: '30' });
      if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
      const result = compose(parsed.config, { clock: () => NOW, logger: silent });
      if (!result.ok) throw new Error(result.errors.join('\n'));
      expect(left(result.composed.store)).toEqual({ questions: ['asked 29 days ago', 'asked 0 days ago'], feedback: 2 });
      expect(vi.getTimerCount()).toBeGreaterThan(timers);
      result.composed.close();
      expect(vi.getTimerCount()).toBe(timers);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
