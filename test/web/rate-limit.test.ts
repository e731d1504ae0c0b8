import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/web/rate-limit.ts';
import { buildApp, type TestApp } from '../helpers/app.ts';
import { buildChatApp, portalToken } from '../helpers/chat.ts';

const apps: { dispose(): void }[] = [];
const track = <T extends { dispose(): void }>(a: T): T => (apps.push(a), a);
afterAll(() => apps.forEach((a) => a.dispose()));

type ErrorBody = { error: { code: string; message: string } };

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function expectLimited(res: Response): Promise<ErrorBody> {
  expect(res.status).toBe(429);
  const retry = Number(res.headers.get('retry-after'));
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe('rate_limited');
  expect(body.error.message).toContain(String(retry));
  return body;
}

describe('createLimiter', () => {
  it('lets a burst of `capacity` through, then refuses with the seconds until the next token', () => {
    const l = createLimiter(3, 60_000);
    expect([1, 2, 3].map(() => l.take('a', 0).ok)).toEqual([true, true, true]);
    const r = l.take('a', 0);
    expect(r).toEqual({ ok: false, retryAfterSeconds: 20 });
    // Another key has its own bucket.
    expect(l.take('b', 0).ok).toBe(true);
  });

  it('refills evenly over the window', () => {
    const l = createLimiter(2, 60_000);
    l.take('a', 0);
    l.take('a', 0);
    expect(l.take('a', 29_000).ok).toBe(false);
    expect(l.take('a', 30_500).ok).toBe(true);
    expect(l.take('a', 30_600).ok).toBe(false);
  });

  it('forgets idle keys when it holds too many, so memory stays bounded', () => {
    const l = createLimiter(1, 1000, 100);
    for (let i = 0; i < 1000; i++) l.take(`k${i}`, i * 10);
    expect(l.size).toBeLessThanOrEqual(100);
  });
});

describe('per client address', () => {
  const t = track(buildApp({ RATE_LIMIT_PER_MINUTE: '5' }));

  it('answers 429 rate_limited with Retry-After on the API once the budget is spent', async () => {
    for (let i = 0; i < 5; i++) expect((await t.app.request('/api/search?tenant=kpt&lang=fr&q=carte')).status).toBe(200);
    const body = await expectLimited(await t.app.request('/api/search?tenant=kpt&lang=fr&q=carte', { headers: { 'accept-language': 'de-CH' } }));
    expect(body.error.message).toMatch(/Sekunden/);
  });

  it('shows a friendly page in the visitor language on the help pages', async () => {
    const res = await t.app.request('/kpt/it/');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<html lang="it">');
    expect(html).toContain('Troppe richieste');
  });

  it('never limits /healthz or the static assets', async () => {
    for (let i = 0; i < 20; i++) expect((await t.app.request('/healthz')).status).toBe(200);
    expect((await t.app.request('/static/app.css')).status).toBe(200);
  });
});

describe('the defaults', () => {
  it('do not get in the way of a busy visitor', async () => {
    const t = track(buildApp());
    for (let i = 0; i < 300; i++) expect((await t.app.request(`/api/search?tenant=atupri&lang=de&q=franchise${i}`)).status).toBe(200);
  });
});

