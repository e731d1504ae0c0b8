/**
 * CORS for the JSON API: a browser page may call it from another origin only when some tenant lists that
 * origin in embed.allowedOrigins. Other origins get no CORS headers (the browser keeps the answer from them)
 * and their preflights a 403 `forbidden_origin`. An allowed origin speaks for its own tenants only: a
 * request from it that names another tenant is refused (`ownTenantOnly`), so one insurer's site cannot
 * script another insurer's API.
 */
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { Library } from '../library.ts';
import type { Env, WebDeps } from './context.ts';
import { ApiError } from './errors.ts';
import { isJson } from './json-body.ts';

/** What the API lets foreign pages do; the widget's own chat runs in our origin and needs none of it. */
const CORS_OPTIONS: { allowMethods: string[]; allowHeaders: string[]; exposeHeaders: string[]; maxAge: number } = {
  /** The JSON API's verbs, and the preflight's. */
  allowMethods: ['GET', 'POST', 'OPTIONS'],
  /** JSON bodies, the portal's visitor token, the visitor's language, the actions' idempotency key. */
  allowHeaders: ['Content-Type', 'Authorization', 'Accept-Language', 'Idempotency-Key'],
  /** Readable by the caller: how long to wait after a 429, and the id to quote when reporting a problem. */
  exposeHeaders: ['Retry-After', 'X-Request-Id'],
  /** Seconds a browser may reuse a preflight answer. */
  maxAge: 600,
};

const unions = new WeakMap<Library, ReadonlySet<string>>();

/** Every host origin any tenant allows (scheme://host[:port]), computed once per loaded content. */
export function embedOrigins(library: Library): ReadonlySet<string> {
  let set = unions.get(library);
  if (!set) {
    set = new Set([...library.content.tenants.values()].flatMap((tc) => tc.tenant.embed.allowedOrigins.map(originOf)));
    unions.set(library, set);
  }
  return set;
}

/** The origin part of a configured URL ("https://www.acme.example/" → "https://www.acme.example"). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export function apiCors(deps: Pick<WebDeps, 'library'>) {
  // Reached only for an allowed origin, so the origin function just echoes it.
  const allowed = cors({ ...CORS_OPTIONS, origin: (origin) => origin });
  return createMiddleware<Env>(async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && embedOrigins(deps.library()).has(origin)) return allowed(c, next);
    // A preflight only ever comes from a browser page of another origin: say plainly that it is refused.
    if (c.req.method === 'OPTIONS' && origin && c.req.header('access-control-request-method')) throw new ApiError(403, 'forbidden_origin');
    await next();
    // Caches must not hand an allowed origin's answer (with its CORS header) to another origin, nor the reverse.
    c.header('Vary', 'Origin', { append: true });
  });
}

/**
 * After the body is read (text guard): a request from an embedding origin that names a tenant which does not
 * list that origin answers 403 `forbidden_origin` before anything is done. A preflight cannot say its
 * tenant, so it is judged on the union above; the request itself is judged here.
 */
export function ownTenantOnly(deps: Pick<WebDeps, 'library'>) {
  return createMiddleware<Env>(async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && embedOrigins(deps.library()).has(origin)) {
      const tenant = await requestTenant(c.req);
      const config = tenant === undefined ? undefined : deps.library().content.tenants.get(tenant);
      if (config && !config.tenant.embed.allowedOrigins.some((u) => originOf(u) === origin)) throw new ApiError(403, 'forbidden_origin');
    }
    await next();
  });
}

/** The tenant an API request names: `?tenant=` (search) or the JSON body's `tenant` (chat, actions). */
async function requestTenant(req: { query(k: string): string | undefined; header(k: string): string | undefined; json(): Promise<unknown> }) {
  const fromQuery = req.query('tenant');
  if (fromQuery !== undefined) return fromQuery;
  if (!isJson(req.header('content-type') ?? '')) return undefined;
  const body = await req.json().catch(() => undefined);
  const tenant = body && typeof body === 'object' ? (body as { tenant?: unknown }).tenant : undefined;
  return typeof tenant === 'string' ? tenant : undefined;
}
