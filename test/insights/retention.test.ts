import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compose } from '../../src/compose.ts';
import { parseConfig } from '../../src/config.ts';
import { DAY_MS, purgeExpired, startRetention, type RetentionPolicy } from '../../src/insights/retention.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';
import { ROOT } from '../helpers/app.ts';

const silent = pino({ level: 'silent' });
const NOW = new Date('2025-06-30T12:00:00.000Z');
const daysAgo = (n: number, from = NOW) => new Date(from.getTime() - n * DAY_MS).toISOString();
const policy = (days: number, contactDays = 365): RetentionPolicy => ({ logDays: days, conversationDays: days, contactDays });

async function seed(store: Store, ages: number[], from = NOW) {
  for (const age of ages) {
    await store.logQuestion({ tenant: 'kpt', lang: 'fr', question: `asked ${age} days ago`, outcome: 'unanswered', entryId: null, topic: null, source: 'chat', at: daysAgo(age, from) });
    await store.addFeedback({ tenant: 'kpt', lang: 'fr', entryId: 'login-code-card', helpful: false, reason: null, source: 'page', at: daysAgo(age, from) });
  }
}
const left = async (store: Store) => ({
  questions: (await store.questions('kpt', '1970-01-01T00:00:00.000Z')).map((q) => q.question),
  feedback: (await store.feedback('kpt', '1970-01-01T00:00:00.000Z')).length,
});

/** A conversation whose last turn was `age` days ago, with its two messages. */
async function conversation(store: Store, id: string, age: number) {
  const at = daysAgo(age);
  await store.saveConversation({ id, tenant: 'kpt', lang: 'fr', state: { flow: null } as never, createdAt: at, updatedAt: at });
  await store.appendMessages(id, [
    { role: 'visitor', text: `Bonjour, je suis ${id}`, at },
    { role: 'assistant', text: 'Bonjour !', kind: 'smalltalk', at },
  ]);
}

async function contact(store: Store, reference: string, age: number) {
  await store.saveContactRequest({
    reference, tenant: 'kpt', lang: 'fr', conversationId: null, name: 'Marie Exemple', email: 'marie@example.ch', customerNumber: null,
    topic: 'other', message: 'Rappelez-moi', transcript: [], createdAt: daysAgo(age),
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('retention of personal data', () => {
  it('deletes question logs and feedback older than the retention period and keeps the rest', async () => {
    const store = openSqliteStore(':memory:');
    await seed(store, [200, 91, 89, 1]);
    expect(await purgeExpired(store, policy(90), NOW)).toMatchObject({ questions: 2, feedback: 2 });
    expect(await left(store)).toEqual({ questions: ['asked 89 days ago', 'asked 1 days ago'], feedback: 2 });
    await store.close();
  });

  it('deletes conversations with their messages after their last turn, and contact requests after their own, longer period', async () => {
    const store = openSqliteStore(':memory:');
    await conversation(store, 'old', 31);
    await conversation(store, 'recent', 29);
    await contact(store, 'K-OLD', 400);
    await contact(store, 'K-KEPT', 31);
    const counts = await purgeExpired(store, { logDays: 90, conversationDays: 30, contactDays: 365 }, NOW);
    expect(counts).toMatchObject({ conversations: 3, contacts: 1 });
    expect(await store.getConversation('old')).toBeUndefined();
    expect(await store.transcript('old')).toEqual([]);
    expect(await store.getConversation('recent')).toBeDefined();
    expect((await store.transcript('recent')).map((m) => m.text)).toEqual(['Bonjour, je suis recent', 'Bonjour !']);
    expect(await store.getContactRequest('K-OLD')).toBeUndefined();
    expect(await store.getContactRequest('K-KEPT')).toBeDefined();
    await store.close();
  });

  it('deletes in batches, pausing between them, until nothing old is left', async () => {
    const store = openSqliteStore(':memory:');
    for (let i = 0; i < 25; i++) await conversation(store, `c${i}`, 100);
    await conversation(store, 'kept', 1);
    let pauses = 0;
    const counts = await purgeExpired(store, policy(30), NOW, { batch: 4, pause: async () => void pauses++ });
    // 25 conversations of two messages each: 75 rows, in batches of four conversations.
    expect(counts.conversations).toBe(75);
    expect(pauses).toBeGreaterThanOrEqual(6);
    expect(await store.getConversation('kept')).toBeDefined();
    await store.close();
  });

  it('purges at start and then once a day, with the clock it is given, until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const store = openSqliteStore(':memory:');
    let now = NOW;
    await seed(store, [40, 20, 5]);
    const retention = startRetention({ store, policy: policy(30), clock: () => now, logger: silent });
    await retention.latest();
    expect((await left(store)).questions).toEqual(['asked 20 days ago', 'asked 5 days ago']);

    // Eleven days later the 20-day-old row is 31 days old: the next daily run takes it.
    now = new Date(NOW.getTime() + 11 * DAY_MS);
    vi.advanceTimersByTime(DAY_MS);
    await retention.latest();
    expect((await left(store)).questions).toEqual(['asked 5 days ago']);

    await retention.stop();
    now = new Date(NOW.getTime() + 60 * DAY_MS);
    vi.advanceTimersByTime(3 * DAY_MS);
    await retention.latest();
    expect((await left(store)).questions).toEqual(['asked 5 days ago']);
    await store.close();
  });

  it('does not purge again within the period when another instance just did', async () => {
    const store = openSqliteStore(':memory:');
    const first = startRetention({ store, policy: policy(30), clock: () => NOW, logger: silent });
    await first.latest();
    await first.stop();
    await seed(store, [40]);
    // A second instance starting an hour later finds the purge done for today.
    const second = startRetention({ store, policy: policy(30), clock: () => new Date(NOW.getTime() + 3_600_000), logger: silent });
    expect(await second.latest()).toBeUndefined();
    expect((await left(store)).questions).toEqual(['asked 40 days ago']);
    await second.stop();
    await store.close();
  });

  it('is applied by the server at start-up with LOG_RETENTION_DAYS, and its timer ends with close()', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'retention-'));
    try {
      const before = openSqliteStore(join(dataDir, 'assistant.db'));
      await seed(before, [400, 31, 29, 0]);
      await before.close();

      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const timers = vi.getTimerCount();
      const parsed = parseConfig({ DATA_DIR: dataDir, CONTENT_DIR: join(ROOT, 'content'), LOCALES_DIR: join(ROOT, 'locales'), WATCH_CONTENT: 'false', LOG_RETENTION_DAYS: '30' });
      if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
      const result = compose(parsed.config, { clock: () => NOW, logger: silent });
      if (!result.ok) throw new Error(result.errors.join('\n'));
      await result.composed.retention.latest();
      expect(await left(result.composed.store)).toEqual({ questions: ['asked 29 days ago', 'asked 0 days ago'], feedback: 2 });
      expect(vi.getTimerCount()).toBeGreaterThan(timers);
      await result.composed.close();
      expect(vi.getTimerCount()).toBe(timers);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