describe('per conversation', () => {
  const t = track(buildApp({ RATE_LIMIT_CONVERSATION_PER_MINUTE: '3' }));

  it('limits the turns of one conversation on /api/chat, not the start of a new one', async () => {
    const first = await t.app.request('/api/chat', json({ tenant: 'atupri', lang: 'fr', message: 'bonjour' }));
    expect(first.status).toBe(200);
    const { conversationId } = (await first.json()) as { conversationId: string };
    for (let i = 0; i < 3; i++) {
      expect((await t.app.request('/api/chat', json({ tenant: 'atupri', lang: 'fr', conversationId, message: 'franchise' }))).status).toBe(200);
    }
    await expectLimited(await t.app.request('/api/chat', json({ tenant: 'atupri', lang: 'fr', conversationId, message: 'franchise' })));
    expect((await t.app.request('/api/chat', json({ tenant: 'atupri', lang: 'fr', message: 'franchise' }))).status).toBe(200);
  });

  it('limits the chat form with a page (plain post) or a chat message (htmx)', async () => {
    const form = (extra: Record<string, string> = {}) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...extra },
      body: new URLSearchParams({ conversationId: 'form-conversation-1', message: 'franchise' }).toString(),
    });
    for (let i = 0; i < 3; i++) await t.app.request('http://localhost/kpt/de/chat', form());
    const plain = await t.app.request('http://localhost/kpt/de/chat', form());
    expect(plain.status).toBe(429);
    expect(Number(plain.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const html = await plain.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Zu viele Anfragen');

    const htmx = await t.app.request('http://localhost/kpt/fr/chat', form({ 'hx-request': 'true' }));
    expect(htmx.headers.get('x-rate-limited')).toBe('1');
    expect(Number(htmx.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const fragment = await htmx.text();
    expect(fragment).toMatch(/^<li class="msg assistant" data-kind="rate_limited"/);
    expect(fragment).toContain('Trop de demandes');
  });
});

describe('per account on /api/actions', () => {
  const t = track(buildChatApp({ env: { RATE_LIMIT_ACCOUNT_PER_HOUR: '2' } }));
  let n = 0;
  const reset = (identifier: string, headers: Record<string, string> = {}) =>
    t.app.request('/api/actions/password-reset', json({ tenant: 'atupri', lang: 'fr', params: { identifier } }, { 'idempotency-key': `rate-limit-${++n}`, ...headers }));

  it('limits requests naming one account however it is written, and the same for unknown accounts', async () => {
    expect((await reset('anna.muster@example.ch')).status).toBe(200);
    expect((await reset('Anna.Muster@Example.CH ')).status).toBe(200);
    await expectLimited(await reset('ANNA.MUSTER@EXAMPLE.CH'));
    // Another account is not affected.
    expect((await reset('luca.muster@example.ch')).status).toBe(200);
    // An account that does not exist is limited exactly alike (the limit tells nothing about existence).
    expect((await reset('nobody@example.ch')).status).toBe(200);
    expect((await reset('nobody@example.ch')).status).toBe(200);
    await expectLimited(await reset('nobody@example.ch'));
  });

  it('limits account changes per token subject', async () => {
    const token = await portalToken('atupri-demo-anna', 'atupri');
    const change = () =>
      t.app.request('/api/actions/accident-cover', json({ tenant: 'atupri', params: { include: true } }, { authorization: `Bearer ${token}`, 'idempotency-key': `rate-limit-${++n}` }));
    expect((await change()).status).toBe(200);
    expect((await change()).status).toBe(200);
    await expectLimited(await change());
  });
});

describe('client address from the socket', () => {
  let server: ServerType;
  let t: TestApp;
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('counts per socket address and ignores a forged X-Forwarded-For unless TRUST_PROXY', async () => {
    t = track(buildApp({ RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_EXEMPT: 'none' }));
    server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base()}/api/search?tenant=kpt&q=code`, { headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('does not limit this machine (loopback) per address by default', async () => {
    t = track(buildApp({ RATE_LIMIT_PER_MINUTE: '2' }));
    server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    try {
      for (let i = 0; i < 5; i++) expect((await fetch(`${base()}/api/search?tenant=kpt&q=code`)).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('takes the last X-Forwarded-For address behind a trusted proxy', async () => {
    t = track(buildApp({ RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: 'true', RATE_LIMIT_EXEMPT: 'none' }));
    server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    try {
      const get = (ip: string) => fetch(`${base()}/api/search?tenant=kpt&q=code`, { headers: { 'x-forwarded-for': `198.51.100.7, ${ip}` } });
      expect((await get('203.0.113.1')).status).toBe(200);
      expect((await get('203.0.113.1')).status).toBe(429);
      expect((await get('203.0.113.2')).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
