/** Builds the HTTP application from its dependencies: middleware order, mounted sub-apps, error handling. */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { bodyLimit } from 'hono/body-limit';
import type { Assistant } from './chat/assistant.ts';
import type { ActionService } from './actions/service.ts';
import type { Lang } from './content/types.ts';
import type { Metrics } from './metrics.ts';
import { StoreUnavailableError, type Store } from './store/types.ts';
import { actionsApi } from './web/actions-api.ts';
import { chatApi } from './web/chat-api.ts';
import { chatPages } from './web/chat-page.ts';
import { demoPages } from './web/demo.ts';
import { editorPages, type EditorOptions } from './web/editor.ts';
import { feedbackPages } from './web/feedback.ts';
import { apiCors, ownTenantOnly } from './web/cors.ts';
import type { Env, WebDeps } from './web/context.ts';
import { textGuard } from './web/text-guard.ts';
import { ApiError } from './web/errors.ts';
import { health, readiness } from './web/health.ts';
import { openapiDocs } from './web/openapi.ts';
import { fromAcceptLanguage } from './web/lang.ts';
import { rateLimits, type RateLimitOptions } from './web/rate-limit.ts';
import { metricsRoute, requestMetrics, routeLabel } from './web/metrics.ts';
import { requestLog } from './web/request-id.ts';
import { errorPage, helpPages, notFound } from './web/pages.ts';
import { searchApi } from './web/search-api.ts';
import { securityHeaders } from './web/security-headers.ts';
import { searchEngines } from './web/seo.ts';
import { staticAssets } from './web/static.ts';
import { widget } from './web/widget.ts';

export type AppDeps = WebDeps & {
  store: Store;
  actions: ActionService;
  assistant: Assistant;
  portalTokenSecret: string | undefined;
  /** The demo action backend's outbox page is shown at /demo/outbox (DEMO_PAGES; development by default). */
  demo: boolean;
  /** Limits per client address, conversation and account; generous defaults when omitted. */
  rateLimits?: Partial<RateLimitOptions>;
  /** The editors' status and insights pages; closed (404) without a token. */
  editor?: EditorOptions;
  /** Operators' metrics: every request is counted, and GET /metrics shows them (see web/metrics.ts). */
  metrics?: { registry: Metrics; token: string | undefined };
};

/** Largest request body accepted; chat messages are far smaller. */
export const MAX_BODY_BYTES = 16 * 1024;

export function createApp(deps: AppDeps) {
  const app = new Hono<Env>();

  // First, so that every answer (a refusal by a later middleware too) has its id and its access-log line.
  app.use(requestLog(deps.logger));
  if (deps.metrics) app.use(requestMetrics(deps.metrics.registry));
  // gzip or deflate for clients that accept it (pages, htmx, styles, JSON).
  app.use(compress());
  app.use(securityHeaders);
  app.use('/api/*', apiCors(deps));
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new ApiError(413, 'payload_too_large');
      },
    }),
  );
  // Before anything (the rate limits too) keeps a value from the request.
  app.use(textGuard);
  app.use('/api/*', ownTenantOnly(deps));
  app.use(rateLimits(deps));

  if (deps.metrics) app.route('/metrics', metricsRoute({ metrics: deps.metrics.registry, token: deps.metrics.token, trustProxy: deps.rateLimits?.trustProxy ?? false }));
  app.route('/healthz', health(deps));
  app.route('/readyz', readiness(deps));
  app.route('/api/search', searchApi(deps));
  app.route('/api/chat', chatApi(deps));
  app.route('/api/actions', actionsApi(deps));
  app.route('/static', staticAssets(deps));
  app.route('/', widget(deps));
  app.route('/', searchEngines(deps));
  app.route('/', openapiDocs());
  // Unknown API paths answer in JSON, before the page routes could take them for /<tenant>/<lang>.
  app.all('/api/*', (c) => c.json(errorBody(deps, c.get('lang'), c.req.header('accept-language'), 'not_found'), 404));
  app.route('/', chatPages(deps));
  app.route('/editor', editorPages(deps));
  app.route('/demo', demoPages(deps));
  app.route('/', feedbackPages(deps));
  app.route('/', helpPages(deps));

  // Unknown API paths were answered above; what is left is a page.
  app.notFound((c) => notFound(c, deps));

  app.onError((err, c) => {
    const api = c.req.path.startsWith('/api/') || c.req.path.startsWith('/healthz') || c.req.path.startsWith('/readyz');
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      if (api) return c.json(errorBody(deps, c.get('lang'), c.req.header('accept-language'), err.code, err.vars), err.status);
      return errorPage(c, deps, err.status === 429 ? 429 : err.status === 403 ? 403 : 400);
    }
    // hono's own HTTP errors (such as the CSRF check's 403) carry a status, not a cause to hide.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (api) return c.json(errorBody(deps, c.get('lang'), c.req.header('accept-language'), status === 403 ? 'csrf' : 'invalid_body', { detail: '' }), status as 400);
      return errorPage(c, deps, status === 403 ? 403 : 400, status === 403 ? 'errors.csrf' : 'help.errorText');
    }
    // The database failed: say so plainly (503), so nothing counts as done that was not kept.
    if (err instanceof StoreUnavailableError) {
      c.get('logger').error({ err, reason: err.reason, route: routeLabel(c) }, 'database unavailable');
      c.header('Retry-After', '30');
      if (api) return c.json(errorBody(deps, c.get('lang'), c.req.header('accept-language'), 'storage_unavailable'), 503);
      return errorPage(c, deps, 503, 'errors.storage_unavailable');
    }
    // Anything else is a bug: log it whole, tell the visitor nothing about it.
    c.get('logger').error({ err, route: routeLabel(c), method: c.req.method }, 'unhandled error');
    if (api) return c.json(errorBody(deps, c.get('lang'), c.req.header('accept-language'), 'internal_error'), 500);
    return errorPage(c, deps, 500);
  });

  return app;
}

function errorBody(deps: AppDeps, lang: Lang | undefined, acceptLanguage: string | undefined, code: ApiError['code'], vars: Record<string, string | number> = {}) {
  const l = lang ?? fromAcceptLanguage(acceptLanguage) ?? 'fr';
  return { error: { code, message: deps.library().t(l, `errors.${code}`, vars) } };
}
