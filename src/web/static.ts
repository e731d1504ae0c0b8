/** Static assets: the stylesheet, htmx from its npm package (never a CDN), its loader, and a theme per tenant. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import type { Env, WebDeps } from './context.ts';
import { faviconPng, faviconSvg } from './favicon.ts';

const require = createRequire(import.meta.url);
const htmx = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8');
const css = readFileSync(new URL('./static/app.css', import.meta.url), 'utf8');
const chatScript = readFileSync(new URL('./static/chat.js', import.meta.url), 'utf8');
const enhanceScript = readFileSync(new URL('./static/enhance.js', import.meta.url), 'utf8');

const CACHE = 'public, max-age=3600';
/** Addresses with the right version (`?v=`) never change: browsers keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The version of the static files of this build, put in their addresses by the pages. */
export const ASSET_VERSION = createHash('sha256').update(htmx).update(css).update(chatScript).update(enhanceScript).digest('hex').slice(0, 10);

export function staticAssets(deps: WebDeps) {
  const app = new Hono<Env>();
  const cache = (v: string | undefined, current = ASSET_VERSION) => (v === current ? IMMUTABLE : CACHE);
  app.get('/htmx.min.js', (c) => c.body(htmx, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': cache(c.req.query('v')) }));
  app.get('/enhance.js', (c) => c.body(enhanceScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': cache(c.req.query('v')) }));
  app.get('/chat.js', (c) => c.body(chatScript, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': cache(c.req.query('v')) }));
  app.get('/app.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': cache(c.req.query('v')) }));
  // The pages' one stylesheet: the shared styles with the tenant's colours (one request, not two).
  app.get('/page/:file{[a-z0-9-]+\\.css}', (c) => {
    const library = deps.library();
    const tc = library.content.tenants.get(c.req.param('file').replace(/\.css$/, ''));
    if (!tc) return c.body('/* unknown tenant */', 404, { 'content-type': 'text/css; charset=utf-8' });
    const { primary, accent } = tc.tenant.theme;
    return c.body(`${css}\n:root { --primary: ${primary}; --accent: ${accent}; }\n`, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': cache(c.req.query('v'), `${ASSET_VERSION}-${library.content.version}`),
    });
  });
  // A favicon per tenant in its colour: a speech bubble with a question mark. The pages link the PNG
  // (see favicon.ts); the SVG stays for whoever has its address.
  app.get('/favicon/:file{[a-z0-9-]+\\.(?:svg|png)}', (c) => {
    const library = deps.library();
    const file = c.req.param('file');
    const tc = library.content.tenants.get(file.replace(/\.(?:svg|png)$/, ''));
    const type = file.endsWith('.png') ? 'image/png' : 'image/svg+xml';
    if (!tc) return c.body(null, 404, { 'content-type': type });
    const colour = tc.tenant.theme.primary;
    // Versioned like the stylesheet: the colour comes from the tenant's settings.
    const headers = { 'content-type': type, 'cache-control': cache(c.req.query('v'), `${ASSET_VERSION}-${library.content.version}`) };
    return type === 'image/png' ? c.body(faviconPng(colour), 200, headers) : c.body(faviconSvg(colour), 200, headers);
  });
  app.get('/theme/:file{[a-z0-9-]+\\.css}', (c) => {
    const tc = deps.library().content.tenants.get(c.req.param('file').replace(/\.css$/, ''));
    if (!tc) return c.body('/* unknown tenant */', 404, { 'content-type': 'text/css; charset=utf-8' });
    const { primary, accent } = tc.tenant.theme;
    return c.body(`:root { --primary: ${primary}; --accent: ${accent}; }\n`, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'public, max-age=300',
    });
  });
  return app;
}
