/** Builds the HTTP application from its dependencies: middleware order, mounted sub-apps, error handling. */
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { ApiError } from './web/errors.ts';
import type { Env, WebDeps } from './web/context.ts';
import { fromAcceptLanguage } from './web/lang.ts';
import { health } from './web/health.ts';
import { errorPage, helpPages, notFound } from './web/pages.ts';
import { searchApi } from './web/search-api.ts';
import { staticAssets } from './web/static.ts';

export type AppDeps = WebDeps;

export function createApp(deps: AppDeps) {
  const app = new Hono<Env>();

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'strict-origin-when-cross-origin',
      crossOriginResourcePolicy: false,
    }),
  );

  app.route('/healthz', health(deps));
  app.route('/api/search', searchApi(deps));
  app.route('/static', staticAssets(deps));
  app.route('/', helpPages(deps));

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return c.json(errorBody(deps, c.get('lang'), c.req.header('accept-language'), 'not_found'), 404);
    return notFound(c, deps);
  });

  app.onError((err, c) => {
    const api = c.req.path.startsWith('/api/') || c.req.path.startsWith('/healthz');
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      if (api) return c.json(errorBody(deps, c.get('lang'), c.req.header('accept-language'), err.code, err.vars), err.status);
      return errorPage(c, deps, err.status === 429 ? 429 : err.status === 403 ? 403 : 400);
    }
    // Anything else is a bug: log it whole, tell the visitor nothing about it.
    deps.logger.error({ err, path: c.req.path, method: c.req.method }, 'unhandled error');
    if (api) return c.json(errorBody(deps, c.get('lang'), c.req.header('accept-language'), 'internal_error'), 500);
    return errorPage(c, deps, 500);
  });

  return app;
}

function errorBody(
  deps: AppDeps,
  lang: import('./content/types.ts').Lang | undefined,
  acceptLanguage: string | undefined,
  code: ApiError['code'],
  vars: Record<string, string | number> = {},
) {
  const l = lang ?? fromAcceptLanguage(acceptLanguage) ?? 'fr';
  return { error: { code, message: deps.library().t(l, `errors.${code}`, vars) } };
}
