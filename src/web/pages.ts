/** The help pages: home per tenant and language, search (htmx fragment or full page), one page per entry. */
import { Hono, type Context } from 'hono';
import { etag } from 'hono/etag';
import { isLang, type Lang, type TenantContent } from '../content/types.ts';
import { linkOrigin, type Env, type WebDeps } from './context.ts';
import { fromAcceptLanguage } from './lang.ts';
import { entryUrl, snippet } from './results.ts';
import { describe, faqPage } from './seo.ts';
import { renderPage, timelyHints, type PageContext } from './view.ts';

const MAX_QUERY = 300;

export function helpPages(deps: WebDeps) {
  const app = new Hono<Env>();
  // The pages change only with the content: a browser or cache that has them asks and gets 304.
  app.use('/:tenant/:lang/*', etag({ weak: true }));

  const visitorLang = (c: Context<Env>, tc?: TenantContent): Lang =>
    fromAcceptLanguage(c.req.header('accept-language')) ?? tc?.tenant.defaultLanguage ?? 'de';

  app.get('/', (c) => c.redirect(`/${deps.defaultTenant}/${visitorLang(c, deps.library().content.tenants.get(deps.defaultTenant))}/`));

  app.get('/:tenant{[a-z][a-z0-9-]*}', (c) => {
    const tc = deps.library().content.tenants.get(c.req.param('tenant'));
    if (!tc) return notFound(c, deps);
    return c.redirect(`/${tc.tenant.id}/${visitorLang(c, tc)}/`);
  });

  /** Resolves tenant and language from the path, or answers a friendly 404. */
  const page = (handler: (c: Context<Env>, ctx: PageContext & { tc: TenantContent }) => Response | Promise<Response>) => (c: Context<Env>) => {
    const library = deps.library();
    const tc = library.content.tenants.get(c.req.param('tenant') ?? '');
    const lang = c.req.param('lang');
    if (!tc || !isLang(lang)) return notFound(c, deps);
    c.set('lang', lang);
    c.set('publicContent', true);
    const url = new URL(c.req.url);
    // A search has no page of its own for search engines: its canonical address is the help page.
    const path = url.pathname.endsWith('/search') ? `/${tc.tenant.id}/${lang}/` : url.pathname;
    return handler(c, {
      library,
      tenant: tc.tenant,
      tc,
      lang,
      origin: linkOrigin(c, deps),
      langHref: (l) => path.replace(`/${tc.tenant.id}/${lang}`, `/${tc.tenant.id}/${l}`),
    });
  };

  // Who is typing a live search: the tab id the page's script sends, else the client's address.
  const searcher = (c: Context<Env>) => {
    const tab = c.req.header('x-search-tab');
    return tab && /^[A-Za-z0-9_-]{8,64}$/.test(tab) ? `tab:${tab}` : c.get('client');
  };

  const searchModel = (ctx: PageContext & { tc: TenantContent }, q: string | undefined, typing = false, visitor?: string) => {
    const query = (q ?? '').trim().slice(0, MAX_QUERY);
    const hits = query ? ctx.library.search.search(ctx.tenant.id, ctx.lang, query, { prefix: true, limit: 8 }) : [];
    if (query) deps.searchLog?.searched({ tenant: ctx.tenant.id, lang: ctx.lang, query, found: hits.length, typing, visitor });
    return {
      query,
      results: hits.map((h) => ({ title: h.entry.question, url: entryUrl(ctx.tenant.id, h.entry), snippet: snippet(h.entry.text) })),
    };
  };

  const home = (c: Context<Env>, ctx: PageContext & { tc: TenantContent }) => {
    const entries = ctx.tc.entries[ctx.lang];
    const categories = ctx.tenant.categories
      .map((cat) => ({ id: cat.id, title: cat.title[ctx.lang], entries: entries.filter((e) => e.category === cat.id) }))
      .filter((cat) => cat.entries.length > 0);
    const hints = timelyHints(ctx, ctx.tc, deps.clock());
    return c.html(renderPage('home', ctx, { categories, hints, jsonLd: faqPage(entries, ctx.lang), ...searchModel(ctx, c.req.query('q')) }));
  };

  app.get('/:tenant/:lang/', page(home));
  app.get('/:tenant/:lang', page((c, ctx) => c.redirect(`/${ctx.tenant.id}/${ctx.lang}/`)));

  app.get(
    '/:tenant/:lang/search',
    page((c, ctx) => {
      // htmx asks for the result list only; a plain form post gets the whole page.
      // The same URL answers two ways, so caches must keep them apart.
      c.header('Vary', 'HX-Request, HX-History-Restore-Request');
      // Back or forward to a search whose page htmx no longer holds asks for the whole page again.
      const restore = c.req.header('hx-history-restore-request') === 'true';
      if (c.req.header('hx-request') === 'true' && !restore) {
        return c.html(renderPage('partials/results', ctx, searchModel(ctx, c.req.query('q'), true, searcher(c))));
      }
      return home(c, ctx);
    }),
  );

  app.get(
    '/:tenant/:lang/faq/:id',
    page((c, ctx) => {
      const entries = ctx.tc.entries[ctx.lang];
      const entry = entries.find((e) => e.id === c.req.param('id'));
      if (!entry) return notFound(c, deps, ctx);
      const related = entry.related.flatMap((id) => entries.filter((e) => e.id === id));
      const categoryTitle = ctx.tenant.categories.find((cat) => cat.id === entry.category)?.title[ctx.lang] ?? '';
      const feedback = ['why', 'thanks', 'sorry'].find((s) => s === c.req.query('feedback'));
      return c.html(
        renderPage('entry', ctx, {
          entry,
          related,
          categoryTitle,
          feedback,
          title: `${entry.question} – ${ctx.tenant.portal[ctx.lang]}`,
          description: describe(entry.text),
          jsonLd: faqPage([entry], ctx.lang),
        }),
      );
    }),
  );

  return app;
}

/** A 404 page in the visitor's language, branded with the tenant of the path or the default one. */
export function notFound(c: Context<Env>, deps: WebDeps, known?: PageContext) {
  const ctx = known ?? pageOfPath(c, deps);
  const t = (k: string) => ctx.library.t(ctx.lang, k);
  // With the search box: the visitor came for something, and may find it from here.
  return c.html(renderPage('error', ctx, { heading: t('help.notFoundTitle'), text: t('help.notFoundText'), search: true, noAlternates: true }), 404);
}

/** A 500 page that says sorry and nothing about the cause. */
export function errorPage(c: Context<Env>, deps: WebDeps, status: 400 | 403 | 429 | 500 | 503 = 500, textKey = 'help.errorText') {
  const ctx = pageOfPath(c, deps);
  const t = (k: string) => ctx.library.t(ctx.lang, k);
  return c.html(renderPage('error', ctx, { heading: t('help.errorTitle'), text: t(textKey) }), status);
}

/**
 * Branding and language for a page that failed before its route ran (a refused form post, a 404):
 * the tenant and language of the path when they exist, else the default tenant in the visitor's language.
 */
function pageOfPath(c: Context<Env>, deps: WebDeps): PageContext {
  const library = deps.library();
  const [, first, second] = c.req.path.split('/');
  const tc = library.content.tenants.get(first ?? '') ?? library.content.tenants.get(deps.defaultTenant) ?? [...library.content.tenants.values()][0]!;
  const lang = c.get('lang') ?? (isLang(second) ? second : undefined) ?? fromAcceptLanguage(c.req.header('accept-language')) ?? tc.tenant.defaultLanguage;
  return { library, tenant: tc.tenant, lang, langHref: (l) => `/${tc.tenant.id}/${l}/` };
}
