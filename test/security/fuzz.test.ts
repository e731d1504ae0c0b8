/**
 * Property-based tests: random and hostile input at every route and form. Whatever comes in, the answer
 * is never a 5xx, always the contract's JSON error on /api/* and an HTML page elsewhere, and nothing
 * the visitor sent comes back as live markup.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatApp, portalToken } from '../helpers/chat.ts';

const t = buildChatApp({ env: { RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_CONVERSATION_PER_MINUTE: '1000000', RATE_LIMIT_ACCOUNT_PER_HOUR: '1000000' } });
afterAll(() => t.dispose());

const RUNS = { numRuns: 150 };

/** Markup that must never come back live; each carries the marker xss1337. */
const XSS = [
  '<script>alert("xss1337")</script>',
  '"><script>alert(`xss1337`)</script>',
  "'><img src=x onerror=alert('xss1337')>",
  '<svg onload=alert(xss1337)>',
  '</textarea><script>xss1337</script>',
  'javascript:alert("xss1337")',
  '<a href="javascript:alert(1)">xss1337</a>',
  '{{xss1337}}<%= it.secret %>${xss1337}',
];
const TRICKY = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '../../etc/passwd', '%00', '\u0000', '\u202e', 'NaN', '-1', '1e309', 'null', 'undefined', '[]', '{}'];

/** encodeURIComponent refuses lone surrogates; browsers send them as U+FFFD. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd'));
const chars = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(
  fc.constantFrom(...XSS, ...TRICKY, '', ' ', '\t\n\r '),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: chars(0, 31), maxLength: 20 }), // control characters
  fc.string({ unit: chars(0xd800, 0xdfff), minLength: 1, maxLength: 6 }), // lone surrogates
  fc.integer({ min: 900, max: 6000 }).map((n) => 'é'.repeat(n)), // huge
  fc.tuple(fc.constantFrom(...XSS), fc.string({ maxLength: 10 })).map(([x, s]) => `franchise ${s} ${x}`),
);
const deepJson = fc.integer({ min: 10, max: 3000 }).map((d) => JSON.parse(`${'{"a":'.repeat(d)}1${'}'.repeat(d)}`) as unknown);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 4 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
  deepJson,
);
const tenant = fc.oneof(fc.constantFrom('atupri', 'kpt', 'ATUPRI', 'nope', ''), anyValue);
const lang = fc.oneof(fc.constantFrom('fr', 'de', 'it', 'en', 'FR', 'de-CH', ''), anyValue);
const acceptLanguage = fc.oneof(fc.constantFrom('fr-CH', 'de-CH,de;q=0.9', 'it', 'en-US,en;q=0.5', '*', 'q=;;,', ''), fc.string({ maxLength: 40 }));

/** A real conversation id, a stale one, or garbage. */
let liveConversation = '';
const conversationId = fc.oneof(fc.constant(() => liveConversation), fc.constant(() => 'AAAAAAAAAAAAAAAAAAAAAA'), hostileString.map((s) => () => s));

beforeAll(async () => {
  const res = await t.app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'atupri', lang: 'fr', message: 'franchise' }) });
  liveConversation = ((await res.json()) as { conversationId: string }).conversationId;
});

async function check(res: Response, path: string, htmx = false) {
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  expect(res.status, `${path}: ${text.slice(0, 300)}`).toBeLessThan(500);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  // The path as the URL parser resolves it ("/../api" is "/api").
  const resolved = new URL(`http://localhost${path}`).pathname;
  if (/^\/api(\/|$)/.test(resolved) || (resolved.startsWith('/healthz') && type.startsWith('application/json'))) {
    expect(type, path).toMatch(/^application\/json/);
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (res.status >= 400) {
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error!.code).toMatch(/^[a-z_]+$/);
      expect(typeof body.error!.message).toBe('string');
      expect((body.error!.message as string).length).toBeGreaterThan(5);
      expect(body.error!.message).not.toMatch(/^errors\./);
    }
  } else if (res.status >= 300 && res.status < 400) {
    const location = res.headers.get('location') ?? '';
    // Redirects stay on this site.
    expect(location).toMatch(/^\/(?!\/)/);
  } else if (res.status !== 204) {
    expect(type, path).toMatch(/^text\/html/);
    // Full pages say their language; htmx asks for fragments.
    if (!htmx) expect(text).toMatch(/<html lang="(fr|de|it)">/);
  }
  expectNothingLive(text, type);
  expect(text).not.toMatch(/\n\s+at .+[(:]\d+|node_modules|\/src\/\w+/);
}

