/** GET /api/search: the contract's search endpoint. */
import { Hono } from 'hono';
import { z } from 'zod';
import { isLang, LANGS } from '../content/types.ts';
import { ApiError } from './errors.ts';
import type { Env, WebDeps } from './context.ts';
import { chooseLanguage } from './lang.ts';
import { toResult } from './results.ts';

const MAX_QUERY = 500;

const limitSchema = z.coerce.number().int().min(1).max(20);

/** The query parameters, for the OpenAPI document; the route checks each one for its own error code. */
export const searchQuery = z.object({
  tenant: z.string().min(1),
  lang: z.enum(LANGS).optional(),
  q: z.string().min(1).max(MAX_QUERY),
  limit: limitSchema.default(5),
});

export function searchApi(deps: WebDeps) {
  const app = new Hono<Env>();
  app.get('/', (c) => {
    const library = deps.library();
    const { tenant: tenantId, lang: langParam, q, limit: limitParam } = c.req.query();
    if (langParam !== undefined && !isLang(langParam)) throw new ApiError(400, 'unsupported_language');
    if (langParam) c.set('lang', langParam);
    if (!tenantId) throw new ApiError(400, 'invalid_parameter', { detail: 'tenant' });
    const tc = library.content.tenants.get(tenantId);
    if (!tc) throw new ApiError(404, 'unknown_tenant');
    const query = (q ?? '').trim();
    if (!query) throw new ApiError(400, 'missing_query');
    if (query.length > MAX_QUERY) throw new ApiError(400, 'invalid_parameter', { detail: `q (max ${MAX_QUERY})` });
    const limit = limitParam === undefined ? 5 : limitSchema.safeParse(limitParam);
    if (typeof limit !== 'number' && !limit.success) throw new ApiError(400, 'invalid_parameter', { detail: 'limit (1-20)' });
    const lang = isLang(langParam)
      ? langParam
      : chooseLanguage({
          detected: library.search.detectLanguage(query),
          acceptLanguage: c.req.header('accept-language'),
          fallback: tc.tenant.defaultLanguage,
        });
    c.set('lang', lang);
    const hits = library.search.search(tenantId, lang, query, { limit: typeof limit === 'number' ? limit : limit.data });
    deps.searchLog?.searched({ tenant: tenantId, lang, query, found: hits.length });
    return c.json({ tenant: tenantId, lang, query, results: hits.map((h) => toResult(tenantId, h)) });
  });
  return app;
}
