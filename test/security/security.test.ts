/**
 * What an attacker gets from the HTTP surface: refused tokens, no account enumeration, no internal
 * detail, strict headers, CSRF and size limits.
 */
import { sign } from 'hono/jwt';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createActionService } from '../../src/actions/service.ts';
import type { ActionBackend } from '../../src/actions/types.ts';
import { createApp } from '../../src/app.ts';
import type { Assistant } from '../../src/chat/assistant.ts';
import { buildChatApp, portalToken, TOKEN_SECRET } from '../helpers/chat.ts';
import { holdToOpenApi } from '../helpers/openapi.ts';

const t = buildChatApp({ env: { RATE_LIMIT_ACCOUNT_PER_HOUR: '100000', RATE_LIMIT_PER_MINUTE: '100000' } });
afterAll(() => t.dispose());

type ErrorBody = { error: { code: string; message: string } };
let keys = 0;
const nextKey = () => `security-test-${++keys}`;

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\n\s+at .+[(:]\d+/);
  expect(text).not.toMatch(/\.(ts|js|mjs):\d+/);
  expect(text).not.toMatch(/node_modules|\/src\/|SqliteError|TypeError|ZodError|secret internal/i);
}

async function expectError(res: Response, status: number, code: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).not.toContain('errors.');
  expectNoInternals(text);
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const exp = () => Math.floor(Date.now() / 1000) + 600;

