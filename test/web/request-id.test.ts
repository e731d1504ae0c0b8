/**
 * Request ids and the access log: an id is taken from a well-formed X-Request-Id or made, echoed, and on
 * every log line of its request; each request gets one access-log line with the route pattern, method,
 * status and duration, and no query string, body or personal data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActionBackend } from '../../src/actions/types.ts';
import { compose } from '../../src/compose.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logging.ts';
import { ROOT } from '../helpers/app.ts';
import { portalToken, TOKEN_SECRET } from '../helpers/chat.ts';

type Line = { level: number; msg: string; requestId?: string; method?: string; route?: string; status?: number; durationMs?: number; [k: string]: unknown };

const lines: Line[] = [];
const raw: string[] = [];
const stream = new Writable({
  write(chunk, _enc, done) {
    for (const l of String(chunk).split('\n').filter(Boolean)) {
      raw.push(l);
      lines.push(JSON.parse(l));
    }
    done();
  },
});

// The account backend fails, so an action writes a line of its own below the HTTP layer.
const backend: ActionBackend = {
  async account() {
    return { adult: true, deductible: 300 };
  },
  async perform() {
    throw new Error('socket hang up');
  },
};

const dataDir = mkdtempSync(join(tmpdir(), 'request-id-'));
const parsed = parseConfig({ DATA_DIR: dataDir, CONTENT_DIR: join(ROOT, 'content'), LOCALES_DIR: join(ROOT, 'locales'), WATCH_CONTENT: 'false', PORTAL_TOKEN_SECRET: TOKEN_SECRET });
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const result = compose(parsed.config, { logger: createLogger({ level: 'info' }, stream), backend });
if (!result.ok) throw new Error(result.errors.join('\n'));
const { app, close } = result.composed;
afterAll(() => {
  close();
  rmSync(dataDir, { recursive: true, force: true });
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ofRequest = (id: string) => lines.filter((l) => l.requestId === id);
const accessLines = (id: string) => ofRequest(id).filter((l) => l.msg === 'request');

describe('X-Request-Id', () => {
  it('makes an id when none is given, echoes it and logs one access line with it', async () => {
    const res = await app.request('/healthz');
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(UUID);
    const access = accessLines(id);
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ method: 'GET', route: '/healthz', status: 200, level: 30 });
    expect(access[0]!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps a well-formed id from a proxy', async () => {
    for (const given of ['7f1c9a52-0c1e-4c7a-9a53-3e2d1b9c0a11', '5d8e2b7c4f1a90e3b6c2d4f8a1e7b3c9', '01HZX3J4K5M6N7P8Q9R0STVWXY', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01']) {
      const res = await app.request('/healthz', { headers: { 'X-Request-Id': given } });
      expect(res.headers.get('x-request-id')).toBe(given);
      expect(accessLines(given)).toHaveLength(1);
    }
  });

  it('replaces a malformed id, and one made of personal data, with a new one', async () => {
    for (const given of ['short', 'has spaces in it here', 'anna.muster@example.ch', '0791234567', '756.1234.5678.97', 'x'.repeat(200), '<script>alert(1)</script>']) {
      const res = await app.request('/healthz', { headers: { 'X-Request-Id': given } });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
      expect(raw.join('\n')).not.toContain(given);
    }
  });

  it('puts the id on every line its request writes, also below the HTTP layer', async () => {
    const auth = `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`;
    const res = await app.request('/api/actions/deductible-change', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth, 'idempotency-key': 'request-id-0001', 'x-request-id': 'req-action-0001' },
      body: JSON.stringify({ tenant: 'atupri', lang: 'fr', params: { amount: 500 } }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('x-request-id')).toBe('req-action-0001');
    const own = ofRequest('req-action-0001');
    expect(own.map((l) => l.msg)).toEqual(['action backend failed', 'request']);
    expect(own[1]).toMatchObject({ method: 'POST', route: '/api/actions/:action', status: 503 });
    // Nothing the process logs outside a request carries an id.
    expect(lines.filter((l) => l.msg === 'action backend failed' && l.requestId !== 'req-action-0001')).toEqual([]);
  });

  it('keeps the ids of concurrent requests apart', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `concurrent-${String(i).padStart(4, '0')}`);
    const answers = await Promise.all(
      ids.map((id, i) =>
        app.request('/api/chat', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': id },
          body: JSON.stringify({ tenant: i % 2 ? 'kpt' : 'atupri', lang: 'fr', message: 'comment changer ma franchise ?' }),
        }),
      ),
    );
    answers.forEach((res, i) => expect(res.headers.get('x-request-id')).toBe(ids[i]));
    for (const id of ids) expect(accessLines(id)).toEqual([expect.objectContaining({ route: '/api/chat', status: 200 })]);
  });
});

describe('the access log', () => {
  it('names the route pattern, never the path, the query string or the body', async () => {
    const secret = 'anna.muster@example.ch';
    const search = await app.request(`/api/search?tenant=kpt&lang=fr&q=${encodeURIComponent(`mon e-mail ${secret} 079 123 45 67`)}`);
    const page = await app.request(`/kpt/fr/faq/${encodeURIComponent(secret)}`);
    const chat = await app.request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'kpt', lang: 'fr', message: `je m'appelle Anna Muster, ${secret}, franchise ?` }),
    });
    expect(accessLines(search.headers.get('x-request-id')!)).toEqual([expect.objectContaining({ route: '/api/search', status: 200 })]);
    expect(accessLines(page.headers.get('x-request-id')!)).toEqual([expect.objectContaining({ route: '/:tenant/:lang/faq/:id', status: 404 })]);
    expect(accessLines(chat.headers.get('x-request-id')!)).toEqual([expect.objectContaining({ route: '/api/chat', status: 200 })]);
    const all = raw.join('\n');
    for (const leak of [secret, 'anna.muster', 'Muster', '079 123', 'q=', '?tenant', '/kpt/fr/faq/']) expect(all).not.toContain(leak);
  });

  it('logs requests that no route answered and those refused before any route', async () => {
    const unknown = await app.request('/no/such/page/at/all');
    expect(accessLines(unknown.headers.get('x-request-id')!)).toEqual([expect.objectContaining({ route: 'unmatched', status: 404 })]);
    const big = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'x'.repeat(20_000) }) });
    expect(big.status).toBe(413);
    expect(accessLines(big.headers.get('x-request-id')!)).toEqual([expect.objectContaining({ method: 'POST', status: 413 })]);
  });

  it('is readable by pages of other origins through CORS', async () => {
    const res = await app.request('/api/search?tenant=kpt&lang=fr&q=franchise', { headers: { origin: 'https://www.kpt.ch' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.kpt.ch');
    expect(res.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('x-request-id');
  });
});
