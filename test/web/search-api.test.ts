import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../helpers/app.ts';

const testApp = buildApp();
afterAll(() => testApp.dispose());
const { app } = testApp;

type Result = { id: string; title: string; answer: string; score: number; url: string };
type SearchBody = { tenant: string; lang: string; query: string; results: Result[] };
type ErrorBody = { error: { code: string; message: string } };

const search = (params: Record<string, string>, headers: Record<string, string> = {}) =>
  app.request(`/api/search?${new URLSearchParams(params)}`, { headers });

async function ok(params: Record<string, string>, headers: Record<string, string> = {}): Promise<SearchBody> {
  const res = await search(params, headers);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(text) as SearchBody;
}

async function failure(res: Response, status: number, code: string): Promise<ErrorBody> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text) as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(5);
  // The message is a translated sentence, never the raw key.
  expect(body.error.message).not.toContain('errors.');
  expectNoStackTrace(text);
  return body;
}

function expectNoStackTrace(text: string) {
  expect(text).not.toMatch(/\n\s+at .+[(:]\d+/);
  expect(text).not.toMatch(/\.(ts|js|mjs):\d+/);
  expect(text).not.toMatch(/node_modules|\/src\//);
}

describe('GET /healthz', () => {
  it('answers 200 with status ok once the content is loaded', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; tenants: string[]; contentVersion: string };
    expect(body.status).toBe('ok');
    expect(body.tenants.sort()).toEqual(['atupri', 'kpt']);
    expect(body.contentVersion).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe('GET /api/search: results', () => {
  it('answers in the shape of the contract', async () => {
    const body = await ok({ tenant: 'kpt', lang: 'fr', q: 'carte de code', limit: '5' });
    expect(Object.keys(body).sort()).toEqual(['lang', 'query', 'results', 'tenant']);
    expect(body).toMatchObject({ tenant: 'kpt', lang: 'fr', query: 'carte de code' });
    expect(body.results.length).toBeGreaterThan(0);
    for (const r of body.results) {
      expect(Object.keys(r).sort()).toEqual(['answer', 'id', 'score', 'title', 'url']);
      expect(typeof r.id).toBe('string');
      expect(typeof r.title).toBe('string');
      expect(typeof r.answer).toBe('string');
      expect(Number.isFinite(r.score)).toBe(true);
    }
  });

  it('puts the matching entry first, with its French title', async () => {
    const body = await ok({ tenant: 'kpt', lang: 'fr', q: 'carte de code' });
    expect(body.results[0]).toMatchObject({ id: 'login-code-card', title: "Qu'est-ce qu'une carte de code\u202f?" });
  });

  it('gives the answer as plain text, Markdown stripped', async () => {
    const body = await ok({ tenant: 'kpt', lang: 'fr', q: 'carte de code' });
    const answer = body.results[0]!.answer;
    expect(answer).toContain('100 combinaisons de chiffres et de lettres');
    expect(answer).not.toMatch(/\*\*|<\/?[a-z]+>/);
  });

  it('orders results best first', async () => {
    const body = await ok({ tenant: 'atupri', lang: 'de', q: 'Passwort Login SMS Code', limit: '10' });
    expect(body.results.length).toBeGreaterThan(2);
    const scores = body.results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('links each result to its help page, /<tenant>/<lang>/faq/<id>', async () => {
    const body = await ok({ tenant: 'atupri', lang: 'it', q: 'password dimenticata', limit: '10' });
    for (const r of body.results) expect(r.url).toBe(`/atupri/it/faq/${r.id}`);
    const page = await app.request(body.results[0]!.url);
    expect(page.status).toBe(200);
  });

  it('returns at most `limit` results', async () => {
    const two = await ok({ tenant: 'kpt', lang: 'de', q: 'Code Login Passwort Dokumente', limit: '2' });
    expect(two.results).toHaveLength(2);
    const one = await ok({ tenant: 'kpt', lang: 'de', q: 'Code Login Passwort Dokumente', limit: '1' });
    expect(one.results).toHaveLength(1);
    expect(one.results[0]!.id).toBe(two.results[0]!.id);
  });

  it('returns 5 results when no limit is given', async () => {
    const body = await ok({ tenant: 'kpt', lang: 'de', q: 'Code Login Passwort Dokumente Rabatt' });
    expect(body.results).toHaveLength(5);
  });

  it('accepts the limits 1 and 20', async () => {
    await ok({ tenant: 'kpt', lang: 'fr', q: 'code', limit: '1' });
    const body = await ok({ tenant: 'kpt', lang: 'fr', q: 'code connexion document rabais', limit: '20' });
    expect(body.results.length).toBeLessThanOrEqual(20);
  });

  it('answers an empty result list for a question nothing matches', async () => {
    const body = await ok({ tenant: 'kpt', lang: 'fr', q: 'xylophone zzqv' });
    expect(body.results).toEqual([]);
  });
});

describe('GET /api/search: language', () => {
  it('detects German from the question when no lang is given', async () => {
    const body = await ok({ tenant: 'kpt', q: 'Ich habe mein Passwort vergessen' });
    expect(body.lang).toBe('de');
    expect(body.results[0]).toMatchObject({ id: 'login-forgot-password', url: '/kpt/de/faq/login-forgot-password' });
  });

  it('detects French from the question when no lang is given', async () => {
    const body = await ok({ tenant: 'atupri', q: "J'ai oublié mon mot de passe" }, { 'accept-language': 'de-CH,de;q=0.9' });
    expect(body.lang).toBe('fr');
    expect(body.results[0]!.url).toBe('/atupri/fr/faq/login-forgot-password');
  });

  it.each([
    ['it-CH,it;q=0.9,en;q=0.5', 'it'],
    ['de-CH,de;q=0.9', 'de'],
    ['en-US,fr;q=0.8', 'fr'],
  ])('falls back to Accept-Language "%s" for a language-neutral query', async (acceptLanguage, lang) => {
    const body = await ok({ tenant: 'kpt', q: 'SMS' }, { 'accept-language': acceptLanguage });
    expect(body.lang).toBe(lang);
    expect(body.results.length).toBeGreaterThan(0);
    for (const r of body.results) expect(r.url.startsWith(`/kpt/${lang}/faq/`)).toBe(true);
  });

  it('shows the French entry for a German question on a French page (lang=fr)', async () => {
    const body = await ok({ tenant: 'kpt', lang: 'fr', q: 'Was ist eine Codekarte?' });
    expect(body.lang).toBe('fr');
    expect(body.results[0]).toMatchObject({
      id: 'login-code-card',
      title: "Qu'est-ce qu'une carte de code\u202f?",
      url: '/kpt/fr/faq/login-code-card',
    });
  });

  it('finds the right entry for an Italian question on a German page', async () => {
    const body = await ok({ tenant: 'atupri', lang: 'de', q: 'Ho dimenticato la password' });
    expect(body.lang).toBe('de');
    expect(body.results[0]).toMatchObject({ id: 'login-forgot-password', url: '/atupri/de/faq/login-forgot-password' });
    expect(body.results[0]!.title).toMatch(/Passwort/);
  });

  it('echoes the named language', async () => {
    for (const lang of ['fr', 'de', 'it']) expect((await ok({ tenant: 'kpt', lang, q: 'SMS' })).lang).toBe(lang);
  });
});

describe('GET /api/search: errors', () => {
  it.each([
    ['absent', { tenant: 'kpt', lang: 'fr' }],
    ['empty', { tenant: 'kpt', lang: 'fr', q: '' }],
    ['only spaces', { tenant: 'kpt', lang: 'fr', q: '   ' }],
  ])('answers 400 missing_query when q is %s', async (_, params) => {
    await failure(await search(params), 400, 'missing_query');
  });

  it('answers 400 unsupported_language for lang=en', async () => {
    await failure(await search({ tenant: 'kpt', lang: 'en', q: 'password' }), 400, 'unsupported_language');
  });

  it('answers 400 invalid_parameter without a tenant', async () => {
    const body = await failure(await search({ lang: 'fr', q: 'mot de passe' }), 400, 'invalid_parameter');
    expect(body.error.message).toContain('tenant');
  });

  it('answers 404 unknown_tenant for a tenant that does not exist', async () => {
    await failure(await search({ tenant: 'nope', lang: 'fr', q: 'mot de passe' }), 404, 'unknown_tenant');
  });

  it.each(['0', '21', 'abc', '2.5', '-1'])('answers 400 for limit=%s', async (limit) => {
    const body = await failure(await search({ tenant: 'kpt', lang: 'fr', q: 'code', limit }), 400, 'invalid_parameter');
    expect(body.error.message).toContain('limit');
  });

  it('answers 400 for a question longer than 500 characters', async () => {
    await failure(await search({ tenant: 'kpt', lang: 'fr', q: 'code '.repeat(101) }), 400, 'invalid_parameter');
  });

  it('writes the message in the request language', async () => {
    const de = await failure(await search({ tenant: 'kpt', lang: 'de' }), 400, 'missing_query');
    const fr = await failure(await search({ tenant: 'kpt', lang: 'fr' }), 400, 'missing_query');
    const it_ = await failure(await search({ tenant: 'kpt', lang: 'it' }), 400, 'missing_query');
    expect(de.error.message).toBe('Bitte geben Sie eine Frage ein.');
    expect(fr.error.message).toBe('Veuillez saisir une question.');
    expect(new Set([de.error.message, fr.error.message, it_.error.message]).size).toBe(3);
    const tenant = await failure(await search({ tenant: 'nope', lang: 'de', q: 'Passwort' }), 404, 'unknown_tenant');
    expect(tenant.error.message).toBe(testApp.library().t('de', 'errors.unknown_tenant'));
  });

  it('writes the message in the Accept-Language language when lang itself is unusable', async () => {
    const body = await failure(await search({ tenant: 'kpt', lang: 'en', q: 'x' }, { 'accept-language': 'de-CH,de;q=0.9' }), 400, 'unsupported_language');
    expect(body.error.message).toBe(testApp.library().t('de', 'errors.unsupported_language'));
  });

  it('answers an unknown /api/ path with a JSON not_found error', async () => {
    await failure(await app.request('/api/nothing-here', { headers: { 'accept-language': 'it' } }), 404, 'not_found');
  });

  it('answers 500 internal_error without the cause when something breaks', async () => {
    // A second app whose search index fails like a bug would; the app reads the library on each request.
    const failing = buildApp();
    try {
      failing.library().search.search = () => {
        throw new Error('secret detail at /work/main/src/search/service.ts:42');
      };
      const res = await failing.app.request('/api/search?tenant=kpt&lang=it&q=password');
      const body = await failure(res, 500, 'internal_error');
      expect(JSON.stringify(body)).not.toContain('secret detail');
      expect(body.error.message).toBe(failing.library().t('it', 'errors.internal_error'));
    } finally {
      failing.dispose();
    }
  });
});
