/**
 * The store's contract, run against both engines: SQLite (always) and PostgreSQL (with DATABASE_URL; see
 * test/helpers/postgres.ts). Whatever the chat, the actions and retention rely on is checked here once.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePostgres } from '../../src/store/migrate.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { StoreUnavailableError, type ActionClaim, type Store } from '../../src/store/types.ts';
import { freshDatabase, withoutPostgres } from '../helpers/postgres.ts';

const T0 = Date.parse('2026-11-21T09:00:00.000Z');
const iso = (offsetMs = 0) => new Date(T0 + offsetMs).toISOString();
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

type Engine = { name: 'sqlite' | 'postgres'; open(): Promise<{ store: Store; done(): Promise<void> }> };

const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    open: async () => {
      const store = openSqliteStore(':memory:');
      return { store, done: () => store.close() };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const db = await freshDatabase();
      const store = openPostgresStore({ url: db.url, poolMax: 4 });
      await store.ready();
      return { store, done: async () => (await store.close(), await db.drop()) };
    },
  },
];

for (const engine of ENGINES) {
  describe(`the store on ${engine.name}`, () => {
    if (engine.name === 'postgres' && withoutPostgres()) return;
    let store: Store;
    let done: () => Promise<void>;
    beforeAll(async () => {
      ({ store, done } = await engine.open());
    });
    afterAll(async () => done());

    it('names its engine and is ready and writable', async () => {
      expect(store.engine).toBe(engine.name);
      await store.ready();
      expect(await store.probe()).toEqual({ ok: true });
    });

    it('keeps a conversation, updates it, and returns its messages in order, the newest within a limit', async () => {
      const id = unique('conv');
      expect(await store.getConversation(id)).toBeUndefined();
      await store.saveConversation({ id, tenant: 'kpt', lang: 'fr', state: { flow: null, runs: 0 } as never, createdAt: iso(), updatedAt: iso() });
      await store.saveConversation({ id, tenant: 'kpt', lang: 'de', state: { flow: { id: 'login', step: 'card' }, runs: 1 } as never, createdAt: iso(5), updatedAt: iso(1000) });
      const c = await store.getConversation(id);
      expect(c).toEqual({ id, tenant: 'kpt', lang: 'de', state: { flow: { id: 'login', step: 'card' }, runs: 1 }, createdAt: iso(), updatedAt: iso(1000) });
      await store.appendMessages(id, [
        { role: 'visitor', text: 'un', at: iso(1) },
        { role: 'assistant', text: 'deux', kind: 'answer', at: iso(1) },
      ]);
      await store.appendMessages(id, [{ role: 'visitor', text: 'trois', at: iso(2) }]);
      expect((await store.transcript(id)).map((m) => m.text)).toEqual(['un', 'deux', 'trois']);
      expect((await store.transcript(id, 2)).map((m) => m.text)).toEqual(['deux', 'trois']);
      expect((await store.transcript(id))[1]).toMatchObject({ role: 'assistant', kind: 'answer', at: iso(1) });
    });

    it('keeps a chat turn at once: the conversation, its messages in order and the question', async () => {
      const id = unique('turn');
      const tenant = unique('tenant');
      const conversation = { id, tenant, lang: 'it' as const, state: { flow: null } as never, createdAt: iso(), updatedAt: iso() };
      const question = { tenant, lang: 'it' as const, question: 'password dimenticata', outcome: 'flow' as const, entryId: null, topic: 'login', source: 'chat' as const, at: iso() };
      await store.saveTurn({ conversation, messages: [{ role: 'visitor', text: 'a', at: iso() }, { role: 'assistant', text: 'b', kind: 'flow', at: iso() }], question });
      await store.saveTurn({ conversation: { ...conversation, updatedAt: iso(9) }, messages: [{ role: 'visitor', text: 'c', at: iso(9) }] });
      expect((await store.getConversation(id))?.updatedAt).toBe(iso(9));
      expect((await store.transcript(id)).map((m) => m.text)).toEqual(['a', 'b', 'c']);
      expect(await store.questions(tenant, iso(-1))).toEqual([question]);
    });

    it('keeps contact requests with their transcript, newest first per tenant', async () => {
      const tenant = unique('tenant');
      const base = { tenant, lang: 'fr' as const, conversationId: null, name: 'Marie', email: 'marie@example.ch', customerNumber: null, topic: 'other', message: 'Rappel', transcript: [{ role: 'visitor' as const, text: 'aide', at: iso() }] };
      await store.saveContactRequest({ ...base, reference: `${tenant}-1`, createdAt: iso(1) });
      await store.saveContactRequest({ ...base, reference: `${tenant}-2`, createdAt: iso(2), customerNumber: '756.1' });
      expect(await store.getContactRequest(`${tenant}-1`)).toEqual({ ...base, reference: `${tenant}-1`, createdAt: iso(1) });
      expect((await store.listContactRequests(tenant)).map((r) => r.reference)).toEqual([`${tenant}-2`, `${tenant}-1`]);
      await expect(store.saveContactRequest({ ...base, reference: `${tenant}-1`, createdAt: iso(3) })).rejects.toThrow();
    });

    it('records an action once per key', async () => {
      const tenant = unique('tenant');
      const a = { tenant, action: 'resend-code', idempotencyKey: 'k1', subject: null, paramsHash: 'h', result: { ok: true, reference: 'R1' }, createdAt: iso() };
      expect(await store.recordAction(a)).toBe(true);
      expect(await store.recordAction({ ...a, result: { ok: true, reference: 'R2' } })).toBe(false);
      expect(await store.findAction(tenant, 'k1')).toEqual(a);
      expect(await store.listActions(tenant)).toEqual([a]);
    });

    describe('claims of idempotency keys', () => {
      const claim = (tenant: string, over: Partial<ActionClaim> = {}): ActionClaim => ({
        tenant, idempotencyKey: 'key-1', action: 'deductible-change', subject: 'sub', paramsHash: 'h1', at: iso(), staleBefore: iso(-60_000), ...over,
      });

      it('lets one caller claim a key; others see it running, then its recorded result', async () => {
        const tenant = unique('tenant');
        expect(await store.claimAction(claim(tenant))).toEqual({ status: 'claimed' });
        expect(await store.claimAction(claim(tenant, { at: iso(10) }))).toEqual({ status: 'running', action: 'deductible-change', paramsHash: 'h1' });
        // A running claim is no recorded action.
        expect(await store.findAction(tenant, 'key-1')).toBeUndefined();
        expect(await store.listActions(tenant)).toEqual([]);
        const record = { tenant, idempotencyKey: 'key-1', action: 'deductible-change', subject: 'sub', paramsHash: 'h1', result: { ok: true, reference: 'D-1' }, createdAt: iso(20) };
        expect(await store.completeAction({ ...record, claimedAt: iso() })).toBe(true);
        expect(await store.claimAction(claim(tenant, { at: iso(30) }))).toEqual({ status: 'done', record });
        expect(await store.findAction(tenant, 'key-1')).toEqual(record);
      });

      it('frees a released key for the next caller', async () => {
        const tenant = unique('tenant');
        expect(await store.claimAction(claim(tenant))).toEqual({ status: 'claimed' });
        await store.releaseAction(tenant, 'key-1', iso());
        expect(await store.claimAction(claim(tenant, { at: iso(5) }))).toEqual({ status: 'claimed' });
      });

      it('hands an abandoned claim to the next caller, and the first can no longer complete it', async () => {
        const tenant = unique('tenant');
        expect(await store.claimAction(claim(tenant))).toEqual({ status: 'claimed' });
        // Two minutes later the first claim is older than the lease.
        expect(await store.claimAction(claim(tenant, { at: iso(120_000), staleBefore: iso(60_000) }))).toEqual({ status: 'claimed' });
        const record = { tenant, idempotencyKey: 'key-1', action: 'deductible-change', subject: 'sub', paramsHash: 'h1', result: { ok: true }, createdAt: iso(130_000) };
        expect(await store.completeAction({ ...record, claimedAt: iso() })).toBe(false);
        expect(await store.completeAction({ ...record, claimedAt: iso(120_000) })).toBe(true);
        // A late release by the first caller takes nothing away.
        await store.releaseAction(tenant, 'key-1', iso());
        expect(await store.findAction(tenant, 'key-1')).toEqual(record);
      });

      it('gives a key to exactly one of many callers claiming at once', async () => {
        const tenant = unique('tenant');
        const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => store.claimAction(claim(tenant, { at: iso(i) }))));
        expect(outcomes.filter((o) => o.status === 'claimed')).toHaveLength(1);
      });
    });

    it('counts a rate limit shared by every caller: capacity at once, then refused with a wait, refilled over the window', async () => {
      const key = unique('account');
      const take = (ms: number) => store.takeToken(key, 3, 3_600_000, T0 + ms);
      expect([await take(0), await take(1), await take(2)]).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
      const refused = await take(3);
      expect(refused.ok).toBe(false);
      // One token comes back every 20 minutes.
      expect(!refused.ok && refused.retryAfterSeconds).toBeGreaterThan(1190);
      expect(!refused.ok && refused.retryAfterSeconds).toBeLessThanOrEqual(1200);
      expect(await take(20 * 60_000 + 10)).toEqual({ ok: true });
      expect((await take(20 * 60_000 + 20)).ok).toBe(false);
      const parallel = unique('account');
      const results = await Promise.all(Array.from({ length: 10 }, () => store.takeToken(parallel, 4, 60_000, T0)));
      expect(results.filter((r) => r.ok)).toHaveLength(4);
    });

    it('keeps the outbox, question log, feedback and suggestions per tenant', async () => {
      const tenant = unique('tenant');
      await store.addOutbox({ tenant, channel: 'sms', recipient: '+41790000000', subject: 'Login code', body: '123456', createdAt: iso() });
      await store.addOutbox({ tenant, channel: 'email', recipient: 'a@example.ch', subject: 'Reset', body: 'link', createdAt: iso(1) });
      expect((await store.listOutbox(tenant)).map((m) => m.subject)).toEqual(['Reset', 'Login code']);
      expect((await store.listOutbox(tenant, 1))[0]).toMatchObject({ tenant, channel: 'email', recipient: 'a@example.ch', body: 'link', createdAt: iso(1) });
      expect(typeof (await store.listOutbox(tenant))[0]!.id).toBe('number');

      await store.logQuestion({ tenant, lang: 'de', question: 'alt', outcome: 'answer', entryId: 'e1', topic: 'login', source: 'chat', at: iso(-1000) });
      await store.logQuestion({ tenant, lang: 'de', question: 'neu', outcome: 'unanswered', entryId: null, topic: null, source: 'search', at: iso() });
      expect(await store.questions(tenant, iso(-10))).toEqual([{ tenant, lang: 'de', question: 'neu', outcome: 'unanswered', entryId: null, topic: null, source: 'search', at: iso() }]);

      await store.addFeedback({ tenant, lang: 'it', entryId: 'e1', helpful: false, reason: 'unclear', source: 'page', at: iso() });
      await store.addFeedback({ tenant, lang: 'it', entryId: 'e1', helpful: true, reason: null, source: 'chat', at: iso(1) });
      expect((await store.feedback(tenant, iso(-1))).map((f) => [f.helpful, f.reason])).toEqual([[false, 'unclear'], [true, null]]);

      const s = { tenant, lang: 'fr' as const, entryId: 'e1', phrasing: 'code pas reçu' };
      await store.addSuggestion({ ...s, at: iso() });
      await store.addSuggestion({ ...s, at: iso(5) });
      await store.addSuggestion({ ...s, phrasing: 'autre', at: iso() });
      expect(await store.suggestions(tenant)).toEqual([
        { ...s, count: 2, lastAt: iso(5) },
        { ...s, phrasing: 'autre', count: 1, lastAt: iso() },
      ]);
    });

    it('keeps small JSON values by key', async () => {
      const key = unique('kv');
      expect(await store.getJson(key)).toBeUndefined();
      await store.setJson(key, { a: 1 });
      await store.setJson(key, { a: 2, b: ['x'] });
      expect(await store.getJson(key)).toEqual({ a: 2, b: ['x'] });
    });

    it('deletes old rows in batches of the size asked, conversations with their messages', async () => {
      const old = Array.from({ length: 5 }, (_, i) => unique(`old${i}`));
      for (const id of old) {
        await store.saveConversation({ id, tenant: 'kpt', lang: 'fr', state: {} as never, createdAt: '2001-01-01T00:00:00.000Z', updatedAt: '2001-01-01T00:00:00.000Z' });
        await store.appendMessages(id, [{ role: 'visitor', text: 'x', at: '2001-01-01T00:00:00.000Z' }]);
      }
      const cutoff = '2001-06-01T00:00:00.000Z';
      expect(await store.purgeBatch('conversations', cutoff, 2)).toBe(4);
      expect(await store.purgeBatch('conversations', cutoff, 10)).toBe(6);
      expect(await store.purgeBatch('conversations', cutoff, 10)).toBe(0);
      for (const id of old) expect(await store.transcript(id)).toEqual([]);
      await store.takeToken(unique('bucket'), 5, 60_000, Date.parse('2001-01-01T00:00:00.000Z'));
      expect(await store.purgeBatch('rateBuckets', cutoff, 10)).toBeGreaterThanOrEqual(1);
    });

    it('runs a named task only where no other holds its lock', async () => {
      let inner: { ran: boolean } | undefined;
      const outer = await store.exclusively('job', async () => {
        inner = await store.exclusively('job', async () => 'second');
        return 'first';
      });
      expect(outer).toEqual({ ran: true, value: 'first' });
      expect(inner).toEqual({ ran: false });
      expect(await store.exclusively('job', async () => 3)).toEqual({ ran: true, value: 3 });
    });
  });
}

describe('PostgreSQL start-up', () => {
  if (withoutPostgres()) return;

  it('applies each migration once when several instances start together', async () => {
    const db = await freshDatabase();
    const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: db.url, max: 2 }));
    try {
      const applied = await Promise.all(pools.map((p) => migratePostgres(p)));
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((m) => m.version).sort());
      const rows = (await pools[0]!.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
      expect(rows).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migratePostgres(pools[0]!)).toEqual([]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await db.drop();
    }
  });

  it('says in one line, without the password, when the server cannot be reached, and answers 503-style errors', async () => {
    const store = openPostgresStore({ url: 'postgres://help:s3cret@127.0.0.1:1/none', connectionTimeoutMs: 2000 });
    const problem = await store.ready().then(() => '', (err: Error) => err.message);
    expect(problem).toMatch(/^The database postgres:\/\/help@127\.0\.0\.1:1\/none cannot be prepared: nothing listens at that address/);
    expect(problem).not.toContain('s3cret');
    await expect(store.getConversation('x')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.probe()).toEqual({ ok: false, reason: 'unreachable' });
    await store.close();
  });
});