describe('signed portal tokens', () => {
  const bad: [string, () => Promise<string>][] = [
    ['a wrong signature', () => portalToken('atupri-demo-anna', 'atupri', { secret: 'not-the-secret' })],
    ['an expired token', () => portalToken('atupri-demo-anna', 'atupri', { expiresIn: -60 })],
    ['another tenant', () => portalToken('kpt-demo-marie', 'kpt')],
    ['no expiry', () => sign({ sub: 'atupri-demo-anna', tenant: 'atupri' }, TOKEN_SECRET, 'HS256')],
    ['no subject', () => sign({ tenant: 'atupri', exp: exp() }, TOKEN_SECRET, 'HS256')],
    ['another algorithm', () => sign({ sub: 'atupri-demo-anna', tenant: 'atupri', exp: exp() }, TOKEN_SECRET, 'HS512')],
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'atupri-demo-anna', tenant: 'atupri', exp: exp() })}.`],
    ['a tampered payload', async () => {
      const [h, , s] = (await portalToken('atupri-demo-anna', 'atupri')).split('.');
      return `${h}.${b64({ sub: 'atupri-demo-luca', tenant: 'atupri', exp: exp() })}.${s}`;
    }],
    ['garbage', async () => 'not.a.token'],
  ];

  it.each(bad)('refuses %s with 401 invalid_token on /api/chat and /api/actions', async (_name, make) => {
    const token = await make();
    const auth = { authorization: `Bearer ${token}` };
    await expectError(await post('/api/chat', { tenant: 'atupri', lang: 'fr', message: 'franchise' }, auth), 401, 'invalid_token');
    await expectError(await post('/api/actions/accident-cover', { tenant: 'atupri', params: { include: false } }, { ...auth, 'idempotency-key': nextKey() }), 401, 'invalid_token');
    await expectError(await post('/api/actions/password-reset', { tenant: 'atupri', params: { identifier: 'anna.muster@example.ch' } }, { ...auth, 'idempotency-key': nextKey() }), 401, 'invalid_token');
  });

  it('accepts a good token, and without one an account change asks to sign in', async () => {
    const token = await portalToken('atupri-demo-anna', 'atupri');
    expect((await post('/api/actions/accident-cover', { tenant: 'atupri', params: { include: true } }, { authorization: `Bearer ${token}`, 'idempotency-key': nextKey() })).status).toBe(200);
    await expectError(await post('/api/actions/accident-cover', { tenant: 'atupri', params: { include: true } }, { 'idempotency-key': nextKey() }), 401, 'sign_in_required');
  });
});

describe('no account enumeration on public actions', () => {
  const cases: { action: string; tenant: string; existing: Record<string, string>; unknown: Record<string, string> }[] = [
    { action: 'password-reset', tenant: 'atupri', existing: { identifier: 'anna.muster@example.ch' }, unknown: { identifier: 'nobody.here@example.ch' } },
    { action: 'resend-code', tenant: 'kpt', existing: { identifier: 'KPT12345678', channel: 'sms' }, unknown: { identifier: 'KPT99999999', channel: 'sms' } },
    { action: 'order-code-card', tenant: 'kpt', existing: { identifier: 'marie.exemple@example.ch' }, unknown: { identifier: 'marie.autre@example.ch' } },
    {
      action: 'start-registration',
      tenant: 'atupri',
      existing: { insuredNumber: '756123456', email: 'anna.muster@example.ch', mobile: '0791234567' },
      unknown: { insuredNumber: '756999999', email: 'nobody.here@example.ch', mobile: '0791234599' },
    },
    { action: 'resend-activation', tenant: 'atupri', existing: { email: 'luca.muster@example.ch' }, unknown: { email: 'nobody.here@example.ch' } },
  ];
  const ROUNDS = 20;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const shape = (v: unknown): unknown =>
    v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)])) : typeof v === 'string' ? v.replace(/[0-9A-F]{8}$/, 'HEX') : v;

  it.each(cases)('$action answers alike for an existing and an unknown account', async ({ action, tenant, existing, unknown }) => {
    const times = { existing: [] as number[], unknown: [] as number[] };
    const seen = new Set<string>();
    const headerSets = new Set<string>();
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate the order, so warm-up and caches favour neither side.
      for (const which of i % 2 ? (['existing', 'unknown'] as const) : (['unknown', 'existing'] as const)) {
        const started = performance.now();
        const res = await post(`/api/actions/${action}`, { tenant, lang: 'fr', params: which === 'existing' ? existing : unknown }, { 'idempotency-key': nextKey() });
        times[which].push(performance.now() - started);
        const text = await res.text();
        expect(res.status, text).toBe(200);
        const body = JSON.parse(text) as { ok: boolean; action: string; reference: string };
        expect(body.reference).toMatch(/^D-[0-9A-F]{8}$/);
        seen.add(JSON.stringify(shape(body)));
        headerSets.add([...res.headers.keys()].filter((h) => h !== 'content-length').sort().join());
      }
    }
    // One answer shape for both: {"ok":true,"action":...,"reference":"D-HEX"}.
    expect([...seen]).toEqual([JSON.stringify({ ok: true, action, reference: 'D-HEX' })]);
    expect(headerSets.size).toBe(1);
    const e = median(times.existing);
    const u = median(times.unknown);
    console.info(`${action}: median ${e.toFixed(2)} ms existing, ${u.toFixed(2)} ms unknown (${ROUNDS} rounds)`);
  });
});

describe('no internal detail in any response', () => {
  const broken: ActionBackend = {
    perform: async () => {
      throw new Error('secret internal detail at /src/actions/http.ts:42');
    },
    account: async () => {
      throw new Error('secret internal detail');
    },
  };
  const failing = buildChatApp({ backend: broken });
  const logger = pino({ level: 'silent' });
  const exploding: Assistant = {
    reply: async () => {
      throw new TypeError('secret internal detail at /src/chat/engine.ts:12:3');
    },
    suggestions: async () => [],
    history: async () => {
      throw new TypeError('secret internal detail');
    },
  };
  const app = holdToOpenApi(createApp({
    library: failing.library,
    contentErrors: () => [],
    defaultTenant: 'atupri',
    clock: () => new Date(),
    logger,
    store: failing.store,
    actions: createActionService({ backend: broken, store: failing.store, clock: () => new Date(), logger }),
    assistant: exploding,
    portalTokenSecret: TOKEN_SECRET,
    demo: true,
  }));
  afterAll(() => failing.dispose());

  it('turns a failing backend into 503 backend_unavailable with Retry-After', async () => {
    const res = await failing.app.request('/api/actions/password-reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': nextKey() },
      body: JSON.stringify({ tenant: 'atupri', params: { identifier: 'anna.muster@example.ch' } }),
    });
    expect(res.headers.get('retry-after')).toBe('30');
    await expectError(res, 503, 'backend_unavailable');
  });

  it('answers a bug with 500 internal_error in JSON on the API and a plain sorry page elsewhere', async () => {
    await expectError(await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'atupri', message: 'hallo' }) }), 500, 'internal_error');
    const page = await app.request('http://localhost/atupri/fr/chat/resume?embed=1', { method: 'POST', headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' }, body: 'conversationId=abc' });
    expect(page.status).toBe(500);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expectNoInternals(await page.text());
  });
});

describe('headers, CSRF and sizes', () => {
  const routes = ['/', '/atupri/fr/', '/kpt/de/search?q=code', '/kpt/fr/faq/login-code-card', '/kpt/fr/chat', '/api/search?tenant=kpt&q=code', '/api/nope', '/nope/nope/nope', '/healthz'];

  it.each(routes)('GET %s carries the security headers and a CSP without inline script', async (path) => {
    const res = await t.app.request(path);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    if (path === '/kpt/fr/chat') {
      // Framed by the widget on the tenant's own sites only.
      expect(csp).toContain("frame-ancestors 'self' https://www.kpt.ch https://kptnet.kpt.ch");
    } else if (res.status !== 302) {
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('isolates from other windows every page with a visitor\'s or an editor\'s state, not the published help or a fresh chat', async () => {
    const coop = async (path: string) => (await t.app.request(path)).headers.get('cross-origin-opener-policy');
    for (const path of ['/editor', '/api/search?tenant=kpt&q=code', '/nope/nope/nope', '/healthz']) expect(await coop(path), path).toBe('same-origin');
    for (const path of ['/atupri/fr/', '/kpt/de/search?q=code', '/kpt/fr/faq/login-code-card', '/kpt/fr/chat']) expect(await coop(path), path).toBeNull();
    // The chat page that opens on the visitor's conversation (kept in a cookie without JavaScript) is isolated.
    const posted = await t.app.request('/kpt/fr/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: new URLSearchParams({ message: 'mon e-mail est anna.muster@example.ch' }).toString(),
    });
    const cookie = posted.headers.get('set-cookie')!.split(';')[0]!;
    const resumed = await t.app.request('/kpt/fr/chat', { headers: { cookie } });
    expect(await resumed.text()).toContain('anna.muster@example.ch');
    expect(resumed.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect((await t.app.request('/kpt/fr/chat', { headers: { cookie: 'chat_conversation=unknown-id' } })).headers.get('cross-origin-opener-policy')).toBeNull();
  });

  it('refuses a chat form posted from another site (CSRF)', async () => {
    const res = await t.app.request('http://localhost/kpt/fr/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'message=franchise',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).not.toContain('franchise');
  });

  it('refuses a body over 16 KiB with 413 and a message over 1000 characters with 422', async () => {
    await expectError(await post('/api/chat', { tenant: 'kpt', message: 'x'.repeat(20_000) }), 413, 'payload_too_large');
    await expectError(await post('/api/chat', { tenant: 'kpt', message: 'franchise '.repeat(101) }), 422, 'message_too_long');
  });
});
