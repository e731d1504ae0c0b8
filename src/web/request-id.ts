/**
 * Request ids and the access log. A well-formed `X-Request-Id` from a proxy or the caller is kept, else
 * one is made; it is echoed on the response and carried by every log line written while the request
 * runs (a pino child logger). When the answer is sent, one access-log line says the route pattern, the
 * method, the status and the duration: never the path itself, a query string, a body or a header value,
 * where a visitor's words or personal data could be.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { redact } from '../insights/redact.ts';
import { withLogger } from '../log-scope.ts';
import type { Env } from './context.ts';
import { routeLabel } from './metrics.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Ids as proxies and tracing tools make them: UUIDs, hex, base64 and dotted or colon-joined forms. */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:=+/-]{7,127}$/;

/**
 * The caller's id when it is well formed and holds nothing the redaction would take out (an id made of
 * a phone, insured or contract number would put that number into every log line), else a new one.
 */
export function requestIdOf(given: string | undefined): string {
  const id = given?.trim();
  return id && WELL_FORMED.test(id) && redact(id) === id ? id : randomUUID();
}

export function requestLog(logger: Logger): MiddlewareHandler<Env> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdOf(c.req.header(REQUEST_ID_HEADER));
    const log = logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('logger', log);
    try {
      await withLogger(log, next);
    } finally {
      c.header(REQUEST_ID_HEADER, requestId);
      const status = c.res.status;
      const line = { method: c.req.method, route: routeLabel(c), status, durationMs: Math.round((performance.now() - started) * 10) / 10 };
      if (status >= 500) log.error(line, 'request');
      else log.info(line, 'request');
    }
  };
}
