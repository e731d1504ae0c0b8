/**
 * The API documents: /openapi.json (the public API), /openapi/backend.json (the account-action backend an
 * insurer implements), and a reference page for each at /openapi and /openapi/backend, rendered on the
 * server under the same Content-Security-Policy as every page (no script, no CDN).
 */
import { Hono } from 'hono';
import { buildBackendDocument } from '../openapi/backend.ts';
import { buildPublicDocument } from '../openapi/public.ts';
import type { Env } from './context.ts';
import { inline, prose, referenceView } from './openapi-page.ts';
import { eta } from './view.ts';

const CACHE = 'public, max-age=300';

export function openapiDocs() {
  // The documents depend on code only, not on content: built once.
  const documents = { public: buildPublicDocument(), backend: buildBackendDocument() };
  const pages = {
    public: eta.render('openapi', { ...referenceView(documents.public), prose, inline, json: '/openapi.json', other: { href: '/openapi/backend', label: 'Account-action backend' } }),
    backend: eta.render('openapi', { ...referenceView(documents.backend), prose, inline, json: '/openapi/backend.json', other: { href: '/openapi', label: 'Public API' } }),
  };
  const app = new Hono<Env>();
  app.get('/openapi.json', (c) => c.json(documents.public, 200, { 'cache-control': CACHE }));
  app.get('/openapi/backend.json', (c) => c.json(documents.backend, 200, { 'cache-control': CACHE }));
  app.get('/openapi', (c) => c.html(pages.public, 200, { 'cache-control': CACHE }));
  app.get('/openapi/backend', (c) => c.html(pages.backend, 200, { 'cache-control': CACHE }));
  return app;
}
