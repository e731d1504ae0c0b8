/**
 * What search engines read: schema.org FAQPage data for the help and entry pages, the meta description of
 * an answer, /sitemap.xml with every tenant, language and entry (and their alternates), and /robots.txt.
 */
import { Hono } from 'hono';
import { LANGS, type FaqEntry } from '../content/types.ts';
import { linkOrigin, type Env, type WebDeps } from './context.ts';

/** A meta description of about 155 characters, cut at a word. */
export function describe(text: string, max = 155): string {
  const flat = text.replace(/https:\/\/\S+/g, '').replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max * 0.6))}…`;
}

/** schema.org FAQPage of the given entries. */
export function faqPage(entries: readonly FaqEntry[], lang: string) {
  return {
    '@context': 'https://schema.org',
    '@type': 'FAQPage',
    inLanguage: lang,
    mainEntity: entries.map((e) => ({ '@type': 'Question', name: e.question, acceptedAnswer: { '@type': 'Answer', text: e.text } })),
  };
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function searchEngines(deps: Pick<WebDeps, 'library' | 'defaultTenant' | 'publicOrigin'>) {
  const app = new Hono<Env>();

  // Pages without their own icon link (the API reference, the editors' pages) still get one.
  app.get('/favicon.ico', (c) => c.redirect(`/static/favicon/${deps.defaultTenant}.png`, 301));

  app.get('/robots.txt', (c) => {
    const origin = linkOrigin(c, deps);
    const body = [
      'User-agent: *',
      // The editors' pages, the demo, the API and the conversations are nobody's search result.
      'Disallow: /editor',
      'Disallow: /demo',
      'Disallow: /api/',
      // A conversation is never in an address; what is left out is the widget's frame and prefilled questions.
      'Disallow: /*/chat?',
      'Disallow: /*/search',
      '',
      // The sitemap's address must be absolute: without a known public origin it is left out.
      ...(origin ? [`Sitemap: ${origin}/sitemap.xml`, ''] : []),
    ].join('\n');
    return c.body(body, 200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=3600' });
  });

  app.get('/sitemap.xml', (c) => {
    const origin = linkOrigin(c, deps);
    // A sitemap holds absolute addresses only; with no known public origin there is none to give.
    if (!origin) return c.notFound();
    const library = deps.library();
    const urls: string[] = [];
    // One <url> per page and language, each naming its alternates (Google's hreflang in sitemaps).
    const add = (path: (lang: string) => string, langs: readonly string[], defaultLang: string) => {
      for (const lang of langs) {
        const alternates = langs.map((l) => `    <xhtml:link rel="alternate" hreflang="${l}" href="${xml(origin + path(l))}"/>`);
        alternates.push(`    <xhtml:link rel="alternate" hreflang="x-default" href="${xml(origin + path(defaultLang))}"/>`);
        urls.push(`  <url>\n    <loc>${xml(origin + path(lang))}</loc>\n${alternates.join('\n')}\n  </url>`);
      }
    };
    for (const tc of library.content.tenants.values()) {
      const id = tc.tenant.id;
      add((l) => `/${id}/${l}/`, LANGS, tc.tenant.defaultLanguage);
      const ids = new Set(LANGS.flatMap((l) => tc.entries[l].map((e) => e.id)));
      for (const entryId of ids) {
        const langs = LANGS.filter((l) => tc.entries[l].some((e) => e.id === entryId));
        const def = langs.includes(tc.tenant.defaultLanguage) ? tc.tenant.defaultLanguage : langs[0]!;
        add((l) => `/${id}/${l}/faq/${entryId}`, langs, def);
      }
    }
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${urls.join('\n')}\n</urlset>\n`;
    return c.body(body, 200, { 'content-type': 'application/xml; charset=utf-8', 'cache-control': 'public, max-age=3600' });
  });

  return app;
}
