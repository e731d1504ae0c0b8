/**
 * GET /metrics for operators, and the middleware that counts and times every request by its route
 * pattern. With METRICS_TOKEN set, /metrics asks for `Authorization: Bearer <token>`; without it, only a
 * client on this machine (loopback) gets it, so a scraper beside the service needs no secret.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Metrics } from '../metrics.ts';
import type { Env } from './context.ts';
import { clientAddress } from './rate-limit.ts';

/**
 * The pattern of the route that answered ("/:tenant/:lang/faq/:id"), never the path itself: no
 * personal data and a bounded number of series. What no route answered is "unmatched".
 */
export function routeLabel(c: Parameters<MiddlewareHandler>[0]): string {
  let path: string;
  try {
    path = routePath(c);
  } catch {
    return 'unmatched';
  }
  return !path || path.endsWith('*') ? 'unmatched' : path;
}

export function requestMetrics(metrics: Pick<Metrics, 'request'>): MiddlewareHandler<Env> {
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      metrics.request(c.req.method, routeLabel(c), c.res.status, (performance.now() - start) / 1000);
    }
  };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export type MetricsRouteOptions = { metrics: Metrics; token: string | undefined; trustProxy: boolean };

export function metricsRoute(options: MetricsRouteOptions) {
  const app = new Hono<Env>();
  app.get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (options.token) {
      const auth = c.req.header('authorization') ?? '';
      const given = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim() ?? '';
      if (!given || !sameSecret(given, options.token)) {
        c.header('WWW-Authenticate', 'Bearer realm="metrics"');
        return c.text('metrics: a bearer token is required (METRICS_TOKEN)\n', 401);
      }
    } else if (!LOOPBACK.test(clientAddress(c, options.trustProxy))) {
      return c.text('metrics: open to clients on this machine only; set METRICS_TOKEN to scrape from elsewhere\n', 403);
    }
    const { body, contentType } = await options.metrics.render();
    return c.body(body, 200, { 'Content-Type': contentType });
  });
  return app;
}
