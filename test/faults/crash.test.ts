/**
 * Crash safety: contact requests sent concurrently (API and chat form flow), the server killed with
 * SIGKILL mid-way and started again on the same data: every request that was answered 2xx is in the
 * database, and its idempotency key still gives the same reference.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from './server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'crash-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ENV = { DATA_DIR: dataDir, LOG_LEVEL: 'info', RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_ACCOUNT_PER_HOUR: '1000000', RATE_LIMIT_CONVERSATION_PER_MINUTE: '1000000' };
const API_REQUESTS = 800;
const CONCURRENCY = 16;
const KILL_AFTER = 120;
const CHAT_VISITORS = 6;

type Acknowledged = { key: string; reference: string; email: string };

async function contactViaApi(base: string, i: number): Promise<Acknowledged | undefined> {
  const key = `crash-test-key-${String(i).padStart(4, '0')}`;
  const email = `person${i}@example.ch`;
  try {
    const res = await fetch(`${base}/api/actions/contact-request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ tenant: i % 2 ? 'kpt' : 'atupri', lang: 'fr', params: { name: `Person ${i}`, email, topic: 'invoices', message: `Question number ${i} about my bill.` } }),
    });
    if (res.status < 200 || res.status >= 300) return undefined;
    const body = (await res.json()) as { reference: string };
    return { key, reference: body.reference, email };
  } catch {
    // Killed mid-request: no answer, no promise made.
    return undefined;
  }
}

/** The contact form inside the chat, turn by turn; the reference is in the last reply. */
async function contactViaChat(base: string, i: number): Promise<{ reference: string; email: string } | undefined> {
  const email = `chat${i}@example.ch`;
  let conversationId: string | undefined;
  const say = async (input: { message: string } | { choice: string }) => {
    const res = await fetch(`${base}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'kpt', lang: 'fr', ...(conversationId ? { conversationId } : {}), ...input }),
    });
    if (res.status !== 200) throw new Error(`chat ${res.status}`);
    const body = (await res.json()) as { conversationId: string; reply: { text: string; flow: { step: string } | null } };
    conversationId = body.conversationId;
    return body.reply;
  };
  try {
    await say({ message: 'je veux parler à un conseiller' });
    await say({ choice: 'contact-form' });
    await say({ message: `Chat Person ${i}` });
    await say({ message: email });
    await say({ choice: 'skip' });
    await say({ choice: 'topic-login' });
    await say({ message: `Je ne peux plus me connecter (visiteur ${i}).` });
    const sent = await say({ choice: 'send' });
    const reference = /D-[0-9A-F]{8}/.exec(sent.text)?.[0];
    return sent.flow?.step === 'sent' && reference ? { reference, email } : undefined;
  } catch {
    return undefined;
  }
}

describe('crash safety of contact requests', () => {
  it('keeps every acknowledged contact request across a SIGKILL and a restart', async () => {
    let server: RunningServer | undefined = await startServer(ENV);
    const acknowledged: Acknowledged[] = [];
    const viaChat: { reference: string; email: string }[] = [];
    let killed = false;
    try {
      const base = server.base;
      let next = 0;
      const worker = async () => {
        while (next < API_REQUESTS) {
          const ack = await contactViaApi(base, next++);
          if (ack) acknowledged.push(ack);
          // Kill once enough were answered and the chat visitors are through (so both paths are checked).
          if (!killed && acknowledged.length >= KILL_AFTER && chatsDone) {
            killed = true;
            server!.child.kill('SIGKILL');
          }
        }
      };
      const chats = Array.from({ length: CHAT_VISITORS }, async (_, i) => {
        const r = await contactViaChat(base, i);
        if (r) viaChat.push(r);
      });
      let chatsDone = false;
      void Promise.all(chats).then(() => (chatsDone = true));
      await Promise.all([...Array.from({ length: CONCURRENCY }, worker), ...chats]);
      const exit = await server.exited;
      expect(exit.signal).toBe('SIGKILL');
      // The kill came mid-way: some requests were answered, later ones failed.
      expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(acknowledged.length).toBeLessThan(API_REQUESTS);

      // Start again on the same data: it opens, serves, and remembers what it acknowledged.
      server = await startServer(ENV);
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
      const sample = acknowledged[Math.floor(acknowledged.length / 2)]!;
      const i = Number(sample.key.slice(-4));
      const repeat = await fetch(`${server.base}/api/actions/contact-request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': sample.key },
        body: JSON.stringify({ tenant: i % 2 ? 'kpt' : 'atupri', lang: 'fr', params: { name: `Person ${i}`, email: sample.email, topic: 'invoices', message: `Question number ${i} about my bill.` } }),
      });
      expect(await repeat.json()).toMatchObject({ ok: true, reference: sample.reference });
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
      server = undefined;

      const db = new Database(join(dataDir, 'assistant.db'), { readonly: true });
      try {
        const contact = db.prepare('SELECT reference, email, transcript, conversation_id FROM contact_requests WHERE reference = ?');
        // The service may scope keys (by subject): match the visitor's key at the end.
        const actionRow = db.prepare("SELECT result FROM actions WHERE idempotency_key = ? OR idempotency_key LIKE '%:' || ?");
        const action = { get: (key: string) => actionRow.get(key, key) };
        const missing = acknowledged.filter((a) => (contact.get(a.reference) as { email: string } | undefined)?.email !== a.email);
        expect(missing, `acknowledged but not stored: ${missing.map((m) => m.reference).join(', ')}`).toEqual([]);
        const unrecorded = acknowledged.filter((a) => (action.get(a.key) as { result: string } | undefined)?.result.includes(a.reference) !== true);
        expect(unrecorded.map((a) => a.key)).toEqual([]);
        expect(viaChat.length).toBe(CHAT_VISITORS);
        for (const c of viaChat) {
          const row = contact.get(c.reference) as { email: string; transcript: string; conversation_id: string | null } | undefined;
          expect(row?.email).toBe(c.email);
          // A contact request from the chat carries the conversation for the support team.
          expect(row?.conversation_id).toBeTruthy();
          expect(JSON.parse(row!.transcript).length).toBeGreaterThan(5);
        }
        const count = (db.prepare('SELECT COUNT(*) AS n FROM contact_requests').get() as { n: number }).n;
        console.info(`crash test: ${acknowledged.length} API and ${viaChat.length} chat contact requests acknowledged before SIGKILL; ${count} rows kept`);
      } finally {
        db.close();
      }
    } finally {
      if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 120_000);
});
