/** What search engines and browsers find: alternates, canonical, descriptions, FAQPage data, sitemap, robots, favicon, ETag, the search history. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, escapeHtml } from '../helpers/app.ts';

const testApp = buildApp();
afterAll(() => testApp.dispose());
const { app } = testApp;
const ORIGIN = 'http://localhost';
const kpt = () => testApp.library().content.tenants.get('kpt')!;

const page = async (path: string, headers: Record<string, string> = {}) => {
  const res = await app.request(path, { headers });
  return { res, html: await res.text() };
};
const jsonLd = (html: string) => JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!);

describe('the help and entry pages', () => {
  it('name their three languages and a default as alternates, and themselves as canonical', async () => {
    const { html } = await page('/kpt/de/faq/login-code-card');
    expect(html).toContain(`<link rel="canonical" href="${ORIGIN}/kpt/de/faq/login-code-card">`);
    for (const l of ['fr', 'de', 'it']) expect(html).toContain(`<link rel="alternate" hreflang="${l}" href="${ORIGIN}/kpt/${l}/faq/login-code-card">`);
    expect(html).toContain(`<link rel="alternate" hreflang="x-default" href="${ORIGIN}/kpt/${kpt().tenant.defaultLanguage}/faq/login-code-card">`);
  });

  it("describe an entry page with the start of its answer, and the help page with the tenant's", async () => {
    const entry = kpt().entries.fr.find((e) => e.id === 'login-code-card')!;
    const { html } = await page('/kpt/fr/faq/login-code-card');
    const description = /<meta name="description" content="([^"]*)">/.exec(html)![1]!;
    expect(description.length).toBeGreaterThan(50);
    expect(description.length).toBeLessThanOrEqual(escapeHtml(entry.text).length + 10);
    expect(escapeHtml(entry.text.replace(/\s+/g, ' '))).toContain(description.replace(/…$/, ''));
    const home = await page('/kpt/it/');
    expect(home.html).toMatch(/<meta name="description" content="[^"]*CPTnet[^"]*">/);
  });

  it('carry schema.org FAQPage data: every entry on the help page, the one entry on its page', async () => {
    const home = jsonLd((await page('/kpt/fr/')).html);
    expect(home['@type']).toBe('FAQPage');
    expect(home.mainEntity).toHaveLength(kpt().entries.fr.length);
    const one = jsonLd((await page('/kpt/fr/faq/login-code-card')).html);
    const entry = kpt().entries.fr.find((e) => e.id === 'login-code-card')!;
    expect(one.mainEntity).toEqual([{ '@type': 'Question', name: entry.question, acceptedAnswer: { '@type': 'Answer', text: entry.text } }]);
  });

  it('give a search the help page as canonical address', async () => {
    const { html } = await page('/kpt/fr/search?q=code');
    expect(html).toContain(`<link rel="canonical" href="${ORIGIN}/kpt/fr/">`);
  });

  it('answer a repeated request with 304 when the content has not changed', async () => {
    const first = await page('/kpt/fr/faq/login-code-card');
    const tag = first.res.headers.get('etag');
    expect(tag).toBeTruthy();
    const again = await app.request('/kpt/fr/faq/login-code-card', { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
  });

  it('link a favicon in the tenant colour, as a PNG that the SVG drawing renders to', async () => {
    const { html } = await page('/atupri/fr/');
    const href = /<link rel="icon" href="([^"]+)" type="image\/png" sizes="48x48">/.exec(html)?.[1];
    expect(href).toMatch(/^\/static\/favicon\/atupri\.png\?v=/);
    const png = await app.request(href!);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('cache-control')).toContain('immutable');
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: 48 × 48 pixels.
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([48, 48]);
    const primary = testApp.library().content.tenants.get('atupri')!.tenant.theme.primary;
    const svg = await app.request('/static/favicon/atupri.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toContain(`fill="${primary}"`);
    // Each tenant's in its own colour.
    const kpt = Buffer.from(await (await app.request('/static/favicon/kpt.png')).arrayBuffer());
    expect(kpt.equals(bytes)).toBe(false);
    expect((await app.request('/static/favicon/nobody.png')).status).toBe(404);
    expect((await app.request('/static/favicon/nobody.svg')).status).toBe(404);
    const ico = await app.request('/favicon.ico');
    expect(ico.status).toBe(301);
    expect(ico.headers.get('location')).toBe('/static/favicon/atupri.png');
  });

  it('offer the search box on the 404 page', async () => {
    const { res, html } = await page('/kpt/fr/faq/no-such-entry');
    expect(res.status).toBe(404);
    expect(html).toMatch(/<form class="search" role="search" action="\/kpt\/fr\/search" method="get"/);
    expect(html).not.toContain('rel="canonical"');
  });

  it('show a way to ask the assistant before the categories', async () => {
    const { html } = await page('/kpt/fr/');
    const ask = html.indexOf('class="ask-first"');
    expect(ask).toBeGreaterThan(0);
    expect(ask).toBeLessThan(html.indexOf('class="categories"'));
    expect(html).toMatch(/<p class="ask-first"><a class="button secondary" href="\/kpt\/fr\/chat">/);
  });
});

describe('the search while typing', () => {
  it('replaces the address while typing and pushes it on submit', async () => {
    const { html } = await page('/kpt/fr/');
    const form = /<form class="search"[\s\S]*?<\/form>/.exec(html)![0];
    expect(/<form[^>]*>/.exec(form)![0]).toMatch(/hx-trigger="submit" hx-push-url="true" hx-swap="innerHTML" hx-disinherit="\*"/);
    expect(/<input id="q"[^>]*>/.exec(form)![0]).toMatch(/hx-trigger="input changed delay:250ms, help-assistant:enhanced" hx-replace-url="true"/);
  });

  it('answers htmx with the fragment and a history restore with the whole page, varying on both headers', async () => {
    const fragment = await page('/kpt/fr/search?q=code', { 'hx-request': 'true' });
    expect(fragment.html).not.toContain('<html');
    expect(fragment.res.headers.get('vary')).toMatch(/HX-Request/);
    const restore = await page('/kpt/fr/search?q=code', { 'hx-request': 'true', 'hx-history-restore-request': 'true' });
    expect(restore.html).toMatch(/^<!doctype html>/i);
    expect(restore.html).toContain('<input id="q"');
    expect(restore.res.headers.get('vary')).toMatch(/HX-History-Restore-Request/);
  });
});

describe('/sitemap.xml', () => {
  it('lists every tenant, language and entry with its alternates', async () => {
    const res = await app.request('/sitemap.xml');
    expect(res.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await res.text();
    const locs = [...xml.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
    for (const tc of testApp.library().content.tenants.values()) {
      for (const l of ['fr', 'de', 'it'] as const) {
        expect(locs).toContain(`${ORIGIN}/${tc.tenant.id}/${l}/`);
        for (const e of tc.entries[l]) expect(locs).toContain(`${ORIGIN}/${tc.tenant.id}/${l}/faq/${e.id}`);
      }
    }
    expect(xml).toContain(`<xhtml:link rel="alternate" hreflang="it" href="${ORIGIN}/kpt/it/faq/login-code-card"/>`);
    expect(locs.some((l) => /\/chat|\/editor|\/demo/.test(l!))).toBe(false);
  });
});

describe('/robots.txt', () => {
  it('points to the sitemap and keeps crawlers out of the editor, demo, API and chat frames', async () => {
    const res = await app.request('/robots.txt');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain(`Sitemap: ${ORIGIN}/sitemap.xml`);
    for (const path of ['/editor', '/demo', '/api/', '/*/chat?']) expect(text).toContain(`Disallow: ${path}\n`);
  });
});
