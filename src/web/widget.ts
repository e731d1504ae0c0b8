/**
 * The embeddable widget: GET /widget.js, the loader (plain JavaScript from ./static/widget.js with the
 * tenants it may serve baked in: allowed host origins, default language, colour, labels, so that a wrong
 * data-tenant or a host page outside the allowlist is refused on the spot, before any iframe loads), and
 * GET /static/chat-frame.js, its counterpart inside the chat iframe.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { LANGS, type Lang } from '../content/types.ts';
import type { Library } from '../library.ts';
import type { Env, WebDeps } from './context.ts';
import { originOf } from './cors.ts';

const source = readFileSync(new URL('./static/widget.js', import.meta.url), 'utf8');
/** The script of the chat page when it is the widget's iframe (the pages' CSP allows no inline script). */
const chatFrame = readFileSync(new URL('./static/chat-frame.js', import.meta.url), 'utf8');

/** The literal in widget.js the server replaces with the tenants' settings. */
const TENANTS_PLACEHOLDER = '"__TENANTS__"';
if (!source.includes(TENANTS_PLACEHOLDER)) throw new Error(`widget: ${TENANTS_PLACEHOLDER} is missing from static/widget.js`);

/** Host sites fetch the loader on every page view: short-lived, revalidated by ETag. */
const CACHE = 'public, max-age=300';

/** The close button's name; the interface strings have none and this is the widget's own chrome. */
const CLOSE: Record<Lang, string> = { fr: 'Fermer', de: 'Schliessen', it: 'Chiudi' };

/** One tenant as the loader sees it (short keys: it travels on every page view of the host site). */
export type WidgetTenant = {
  /** Host origins allowed to embed the chat (embed.allowedOrigins). */
  o: string[];
  /** Default language when the tag and the page name none. */
  d: Lang;
  /** Brand colour of the launcher. */
  c: string;
  /** Per language: [launcher and frame title, close button label]. */
  t: Record<Lang, [string, string]>;
};

const bodies = new WeakMap<Library, string>();

/** The loader for the content now serving, built once per loaded content. */
export function widgetScript(library: Library): string {
  let body = bodies.get(library);
  if (!body) {
    const tenants: Record<string, WidgetTenant> = {};
    for (const { tenant } of library.content.tenants.values()) {
      tenants[tenant.id] = {
        o: tenant.embed.allowedOrigins.map(originOf),
        d: tenant.defaultLanguage,
        c: tenant.theme.primary,
        t: Object.fromEntries(LANGS.map((l) => [l, [library.t(l, 'chat:title', { portal: tenant.portal[l] }), CLOSE[l]]])) as WidgetTenant['t'],
      };
    }
    // "<" escaped so that no editor text can close a script element if someone inlines the loader.
    body = source.replace(TENANTS_PLACEHOLDER, () => JSON.stringify(tenants).replace(/</g, '\\u003c'));
    bodies.set(library, body);
  }
  return body;
}

export function widget(deps: Pick<WebDeps, 'library'>) {
  const app = new Hono<Env>();
  app.get('/widget.js', etag(), (c) =>
    c.body(widgetScript(deps.library()), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': CACHE,
      // Host pages that isolate themselves (COEP) may still load it.
      'cross-origin-resource-policy': 'cross-origin',
    }),
  );
  app.get('/static/chat-frame.js', (c) =>
    c.body(chatFrame, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' }),
  );
  return app;
}