/** No markup from the input comes back live (JSON bodies are data, served as JSON with nosniff). */
function expectNothingLive(text: string, type: string) {
  if (!type.startsWith('text/html')) return;
  expect(text).not.toMatch(/<script[^>]*>[^<]*xss1337/i);
  // An event handler or javascript: URL as an attribute of a tag (inside an escaped URL they are harmless text).
  expect(text).not.toMatch(/<(img|svg|a)\b[^>]*\s(onerror|onload)\s*=/i);
  expect(text).not.toMatch(/\shref\s*=\s*["']?\s*javascript:/i);
  expect(text).not.toMatch(/<a [^>]*>xss1337/i);
  expect(text).not.toMatch(/\{\{xss1337\}\}<%/);
}

const json = (path: string, body: string, headers: Record<string, string> = {}) =>
  t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('fuzz: POST /api/chat', () => {
  it('answers any JSON body with a reply or a JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ tenant, lang, conversationId, message: anyValue, choice: anyValue }, { requiredKeys: [] }),
        acceptLanguage,
        async (body, al) => {
          const b = { ...body, ...(body.conversationId ? { conversationId: body.conversationId() } : {}) };
          await check(await json('/api/chat', JSON.stringify(b), { 'accept-language': al }), '/api/chat');
        },
      ),
      RUNS,
    );
  });

  it('answers well-formed turns with hostile messages and stale or bad choices', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('atupri', 'kpt'),
        fc.constantFrom('fr', 'de', 'it', undefined),
        conversationId,
        fc.oneof(hostileString.map((message) => ({ message })), hostileString.map((choice) => ({ choice })), fc.constantFrom({ choice: 'contact' }, { choice: 'helpful:__proto__' }, { choice: 'resume' })),
        async (tn, l, id, input) => {
          await check(await json('/api/chat', JSON.stringify({ tenant: tn, lang: l, conversationId: id(), ...input })), '/api/chat');
        },
      ),
      RUNS,
    );
  });

  it('answers bodies that are not JSON at all: random bytes, invalid UTF-8, deep nesting, wrong types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.constantFrom(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0xc0, 0xaf, 0x7d]), new Uint8Array([0xed, 0xa0, 0x80])),
          fc.integer({ min: 1, max: 8000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
          fc.integer({ min: 1, max: 5000 }).map((d) => `{"tenant":"kpt","message":${'['.repeat(d)}"x"${']'.repeat(d)}}`),
          fc.json(),
          fc.string(),
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
        async (body, type) => {
          const res = await t.app.request('/api/chat', { method: 'POST', headers: type ? { 'content-type': type } : {}, body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]) });
          await check(res, '/api/chat');
        },
      ),
      RUNS,
    );
  });
});

describe('fuzz: POST /api/actions/:action', () => {
  it('answers any action, envelope and parameters with a result or a JSON error', async () => {
    const token = await portalToken('atupri-demo-anna', 'atupri');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom('password-reset', 'resend-code', 'order-code-card', 'start-registration', 'resend-activation', 'deductible-change', 'accident-cover', 'online-insurance-join', 'online-insurance-leave', 'contact-request'),
          hostileString.map(encode),
        ),
        fc.record(
          {
            tenant,
            lang,
            idempotencyKey: anyValue,
            params: fc.oneof(
              anyValue,
              fc.record({ identifier: anyValue, email: anyValue, channel: anyValue, amount: anyValue, include: anyValue, name: anyValue, topic: anyValue, message: anyValue, insuredNumber: anyValue, mobile: anyValue }, { requiredKeys: [] }),
            ),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom(undefined, `Bearer ${token}`, 'Bearer x.y.z', 'Basic abc', ''),
        fc.boolean(),
        async (action, body, authorization, withKey) => {
          const headers: Record<string, string> = { ...(authorization !== undefined ? { authorization } : {}), ...(withKey ? { 'idempotency-key': `fuzz-key-${++n}` } : {}) };
          await check(await json(`/api/actions/${action}`, JSON.stringify(body), headers), `/api/actions/${action}`);
        },
      ),
      RUNS,
    );
  });
});

