import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSearchLog } from '../../src/insights/search-log.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { buildApp, type TestApp } from '../helpers/app.ts';

let app: TestApp;
beforeAll(() => {
  app = buildApp();
});
afterAll(() => app.dispose());

const chat = async (message: string, tenant = 'kpt') => {
  const res = await app.app.request('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant, lang: 'fr', message }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { reply: { kind: string } };
};

const since = '2000-01-01T00:00:00.000Z';
const logged = async (tenant: string) => await app.store.questions(tenant, since);

describe('question log: personal data is removed before storage', () => {
  it('stores an unanswered chat question without e-mail, phone, contract number or name', async () => {
    const message =
      "Je m'appelle Anna Muster, mon e-mail est anna.muster@example.ch et mon natel 079 123 45 67, contrat KPT12345678 : quel temps fera-t-il demain à Berne ?";
    const { reply } = await chat(message, 'atupri');
    // Out of scope, or people for the visitor who gave a phone number: no answer either way.
    expect(['clarify', 'escalate']).toContain(reply.kind);

    const rows = await logged('atupri');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ tenant: 'atupri', lang: 'fr', source: 'chat', entryId: null });
    expect(['out_of_scope', 'escalate']).toContain(row.outcome);
    expect(row.question).toBe("Je m'appelle [name], mon e-mail est [email] et mon natel [phone], contrat [contract] : quel temps fera-t-il demain à Berne ?");
    for (const secret of ['Anna', 'Muster', 'anna.muster', 'example.ch', '079', '123 45 67', 'KPT12345678', '12345678']) {
      expect(row.question).not.toContain(secret);
    }
  });

  it('keeps names written in lower case out too, and the rest of the question in', async () => {
    await chat("je m'appelle anna muster et je cherche une recette de fondue", 'atupri');
    expect((await logged('atupri')).at(-1)!.question).toBe("je m'appelle [name] et je cherche une recette de fondue");
  });

  it('stores /api/search questions that found nothing, redacted, with source "search"', async () => {
    const res = await app.app.request(`/api/search?${new URLSearchParams({ tenant: 'kpt', lang: 'fr', q: 'xylophone zébré anna.muster@gmx.net' })}`);
    expect(((await res.json()) as { results: unknown[] }).results).toEqual([]);
    expect((await logged('kpt')).at(-1)).toMatchObject({ question: 'xylophone zébré [email]', outcome: 'unanswered', source: 'search', lang: 'fr', topic: null });
  });

  it('does not store searches that found something', async () => {
    const before = (await logged('kpt')).length;
    const res = await app.app.request(`/api/search?${new URLSearchParams({ tenant: 'kpt', lang: 'fr', q: 'carte de code' })}`);
    expect(((await res.json()) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    expect(await logged('kpt')).toHaveLength(before);
  });

  it('stores a help page search that found nothing (plain form, no JavaScript)', async () => {
    const res = await app.app.request(`/kpt/de/search?q=${encodeURIComponent('Wetter in Bern 079 123 45 67')}`);
    expect(res.status).toBe(200);
    expect((await logged('kpt')).at(-1)).toMatchObject({ question: 'Wetter in Bern [phone]', outcome: 'unanswered', source: 'search', lang: 'de' });
  });
});

describe('search log: the help page searches while the visitor types', () => {
  const setup = () => {
    const store = openSqliteStore(':memory:');
    const log = createSearchLog({ store, clock: () => new Date('2025-03-01T10:00:00Z'), settleMs: 1000 });
    const typed = (query: string, found = 0) => log.searched({ tenant: 'kpt', lang: 'fr', query, found, typing: true });
    return { store, log, typed, rows: async () => (await store.questions('kpt', since)).map((q) => q.question) };
  };

  it('stores only the last query of a burst, once the visitor stops typing', async () => {
    vi.useFakeTimers();
    try {
      const { typed, rows, store } = setup();
      typed('xyl');
      typed('xylo');
      typed('xylophone');
      typed('xylophone zébré');
      expect(await rows()).toEqual([]);
      vi.advanceTimersByTime(1000);
      expect(await rows()).toEqual(['xylophone zébré']);
      store.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops a miss when typing on finds something, and ignores half-words', async () => {
    vi.useFakeTimers();
    try {
      const { typed, rows, store } = setup();
      typed('ca');
      typed('carte de cox');
      typed('carte de code', 3);
      vi.advanceTimersByTime(5000);
      expect(await rows()).toEqual([]);
      store.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('stores the kept-back query of another burst right away, and the rest on close', async () => {
    vi.useFakeTimers();
    try {
      const { typed, rows, log, store } = setup();
      typed('fondue moitié');
      typed('météo demain');
      expect(await rows()).toEqual(['fondue moitié']);
      log.close();
      expect(await rows()).toEqual(['fondue moitié', 'météo demain']);
      store.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('search log: visitors typing at the same time', () => {
  it("keeps one visitor's unanswered live search when another tab types a letter of it", async () => {
    const own = buildApp();
    try {
      const live = (q: string, tab: string) =>
        own.app.request(`/kpt/fr/search?q=${encodeURIComponent(q)}`, { headers: { 'hx-request': 'true', 'x-search-tab': tab } });
      expect((await live('zzqxw vrillon', 'first-tab-0001')).status).toBe(200);
      // Another visitor's first letter: the same letters start both, but it is not the same burst.
      expect((await live('z', 'second-tab-0002')).status).toBe(200);
      // Stopping the service writes what was kept back.
      await own.close();
      const store = openSqliteStore(`${own.dataDir}/assistant.db`);
      expect((await store.questions('kpt', since)).map((q) => q.question)).toEqual(['zzqxw vrillon']);
      store.close();
    } finally {
      await own.dispose().catch(() => {});
    }
  });
});
