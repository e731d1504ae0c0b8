import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, escapeHtml } from '../helpers/app.ts';

const testApp = buildApp();
afterAll(() => testApp.dispose());
const { app } = testApp;
const content = () => testApp.library().content;
const t = (lang: 'fr' | 'de' | 'it', key: string) => testApp.library().t(lang, key);

async function page(path: string, headers: Record<string, string> = {}): Promise<{ res: Response; html: string }> {
  const res = await app.request(path, { headers });
  return { res, html: await res.text() };
}

function expectHtml(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
}

function expectNoStackTrace(html: string) {
  expect(html).not.toMatch(/\n\s+at .+[(:]\d+/);
  expect(html).not.toMatch(/\.(ts|js|eta):\d+/);
  expect(html).not.toMatch(/node_modules|\/src\/|Error:/);
}

/** The links of a page as [href, attributes] pairs. */
const links = (html: string) => [...html.matchAll(/<a\s([^>]*)>/g)].map((m) => m[1]!);

describe('GET /', () => {
  it.each([
    ['fr-CH,fr;q=0.9,de;q=0.8', 'fr'],
    ['de-CH', 'de'],
    ['it', 'it'],
  ])('redirects to the default tenant in the Accept-Language language (%s)', async (acceptLanguage, lang) => {
    const res = await app.request('/', { headers: { 'accept-language': acceptLanguage } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/atupri/${lang}/`);
  });

  it("redirects to the default tenant's default language without a usable Accept-Language", async () => {
    const res = await app.request('/', { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(res.headers.get('location')).toBe(`/atupri/${content().tenants.get('atupri')!.tenant.defaultLanguage}/`);
  });

  it('redirects a bare tenant path to its home in the visitor language', async () => {
    const res = await app.request('/kpt', { headers: { 'accept-language': 'it-CH' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/kpt/it/');
  });
});

describe('GET /:tenant/:lang/ (home)', () => {
  it('lists every category with its entries', async () => {
    const { res, html } = await page('/kpt/fr/');
    expect(res.status).toBe(200);
    expectHtml(res);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<html lang="fr">');
    const kpt = content().tenants.get('kpt')!;
    for (const cat of kpt.tenant.categories) expect(html).toContain(`<summary>${escapeHtml(cat.title.fr)}</summary>`);
    for (const e of kpt.entries.fr) {
      expect(html).toContain(`<a href="/kpt/fr/faq/${e.id}">${escapeHtml(e.question)}</a>`);
    }
    expect(html).toContain(escapeHtml("Qu'est-ce qu'une carte de code\u202f?"));
  });

  it('shows entries in the page language only', async () => {
    const { html } = await page('/kpt/de/');
    expect(html).toContain('<a href="/kpt/de/faq/login-code-card">Was ist eine Codekarte?</a>');
    expect(html).not.toContain('/kpt/fr/faq/');
  });

  it('has a language switcher to the same page in the other languages', async () => {
    const { html } = await page('/kpt/fr/');
    const nav = /<nav[^>]*class="langs"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
    const found = links(nav);
    expect(found.some((a) => a.includes('href="/kpt/de/"') && a.includes('hreflang="de"'))).toBe(true);
    expect(found.some((a) => a.includes('href="/kpt/it/"') && a.includes('hreflang="it"'))).toBe(true);
    expect(found.find((a) => a.includes('hreflang="fr"'))).toContain('aria-current="true"');
  });

  it('keeps the entry when switching language on an entry page', async () => {
    const { html } = await page('/atupri/de/faq/login-forgot-password');
    expect(html).toContain('href="/atupri/fr/faq/login-forgot-password"');
    expect(html).toContain('href="/atupri/it/faq/login-forgot-password"');
  });

  it('offers the search form pointing at the search page', async () => {
    const { html } = await page('/kpt/fr/');
    expect(html).toMatch(/<form[^>]*action="\/kpt\/fr\/search"[^>]*method="get"/);
    expect(html).toContain('hx-get="/kpt/fr/search"');
    expect(html).toContain('name="q"');
  });

  it('uses the tenant theme and the interface strings of the language', async () => {
    const { html } = await page('/atupri/it/');
    // one stylesheet: the shared styles with the tenant's colours, versioned so browsers may keep it
    const href = /<link rel="stylesheet" href="(\/static\/page\/atupri\.css\?v=[\w-]+)">/.exec(html)![1]!;
    expect(html).toContain(escapeHtml(t('it', 'help.heading')));
    const css = await app.request(href);
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = await css.text();
    expect(body).toContain('.chat-log');
    expect(body).toContain(`--primary: ${content().tenants.get('atupri')!.tenant.theme.primary}`);
    // an old version's address is not kept for long
    expect((await app.request('/static/page/atupri.css?v=old')).headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it('compresses what it serves for clients that accept it', async () => {
    const res = await app.request('/static/htmx.min.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
  });
});

describe('GET /:tenant/:lang/faq/:id', () => {
  it('renders the question and the answer', async () => {
    const entry = content().tenants.get('atupri')!.entries.de.find((e) => e.id === 'login-forgot-password')!;
    const { res, html } = await page('/atupri/de/faq/login-forgot-password');
    expect(res.status).toBe(200);
    expectHtml(res);
    expect(html).toContain(`<h1>${escapeHtml(entry.question)}</h1>`);
    expect(html).toContain(entry.html.trim());
    expect(html).toContain('Passwort vergessen');
  });

  it('links the related entries in the same language', async () => {
    const kpt = content().tenants.get('kpt')!;
    const entry = kpt.entries.it.find((e) => e.id === 'login-code-card')!;
    expect(entry.related.length).toBeGreaterThan(0);
    const { html } = await page('/kpt/it/faq/login-code-card');
    for (const id of entry.related) {
      const related = kpt.entries.it.find((e) => e.id === id)!;
      expect(html).toContain(`<a href="/kpt/it/faq/${id}">${escapeHtml(related.question)}</a>`);
    }
  });

  it('renders Markdown bold as <strong>, never as asterisks', async () => {
    const { html } = await page('/kpt/fr/faq/login-code-card');
    expect(html).toContain('<strong>100 combinaisons de chiffres et de lettres</strong>');
    expect(html).not.toContain('**');
  });
});

describe('not found pages', () => {
  it.each([
    ['an unknown entry', '/kpt/fr/faq/no-such-entry', 'de', 'fr'],
    // The path's language wins over Accept-Language: the visitor followed a French address.
    ['an unknown tenant', '/nope/fr/', 'it', 'fr'],
    ['a bare unknown tenant', '/nope', 'it', 'it'],
    ['an unsupported language', '/kpt/en/', 'de', 'de'],
    ['a path nothing serves', '/kpt/fr/faq/login-code-card/extra', 'fr', 'fr'],
  ])('answers %s with a friendly 404 page in the visitor language', async (_, path, acceptLanguage, lang) => {
    const { res, html } = await page(path, { 'accept-language': acceptLanguage });
    expect(res.status).toBe(404);
    expectHtml(res);
    expect(html).toContain(`<html lang="${lang}">`);
    expect(html).toContain(`<h1>${escapeHtml(t(lang as 'fr', 'help.notFoundTitle'))}</h1>`);
    expect(html).toContain(escapeHtml(t(lang as 'fr', 'help.notFoundText')));
    expect(html).toMatch(/<a href="\/[a-z]+\/[a-z]{2}\/">/);
    expectNoStackTrace(html);
  });
});

describe('GET /:tenant/:lang/search', () => {
  const q = encodeURIComponent('carte de code');

  it('answers a plain request with the whole page, results included', async () => {
    const { res, html } = await page(`/kpt/fr/search?q=${q}`);
    expect(res.status).toBe(200);
    expectHtml(res);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<form');
    expect(html).toContain('value="carte de code"');
    const results = /<ol class="results">([\s\S]*?)<\/ol>/.exec(html)?.[1];
    expect(results).toBeDefined();
    expect(links(results!)[0]).toBe('href="/kpt/fr/faq/login-code-card"');
  });

  it('answers an htmx request with the results fragment only', async () => {
    const { res, html } = await page(`/kpt/fr/search?q=${q}`, { 'HX-Request': 'true' });
    expect(res.status).toBe(200);
    expectHtml(res);
    expect(html).not.toMatch(/<html|<head|<body|<form|<nav/i);
    expect(html).toContain('<ol class="results">');
    expect(links(html)[0]).toBe('href="/kpt/fr/faq/login-code-card"');
  });

  it('tells caches that the answer depends on HX-Request, for both variants', async () => {
    const fragment = await app.request(`/kpt/fr/search?q=${q}`, { headers: { 'HX-Request': 'true' } });
    const full = await app.request(`/kpt/fr/search?q=${q}`);
    expect(fragment.headers.get('vary') ?? '').toMatch(/HX-Request/i);
    expect(full.headers.get('vary') ?? '').toMatch(/HX-Request/i);
  });

  it('says so when nothing matches, and offers the assistant', async () => {
    const { html } = await page(`/kpt/de/search?q=${encodeURIComponent('xylophon zzqv')}`, { 'HX-Request': 'true' });
    expect(html).not.toContain('<ol class="results">');
    expect(html).toContain(escapeHtml(t('de', 'help.askAssistant')));
    expect(html).toContain('/kpt/de/chat?message=xylophon%20zzqv');
  });

  it.each([
    ['a plain request', {}],
    ['an htmx request', { 'HX-Request': 'true' }],
  ])('escapes HTML in the query on %s', async (_, headers) => {
    const evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const { res, html } = await page(`/kpt/fr/search?q=${encodeURIComponent(evil)}`, headers);
    expect(res.status).toBe(200);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('security headers', () => {
  it.each(['/kpt/fr/', '/atupri/de/faq/login-forgot-password', '/kpt/fr/search?q=code', '/nope/fr/'])(
    'protect %s with a CSP that allows no inline script',
    async (path) => {
      const res = await app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = Object.fromEntries(
        csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name, values]),
      ) as Record<string, string[]>;
      const scripts = directives['script-src'] ?? directives['default-src'];
      expect(scripts, csp).toBeDefined();
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toContain("'unsafe-eval'");
      expect(scripts).not.toContain('*');
      expect(directives['object-src']).toEqual(["'none'"]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBeTruthy();
    },
  );

  it('serves pages whose scripts all come from files, as the CSP requires', async () => {
    for (const path of ['/kpt/fr/', '/kpt/fr/faq/login-code-card', '/kpt/fr/search?q=code']) {
      const { html } = await page(path);
      // (structured data for search engines is a data block, never run)
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attrs]) => !/type="application\/ld\+json"/.test(attrs!));
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/\ssrc="\/static\//);
        expect(body!.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+="/i);
    }
  });
});

describe('static assets', () => {
  it('serves htmx from its npm package', async () => {
    const require = createRequire(import.meta.url);
    const shipped = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8');
    const res = await app.request('/static/htmx.min.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(await res.text()).toBe(shipped);
  });

  it('blocks no page on a script: htmx comes through its loader when the visitor reaches for the page', async () => {
    for (const path of ['/atupri/fr/', '/atupri/fr/faq/login-forgot-password', '/atupri/fr/chat']) {
      const { html } = await page(path);
      const scripts = [...html.matchAll(/<script\s[^>]*src="[^"]*"[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toMatch(/\s(defer|async)[\s>]/);
      // htmx is not run while the page loads: the loader names it and prefetches it once the page has
      // loaded; nothing in the page's head fetches it alongside what the first screen needs.
      expect(html, path).not.toMatch(/<script\s[^>]*src="\/static\/htmx/);
      expect(html, path).not.toMatch(/<link\s[^>]*href="\/static\/htmx/);
      const loader = /<script src="(\/static\/enhance\.js\?v=[0-9a-f]+)" data-htmx="(\/static\/htmx\.min\.js\?v=[0-9a-f]+)" defer><\/script>/.exec(html);
      expect(loader, path).not.toBeNull();
      // Versioned addresses never change: browsers keep them a year.
      for (const src of [loader![1]!, loader![2]!]) {
        const res = await app.request(src);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/javascript/);
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      }
    }
    const loader = await (await app.request('/static/enhance.js')).text();
    expect(loader).toContain("getAttribute('data-htmx')");
    expect(loader).toContain("l.rel = 'prefetch'");
  });

  it('serves the theme of a tenant from its tenant.yaml colours', async () => {
    const { primary, accent } = content().tenants.get('kpt')!.tenant.theme;
    const res = await app.request('/static/theme/kpt.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    const css = await res.text();
    expect(css).toContain(`--primary: ${primary};`);
    expect(css).toContain(`--accent: ${accent};`);
  });

  it('answers 404 for the theme of an unknown tenant', async () => {
    const res = await app.request('/static/theme/nope.css');
    expect(res.status).toBe(404);
  });

  it('serves the stylesheet', async () => {
    const res = await app.request('/static/app.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
    expect((await res.text()).length).toBeGreaterThan(100);
  });
});