describe('fuzz: GET /api/search', () => {
  it('answers any query string with results or a JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('tenant', 'lang', 'q', 'limit', 'x', '__proto__'), fc.oneof(hostileString, fc.constantFrom('atupri', 'kpt', 'fr', '5', '0', '21', '-1', '1.5', '1e3', 'abc'))),
        acceptLanguage,
        async (params, al) => {
          const path = `/api/search?${new URLSearchParams(params as Record<string, string>)}`;
          await check(await t.app.request(path, { headers: { 'accept-language': al } }), path);
        },
      ),
      RUNS,
    );
  });
});

describe('fuzz: pages and forms', () => {
  const segment = fc.oneof(fc.constantFrom('atupri', 'kpt', 'fr', 'de', 'it', 'en', 'faq', 'chat', 'search', 'static', 'api', 'healthz', '..', '.', ''), hostileString.map(encode), fc.constantFrom('%', '%zz', '%c0%af', '%ff%fe', '%2e%2e%2f', '%00'));

  it('answers any path and query string with a page, a redirect or a JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 0, maxLength: 5 }), fc.dictionary(fc.constantFrom('q', 'c', 'message', 'embed', 'lang', 'x'), hostileString, { maxKeys: 3 }), fc.boolean(), acceptLanguage, async (segments, query, htmx, al) => {
        // A leading "//" would name a host, not a path.
        const path = `/${segments.join('/').replace(/^\/+/, '')}?${new URLSearchParams(query)}`;
        const res = await t.app.request(`http://localhost${path}`, { headers: { 'accept-language': al, ...(htmx ? { 'hx-request': 'true' } : {}) } });
        await check(res, path, htmx);
      }),
      RUNS,
    );
  });

  it('renders hostile search queries, chat prefills and conversation ids escaped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('atupri', 'kpt'), fc.constantFrom('fr', 'de', 'it'), hostileString, conversationId, fc.boolean(), async (tn, l, text, id, htmx) => {
        const headers: Record<string, string> = htmx ? { 'hx-request': 'true' } : {};
        for (const path of [`/${tn}/${l}/search?${new URLSearchParams({ q: text })}`, `/${tn}/${l}/?${new URLSearchParams({ q: text })}`, `/${tn}/${l}/chat?${new URLSearchParams({ message: text, c: id(), embed: '1' })}`, `/${tn}/${l}/faq/${encode(text)}`]) {
          await check(await t.app.request(path, { headers }), path, htmx);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('answers any chat form post with a page, a fragment, a redirect or a friendly error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('atupri', 'kpt', 'nope'),
        fc.constantFrom('fr', 'de', 'it', 'xx'),
        fc.dictionary(fc.constantFrom('message', 'choice', 'conversationId', 'x'), hostileString, { maxKeys: 3 }),
        conversationId,
        fc.boolean(),
        fc.constantFrom('http://localhost', 'https://evil.example', undefined),
        async (tn, l, fields, id, htmx, origin) => {
          const form = new URLSearchParams({ ...fields, ...(fields.conversationId !== undefined ? { conversationId: id() } : {}) });
          const path = `/${tn}/${l}/chat`;
          const res = await t.app.request(`http://localhost${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}), ...(htmx ? { 'hx-request': 'true' } : {}) },
            body: form.toString(),
          });
          await check(res, path, htmx);
        },
      ),
      RUNS,
    );
  });
});
