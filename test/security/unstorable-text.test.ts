/**
 * U+0000 and lone surrogates, which PostgreSQL's text cannot hold, are refused at the edge with the usual
 * 400 on both engines: in chat messages, conversation ids, contact and action fields, forms and queries.
 * Nothing is lost (the next, clean turn of the same conversation goes on) and no 500 answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildChatApp, type ChatApp } from '../helpers/chat.ts';
import { freshDatabase, withoutPostgres } from '../helpers/postgres.ts';

const BAD = ['a\u0000b', '\u0000', 'x\uD800y', '\uDC00', 'ok\uDBFF'];

function suite(engine: string, make: () => Promise<{ app: ChatApp; done(): Promise<void> }>) {
  describe(`text no store keeps (${engine})`, { timeout: 60_000 }, () => {
    let t: ChatApp;
    let done: () => Promise<void>;
    beforeAll(async () => ({ app: t, done } = await make()));
    afterAll(() => done?.());

    const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const expectRefused = async (res: Response) => {
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toMatch(/\bat \w|stack|postgres|sqlite|\/src\//i);
    };

    it('refuses them in chat messages and conversation ids, and the conversation goes on', async () => {
      const first = await json('/api/chat', { tenant: 'kpt', lang: 'fr', message: "Qu'est-ce qu'une carte de code ?" });
      const { conversationId } = (await first.json()) as { conversationId: string };
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...BAD), fc.string({ maxLength: 20 }), async (bad, around) => {
          await expectRefused(await json('/api/chat', { tenant: 'kpt', lang: 'fr', conversationId, message: around + bad }));
          await expectRefused(await json('/api/chat', { tenant: 'kpt', lang: 'fr', conversationId: conversationId + bad, message: 'bonjour' }));
        }),
        { numRuns: 15 },
      );
      const next = await json('/api/chat', { tenant: 'kpt', lang: 'fr', conversationId, message: 'et si je la perds ?' });
      expect(next.status).toBe(200);
      expect(((await next.json()) as { conversationId: string }).conversationId).toBe(conversationId);
      const visitor = (await t.store.transcript(conversationId)).filter((m) => m.role === 'visitor');
      expect(visitor.map((m) => m.text)).toEqual(["Qu'est-ce qu'une carte de code ?", 'et si je la perds ?']);
    });

    it('refuses them in action fields and in forms and queries', async () => {
      for (const bad of BAD) {
        await expectRefused(await json('/api/actions/password-reset', { tenant: 'atupri', params: { identifier: `anna${bad}@example.ch` } }, { 'idempotency-key': `k-${Math.random()}` }));
      }
      // A form cannot carry a lone surrogate (it is encoded as U+FFFD): NUL is what can arrive.
      for (const bad of BAD.filter((b) => b.includes('\u0000'))) {
        await expectRefused(
          await t.app.request('http://localhost/kpt/fr/chat', {
            method: 'POST',
            headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ message: `bonjour${bad}` }).toString(),
          }),
        );
      }
      await expectRefused(await t.app.request('/api/search?tenant=kpt&q=code%00'));
      await expectRefused(await t.app.request('/kpt/fr/search?q=%00'));
    });
  });
}

suite('SQLite', async () => {
  const app = buildChatApp();
  return { app, done: async () => app.dispose() };
});

describe('PostgreSQL', () => {
  if (withoutPostgres()) return;
  suite('PostgreSQL', async () => {
    const db = await freshDatabase();
    const app = buildChatApp({ env: { DATABASE_URL: db.url } });
    return {
      app,
      done: async () => {
        await app.dispose();
        await db.drop();
      },
    };
  });
});
