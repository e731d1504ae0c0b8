import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameToken } from '../../src/web/editor.ts';
import { buildApp, escapeHtml, ROOT, type TestApp } from '../helpers/app.ts';

const TOKEN = 'correct horse battery staple, mauve and plain';
const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;
/** How scripts sign in: the token in a header, never in the address (the pages in French here). */
const AUTH = { headers: { authorization: `Bearer ${TOKEN}`, 'accept-language': 'fr-CH, fr;q=0.9' } };

describe('editor pages without EDITOR_TOKEN', () => {
  let app: TestApp;
  beforeAll(() => {
    app = buildApp();
  });
  afterAll(() => app.dispose());

  it.each(['/editor/status', '/editor/insights', '/editor/insights.csv', `/editor/status${q({ token: TOKEN })}`])('answer 404 at %s', async (path) => {
    const res = await app.app.request(path);
    expect(res.status).toBe(404);
  });
});

describe('editor pages with EDITOR_TOKEN', () => {
  let app: TestApp;
  let contentDir: string;
  beforeAll(async () => {
    // A copy of the content, so one test can break a file on disk (no watching: the served content stays).
    contentDir = mkdtempSync(join(tmpdir(), 'editor-content-'));
    cpSync(join(ROOT, 'content'), contentDir, { recursive: true });
    app = buildApp({ EDITOR_TOKEN: TOKEN, CONTENT_DIR: contentDir });
    // A little activity to report on.
    for (const message of ['quel temps fera-t-il demain à Berne ?', 'je veux parler à un conseiller']) {
      await app.app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'kpt', lang: 'fr', message }) });
    }
    await app.app.request('/kpt/fr/faq/login-code-card/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: 'helpful=no&reason=not_related',
    });
  });
  afterAll(() => {
    app.dispose();
    rmSync(contentDir, { recursive: true, force: true });
  });

  it.each([
    ['no token', '/editor/status', {}],
    ['a wrong token', '/editor/status', { authorization: 'Bearer guess' }],
    ['a token that is one letter short', '/editor/status', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['a wrong token on insights', '/editor/insights', { authorization: 'Bearer guess' }],
    ['a wrong token on the CSV', '/editor/insights.csv', { authorization: 'Bearer guess' }],
    ['the right token in the address (it would stay in history and proxy logs)', `/editor/status${q({ token: TOKEN })}`, {}],
  ])('answer %s with the sign-in page (401)', async (_what, path, headers) => {
    const res = await app.app.request(path, { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/editor/sign-in">');
    expect(html).not.toContain(TOKEN);
    expect(html).not.toContain(encodeURIComponent(TOKEN));
  });

  it('shows the content status: version, load time, tenants, and no problems', async () => {
    const res = await app.app.request('/editor/status', AUTH);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const library = app.library();
    expect(html).toContain(`Version du contenu en service\u00a0: ${library.content.version}, chargée le `);
    expect(html).toContain('Le rechargement automatique est désactivé');
    expect(html).toMatch(/<strong>kpt<\/strong>\u00a0: entrées fr \d+, de \d+, it \d+/);
    expect(html).toContain('La dernière modification a été chargée sans problème.');
    expect(html).toContain('Aucun problème.');
    expect(html).toContain('conservés 90\u00a0jours');
  });

  it('accepts the token as a Bearer header too', async () => {
    const res = await app.app.request('/editor/status', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it('shows what content:check says of the files on disk, while the loaded content keeps serving', async () => {
    const file = join(contentDir, 'kpt', 'faq', 'login-code-card.de.md');
    const good = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, `${good.trimEnd()}\n\nRufen Sie uns an: 0800815416.\n`);
      const html = await (await app.app.request('/editor/status', AUTH)).text();
      expect(html).toContain('<h3>1 erreur</h3>');
      expect(html).toMatch(/login-code-card\.de\.md:\d+: phone number &quot;0800815416&quot; should be written like/);
      expect((await app.app.request('/kpt/de/faq/login-code-card')).status).toBe(200);
    } finally {
      writeFileSync(file, good);
    }
  });

  it('shows insights for a tenant and period, with the figures of the log', async () => {
    const res = await app.app.request(`/editor/insights${q({ tenant: 'kpt', since: '30d' })}`, AUTH);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Analyses\u00a0: kpt</h1>');
    const figures = (html.match(/<dt>[^<]*<\/dt><dd>[^<]*<\/dd>/g) ?? []).map((x) => x.replace(/<\/?d[td]>/g, '|'));
    expect(figures).toEqual([
      '|Questions enregistrées||2|',
      '|Sans réponse ou avec «\u202fVouliez-vous dire\u202f»||0|',
      '|Refusées hors sujet||1|',
      '|Transmises à une personne||1|',
      '|Avis||1|',
      '|dont «\u202fpas utile\u202f»||1|',
    ]);
    // The weather is no subject of ours: listed with the refusals, not with the content gaps.
    const oos = html.slice(html.indexOf('id="out-of-scope"'), html.indexOf('id="suggestions"'));
    expect(oos).toContain(`<span lang="fr">${escapeHtml('quel temps fera-t-il demain à Berne ?')}</span>`);
    expect(html).toMatch(/<code>login-code-card<\/code><br>.+<\/td><td>0<\/td><td>1<\/td><td>1<\/td><td>0<\/td><td>0\u202f%<\/td>/);
    expect(html).toContain('<tr><td>(sans thème)</td><td>2</td><td>1</td><td>50\u202f%</td></tr>');
    expect(html).toContain('href="/editor/insights.csv?tenant=kpt&amp;since=30d"');
    expect(html).not.toContain('token=');
  });

  it('shows the default tenant and 30 days when none are given', async () => {
    const html = await (await app.app.request('/editor/insights', AUTH)).text();
    expect(html).toContain('<h1>Analyses\u00a0: atupri</h1>');
    expect(html).toContain('<option value="30d" selected>');
  });

  it('refuses an unknown tenant or period with a page that says why', async () => {
    const tenant = await app.app.request(`/editor/insights${q({ tenant: 'acme' })}`, AUTH);
    expect(tenant.status).toBe(400);
    expect(await tenant.text()).toContain('Il n&#39;y a pas d&#39;assureur «\u202facme\u202f».');
    const since = await app.app.request(`/editor/insights.csv${q({ tenant: 'kpt', since: 'lately' })}`, AUTH);
    expect(since.status).toBe(400);
    expect(await since.text()).toContain('n&#39;est pas une période');
  });

  it('exports the same report as CSV', async () => {
    const res = await app.app.request(`/editor/insights.csv${q({ tenant: 'kpt', since: '7d' })}`, AUTH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="insights-kpt-7d.csv"');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('section,tenant,lang,item,title,count,helpful,not_helpful,not_related,did_not_answer,escalated,rate');
    expect(lines).toContain('out_of_scope,kpt,fr,quel temps fera-t-il demain à Berne ?,,1,,,,,,');
    expect(lines).toContain('escalation,kpt,,(no topic),,2,,,,,1,0.500');
  });
});

describe('editor sign-in', () => {
  let app: TestApp;
  beforeAll(() => {
    app = buildApp({ EDITOR_TOKEN: TOKEN });
  });
  afterAll(() => app.dispose());

  const signIn = (token: string, init: { origin?: string; next?: string; url?: string } = {}) =>
    app.app.request(init.url ?? 'http://localhost/editor/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: init.origin ?? 'http://localhost', 'accept-language': 'fr-CH' },
      body: new URLSearchParams({ token, next: init.next ?? '/editor/insights?tenant=kpt' }).toString(),
    });
  const cookieOf = (res: Response) => res.headers.get('set-cookie')?.split(';')[0] ?? '';

  it('trades the token for an HttpOnly, SameSite=Strict session cookie and leads back to the page asked for', async () => {
    const res = await signIn(TOKEN);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/editor/insights?tenant=kpt');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^editor_session=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/editor');
    expect(cookie).not.toContain('Secure');
    expect(cookie).not.toContain(TOKEN);
    const page = await app.app.request('/editor/insights?tenant=kpt', { headers: { cookie: cookieOf(res), 'accept-language': 'de-CH' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<h1>Auswertungen: kpt</h1>');
    // No link or form on the page carries the token.
    expect(html).not.toContain('token=');
    expect(html).not.toContain('name="token"');
  });

  it('sets a Secure cookie behind HTTPS', async () => {
    const res = await signIn(TOKEN, { url: 'https://help.example.ch/editor/sign-in', origin: 'https://help.example.ch' });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toContain('Secure');
  });

  it('refuses a wrong token and a forged cookie', async () => {
    const wrong = await signIn('guess');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('Ce n&#39;est pas le jeton de rédaction.');
    const forged = await app.app.request('/editor/status', { headers: { cookie: 'editor_session=99999999999.AAAA' } });
    expect(forged.status).toBe(401);
    // The signature is over the session id: another id under the same signature is refused.
    const real = cookieOf(await signIn(TOKEN));
    const other = real.replace(/=([A-Za-z0-9_-])/, (_m, first: string) => `=${first === 'A' ? 'B' : 'A'}`);
    expect((await app.app.request('/editor/status', { headers: { cookie: other } })).status).toBe(401);
    expect((await app.app.request('/editor/status', { headers: { cookie: real } })).status).toBe(200);
  });

  it('refuses a sign-in posted from another site (CSRF) and never leads off-site after signing in', async () => {
    expect((await signIn(TOKEN, { origin: 'https://evil.example' })).status).toBe(403);
    const res = await signIn(TOKEN, { next: 'https://evil.example/' });
    expect(res.headers.get('location')).toBe('/editor/status');
    const protocolRelative = await signIn(TOKEN, { next: '//evil.example/editor/' });
    expect(protocolRelative.headers.get('location')).toBe('/editor/status');
  });

  it('signs out on the server: a copy of the cookie kept from before opens nothing any more', async () => {
    const cookie = cookieOf(await signIn(TOKEN));
    expect((await app.app.request('/editor/status', { headers: { cookie } })).status).toBe(200);
    const out = await app.app.request('http://localhost/editor/sign-out', { method: 'POST', headers: { cookie, origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^editor_session=;.*Max-Age=0/);
    expect((await app.app.request('/editor/status', { headers: { cookie } })).status).toBe(401);
  });
});

describe('failed editor sign-ins', () => {
  let app: TestApp;
  beforeAll(() => {
    app = buildApp({ EDITOR_TOKEN: TOKEN, TRUST_PROXY: 'true' });
  });
  afterAll(() => app.dispose());

  const from = (address: string, token: string) =>
    app.app.request('http://localhost/editor/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', 'accept-language': 'de-CH', 'x-forwarded-for': address },
      body: new URLSearchParams({ token, next: '/editor/status' }).toString(),
    });

  it('pause an address after ten, and then refuse even the right token, form and header alike', async () => {
    for (let i = 0; i < 10; i++) expect((await from('203.0.113.7', `guess ${i}`)).status).toBe(401);
    const paused = await from('203.0.113.7', 'guess 10');
    expect(paused.status).toBe(429);
    expect(Number(paused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await paused.text()).toContain('Zu viele fehlgeschlagene Anmeldeversuche');
    // Guessing right now teaches nothing: it is refused the same way.
    const right = await from('203.0.113.7', TOKEN);
    expect(right.status).toBe(429);
    expect(right.headers.get('set-cookie')).toBeNull();
    const header = await app.app.request('/editor/status', { headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-for': '203.0.113.7' } });
    expect(header.status).toBe(429);
    // Another address signs in as usual.
    expect((await from('198.51.100.20', TOKEN)).status).toBe(303);
  });

  it('count wrong Authorization headers as failed sign-ins', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await app.app.request('/editor/status', { headers: { authorization: `Bearer guess ${i}`, 'x-forwarded-for': '203.0.113.8' } });
      expect(res.status).toBe(401);
    }
    expect((await app.app.request('/editor/status', { headers: { authorization: 'Bearer guess', 'x-forwarded-for': '203.0.113.8' } })).status).toBe(429);
    expect((await from('203.0.113.8', TOKEN)).status).toBe(429);
  });

  it('pause every address once a hundred failed overall, from many addresses', async () => {
    const t = buildApp({ EDITOR_TOKEN: TOKEN, TRUST_PROXY: 'true' });
    try {
      const attempt = (address: string, token: string) =>
        t.app.request('http://localhost/editor/sign-in', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', 'x-forwarded-for': address },
          body: new URLSearchParams({ token }).toString(),
        });
      for (let i = 0; i < 100; i++) expect((await attempt(`192.0.2.${i}`, 'guess')).status).toBe(401);
      expect((await attempt('192.0.2.200', 'guess')).status).toBe(429);
      expect((await attempt('198.51.100.99', TOKEN)).status).toBe(429);
    } finally {
      await t.dispose();
    }
  });
});

describe('sameToken', () => {
  it('accepts the token and nothing else, whatever the length', () => {
    expect(sameToken(TOKEN, TOKEN)).toBe(true);
    expect(sameToken('', TOKEN)).toBe(false);
    expect(sameToken(TOKEN.toUpperCase(), TOKEN)).toBe(false);
    expect(sameToken(`${TOKEN} `, TOKEN)).toBe(false);
    expect(sameToken('x'.repeat(10_000), TOKEN)).toBe(false);
  });
});
