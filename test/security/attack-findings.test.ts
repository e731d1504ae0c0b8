/**
 * What an attack on the running service found, one describe per finding: each test makes the attack
 * again and checks that it no longer gets through. (Shutdown and start-up run the real process:
 * test/faults/shutdown.test.ts and test/faults/startup.test.ts; redaction: test/insights/redact-properties.test.ts;
 * live reload through a folder swap: test/content/live-reload.test.ts.)
 */
import Database from 'better-sqlite3';
import { openSync, readFileSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from 'hono/jwt';
import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, chat, portalToken, TOKEN_SECRET, type ChatApp } from '../helpers/chat.ts';

type AppLike = { request: (input: string, init?: RequestInit) => Response | Promise<Response> };

async function action(app: AppLike, name: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await app.request(`/api/actions/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, res, body: (await res.json()) as any };
}

/** What the demo backend sent by post with this subject: one letter per change made. */
const letters = async (t: ChatApp, subject: string) => (await t.store.listOutbox('atupri')).filter((m) => m.subject === subject).map((m) => m.body);

const apps: ChatApp[] = [];
const fresh = (options: Parameters<typeof buildChatApp>[0] = {}) => {
  const t = buildChatApp(options);
  apps.push(t);
  return t;
};
afterAll(() => {
  for (const t of apps) t.dispose();
});

describe('1. idempotency keys are bound to the action, its parameters and the caller', () => {
  it('refuses a key used for an accident-cover change when it comes back for a deductible change: 422, nothing changes', async () => {
    const t = fresh();
    const auth = { authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`, 'idempotency-key': 'attack-key-0001' };
    const first = await action(t.app, 'accident-cover', { tenant: 'atupri', params: { include: false } }, auth);
    expect(first.status).toBe(200);
    const second = await action(t.app, 'deductible-change', { tenant: 'atupri', lang: 'de', params: { amount: 1000 } }, auth);
    expect(second.status).toBe(422);
    expect(second.body.error.code).toBe('idempotency_key_reused');
    expect(second.body.error.message).toBe(t.library().t('de', 'errors.idempotency_key_reused'));
    expect((await t.store.listActions('atupri')).map((a) => a.action)).toEqual(['accident-cover']);
    expect(await letters(t, 'Deductible change')).toEqual([]);
  });

  it('refuses the same key with other parameters for the same action', async () => {
    const t = fresh();
    const auth = { authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`, 'idempotency-key': 'attack-key-0002' };
    expect((await action(t.app, 'deductible-change', { tenant: 'atupri', params: { amount: 1000 } }, auth)).status).toBe(200);
    const other = await action(t.app, 'deductible-change', { tenant: 'atupri', params: { amount: 2500 } }, auth);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await letters(t, 'Deductible change')).toEqual(['Deductible CHF 300 → CHF 1000 from 2027-01-01.']);
    // The very same request still gets its first answer.
    expect((await action(t.app, 'deductible-change', { tenant: 'atupri', params: { amount: 1000 } }, auth)).status).toBe(200);
  });

  it('does not answer an anonymous contact request with a password reset done under the same key', async () => {
    const t = fresh();
    const key = { 'idempotency-key': 'shared-anonymous-key-1' };
    expect((await action(t.app, 'password-reset', { tenant: 'atupri', params: { identifier: 'anna.muster@example.ch' } }, key)).status).toBe(200);
    const contact = await action(
      t.app,
      'contact-request',
      { tenant: 'atupri', params: { name: 'Eva Beispiel', email: 'eva@example.ch', topic: 'Prämien', message: 'Bitte rufen Sie mich zurück.' } },
      key,
    );
    expect(contact.status).toBe(422);
    expect(contact.body.error.code).toBe('idempotency_key_reused');
    expect(await t.store.listContactRequests('atupri')).toEqual([]);
  });

  it('lets two requests with the same key at the same moment share one run only when they ask the same', async () => {
    const t = fresh();
    const auth = { authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`, 'idempotency-key': 'attack-key-0003' };
    const [a, b] = await Promise.all([
      action(t.app, 'deductible-change', { tenant: 'atupri', params: { amount: 1000 } }, auth),
      action(t.app, 'deductible-change', { tenant: 'atupri', params: { amount: 2000 } }, auth),
    ]);
    // Whichever came first ran; the other was refused, not answered with the first one's result.
    expect([a.status, b.status].sort()).toEqual([200, 422]);
    expect(await t.store.listActions('atupri')).toHaveLength(1);
    expect(await letters(t, 'Deductible change')).toHaveLength(1);
  });

  it('keeps each signed-in person to their own keys', async () => {
    const t = fresh();
    const anna = { authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`, 'idempotency-key': 'attack-key-0004' };
    const luca = { authorization: `Bearer ${await portalToken('atupri-demo-luca', 'atupri')}`, 'idempotency-key': 'attack-key-0004' };
    const first = await action(t.app, 'accident-cover', { tenant: 'atupri', params: { include: false } }, anna);
    const second = await action(t.app, 'deductible-change', { tenant: 'atupri', params: { amount: 100 } }, luca);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.reference).not.toBe(first.body.reference);
  });
});

describe('2. cross-site posts: the JSON API takes application/json only', () => {
  it('refuses resend-code posted as text/plain from another site: 415, no SMS', async () => {
    const t = fresh();
    const res = await t.app.request('/api/actions/resend-code', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example', 'idempotency-key': 'cross-site-0001' },
      body: JSON.stringify({ tenant: 'atupri', params: { identifier: 'anna.muster@example.ch', channel: 'sms' } }),
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as any).error.code).toBe('unsupported_media_type');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await t.store.listOutbox('atupri')).toEqual([]);
  });

  it.each([
    ['no content type', undefined],
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['a look-alike', 'application/jsonp'],
  ])('answers %s with 415 on /api/chat and /api/actions', async (_what, type) => {
    const t = fresh();
    for (const path of ['/api/chat', '/api/actions/password-reset']) {
      const res = await t.app.request(path, {
        method: 'POST',
        headers: { ...(type ? { 'content-type': type } : {}), 'idempotency-key': 'cross-site-0002' },
        body: JSON.stringify({ tenant: 'atupri', message: 'hallo', params: { identifier: 'anna.muster@example.ch' } }),
      });
      expect(res.status, path).toBe(415);
      expect(((await res.json()) as any).error.code).toBe('unsupported_media_type');
    }
    expect(await t.store.listOutbox('atupri')).toEqual([]);
  });

  it('accepts application/json with a charset', async () => {
    const t = fresh();
    const res = await t.app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ tenant: 'atupri', message: 'Franchise' }) });
    expect(res.status).toBe(200);
  });

  it('keeps refusing cross-site HTML form posts (CSRF)', async () => {
    const t = fresh();
    const res = await t.app.request('/atupri/fr/chat', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: 'message=bonjour' });
    expect(res.status).toBe(403);
  });
});

describe('4. health tells the truth about the database', () => {
  it('answers /readyz 200 when content and database are fine, without paths', async () => {
    const t = fresh();
    const res = await t.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 'ready' });
    expect(text).not.toContain(t.dataDir);
    const health = await (await t.app.request('/healthz')).text();
    expect(health).not.toContain(t.dataDir);
    expect(health).not.toMatch(/\/content\/|\.md|\.db/);
  });

  it('does not acknowledge a contact request once the database file is deleted, and /readyz says 503', async () => {
    const t = fresh();
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(t.dataDir, `assistant.db${suffix}`), { force: true });
    const contact = await action(
      t.app,
      'contact-request',
      { tenant: 'atupri', lang: 'fr', params: { name: 'Eva Exemple', email: 'eva@example.ch', topic: 'Primes', message: 'Merci de me rappeler.' } },
      { 'idempotency-key': 'vanished-db-0001' },
    );
    expect(contact.status).toBe(503);
    expect(contact.body.error.code).toBe('storage_unavailable');
    expect(contact.body).not.toHaveProperty('ok');
    expect(contact.res.headers.get('retry-after')).toBe('30');
    const chatted = await chat(t.app, { tenant: 'atupri', lang: 'fr', message: 'franchise' });
    expect(chatted.status).toBe(503);
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as any;
    expect(body.error.code).toBe('not_ready');
    expect(JSON.stringify(body)).not.toContain(t.dataDir);
    // The chat page says it in the visitor's language, without internals.
    const page = await t.app.request('/atupri/fr/chat', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' }, body: 'message=franchise' });
    expect(page.status).toBe(503);
    const html = await page.text();
    expect(html).toContain(t.library().t('fr', 'errors.storage_unavailable').replace(/'/g, '&#39;'));
    expect(html).not.toContain('assistant.db');
  });

  it('answers 503, never 500, from a database with corrupted pages, and /readyz says so', async () => {
    const first = fresh();
    await chat(first.app, { tenant: 'atupri', lang: 'fr', message: 'franchise' });
    await first.close();
    const file = join(first.dataDir, 'assistant.db');
    // Every page but the first (the schema) overwritten with garbage.
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    const garbage = Buffer.alloc(size - 4096, 0xa5);
    writeSync(fd, garbage, 0, garbage.length, 4096);
    closeSync(fd);

    const t = fresh({ dataDir: first.dataDir });
    const chatted = await chat(t.app, { tenant: 'atupri', lang: 'fr', message: 'franchise' });
    expect(chatted.status).toBe(503);
    expect(chatted.body.error.code).toBe('storage_unavailable');
    // A search needs no database: it answers, only its line in the editors' log is lost.
    const search = await t.app.request('/api/search?tenant=atupri&lang=fr&q=zzqxvvkk');
    expect(search.status).toBe(200);
    const ready = await t.app.request('/readyz');
    expect(ready.status).toBe(503);
  });
});

describe("5. a contact request carries a signed-in person's transcript only for that person", () => {
  const contact = (conversationId: string) => ({
    tenant: 'atupri',
    lang: 'de',
    params: { name: 'Max Fremd', email: 'max@example.ch', topic: 'Prämien', message: 'Bitte rufen Sie mich zurück.', conversationId },
  });

  it('attaches nothing when a stranger passes a signed-in person\'s conversation id', async () => {
    const t = fresh();
    const anna = await portalToken('atupri-demo-anna', 'atupri');
    const turn = await chat(t.app, { tenant: 'atupri', lang: 'de', message: 'Ich möchte meine Franchise ändern' }, anna);
    const id = turn.body.conversationId as string;
    expect((await t.store.transcript(id)).length).toBeGreaterThan(0);

    const anonymous = await action(t.app, 'contact-request', contact(id), { 'idempotency-key': 'stranger-contact-1' });
    expect(anonymous.status).toBe(200);
    const luca = await action(t.app, 'contact-request', contact(id), { 'idempotency-key': 'stranger-contact-2', authorization: `Bearer ${await portalToken('atupri-demo-luca', 'atupri')}` });
    expect(luca.status).toBe(200);
    for (const reference of [anonymous.body.reference, luca.body.reference]) {
      const stored = (await t.store.getContactRequest(reference))!;
      expect(stored.conversationId).toBeNull();
      expect(stored.transcript).toEqual([]);
    }

    // Anna herself may send it with her conversation.
    const own = await action(t.app, 'contact-request', contact(id), { 'idempotency-key': 'owner-contact-1', authorization: `Bearer ${anna}` });
    const stored = (await t.store.getContactRequest(own.body.reference))!;
    expect(stored.conversationId).toBe(id);
    expect(stored.transcript.map((m) => m.text)).toContain('Ich möchte meine Franchise ändern');
  });
});

describe('8. query parameters that reach headers are checked', () => {
  it.each(['30d%0a', '30d%0d%0aSet-Cookie:%20x=1', '30d%22', '2025-01-01%0a'])('answers /editor/insights.csv?since=%s with 400, not 500', async (since) => {
    const token = 'editor-token-findings-long-enough-to-keep';
    const t = fresh({ env: { EDITOR_TOKEN: token } });
    const res = await t.app.request(`/editor/insights.csv?tenant=kpt&since=${since}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-disposition')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('9. CORS preflight allows every header of the contract', () => {
  it('lets an allowed portal send Idempotency-Key, Authorization, Content-Type and Accept-Language', async () => {
    const t = fresh();
    const res = await t.app.request('/api/actions/password-reset', {
      method: 'OPTIONS',
      headers: { origin: 'https://my.atupri.ch', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization, idempotency-key, accept-language' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://my.atupri.ch');
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'authorization', 'idempotency-key', 'accept-language']));
  });

  it('still refuses the preflight of another site', async () => {
    const t = fresh();
    const res = await t.app.request('/api/actions/password-reset', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key' } });
    expect(res.status).toBe(403);
  });
});

describe('11. portal tokens have a maximum lifetime', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const tokenWith = (claims: Record<string, unknown>) => sign({ sub: 'atupri-demo-anna', tenant: 'atupri', ...claims }, TOKEN_SECRET, 'HS256');

  it('refuses a token valid for ten years', async () => {
    const t = fresh();
    const r = await chat(t.app, { tenant: 'atupri', lang: 'fr', message: 'franchise' }, await tokenWith({ exp: now() + 10 * 365 * 86400 }));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('invalid_token');
  });

  it('refuses a token whose exp lies more than an hour after its iat', async () => {
    const t = fresh();
    const r = await chat(t.app, { tenant: 'atupri', lang: 'fr', message: 'franchise' }, await tokenWith({ iat: now() - 60, exp: now() + 2 * 3600 }));
    expect(r.status).toBe(401);
  });

  it('accepts a token of up to an hour, and longer ones when PORTAL_TOKEN_MAX_LIFETIME allows', async () => {
    const t = fresh();
    expect((await chat(t.app, { tenant: 'atupri', lang: 'fr', message: 'franchise' }, await tokenWith({ iat: now(), exp: now() + 3600 }))).status).toBe(200);
    expect((await chat(t.app, { tenant: 'atupri', lang: 'fr', message: 'franchise' }, await tokenWith({ exp: now() + 1800 }))).status).toBe(200);
    const long = fresh({ env: { PORTAL_TOKEN_MAX_LIFETIME: String(12 * 3600) } });
    expect((await chat(long.app, { tenant: 'atupri', lang: 'fr', message: 'franchise' }, await tokenWith({ iat: now(), exp: now() + 10 * 3600 }))).status).toBe(200);
  });
});

describe('the database file as read by others', () => {
  it('keeps the parameter fingerprint with each recorded action', async () => {
    const t = fresh();
    const auth = { authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`, 'idempotency-key': 'fingerprint-0001' };
    await action(t.app, 'accident-cover', { tenant: 'atupri', params: { include: false } }, auth);
    const db = new Database(join(t.dataDir, 'assistant.db'), { readonly: true });
    const row = db.prepare('SELECT params_hash FROM actions').get() as { params_hash: string };
    db.close();
    expect(row.params_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(join(t.dataDir, 'assistant.db')).subarray(0, 15).toString()).toBe('SQLite format 3');
  });
});
