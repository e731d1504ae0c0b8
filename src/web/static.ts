/** Static assets: the stylesheet, htmx from its npm package (never a CDN), its loader, and a theme per tenant. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import type { Env, WebDeps } from './context.ts';

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
  // A favicon per tenant in its colour: a speech bubble with a question mark.
  app.get('/favicon/:file{[a-z0-9-]+\\.svg}', (c) => {
    const tc = deps.library().content.tenants.get(c.req.param('file').replace(/\.svg$/, ''));
    if (!tc) return c.body('', 404, { 'content-type': 'image/svg+xml' });
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
      `<path d="M4 3h24a3 3 0 0 1 3 3v16a3 3 0 0 1-3 3H13l-7 5v-5H4a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3z" fill="${tc.tenant.theme.primary}"/>` +
      `<text x="16" y="20.5" font-family="Arial, sans-serif" font-size="17" font-weight="700" fill="#fff" text-anchor="middle">?</text></svg>`;
    return c.body(svg, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=300' });
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
