/**
 * Rate limits: a token bucket per client address on every route but /healthz, /readyz and /static (kept
 * in this instance's memory: behind a load balancer each instance counts its share), and per conversation
 * on chat turns (API and chat form), counted in the database so that every instance shares it. The
 * per-account limit on actions is the action service's (src/actions/account-limit.ts), so the chat's
 * flows and the API count alike. Over the limit: 429 with Retry-After, the contract's JSON error on the
 * API, a friendly page in the UI.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { isLang, type Lang } from '../content/types.ts';
import type { Store } from '../store/types.ts';
import type { Env, WebDeps } from './context.ts';
import { ApiError } from './errors.ts';
import { fromAcceptLanguage } from './lang.ts';
import { renderPage, type PageContext } from './view.ts';

export type RateLimitOptions = {
  /** Requests per minute from one client address. */
  perIpPerMinute: number;
  /** Chat turns per minute in one conversation. */
  perConversationPerMinute: number;
  /** Calls of /api/actions per hour naming one account (identifier, e-mail, insured number or token subject). */
  perAccountPerHour: number;
  /** Behind a reverse proxy: the client is the last address of X-Forwarded-For, not the socket's peer. */
  trustProxy: boolean;
  /** Client addresses not limited per address (this machine, by default). */
  exempt: string[];
  /** Contact requests per hour from one client address, and in one conversation (API and chat alike). */
  contactPerAddressPerHour: number;
  contactPerConversationPerHour: number;
};

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  perIpPerMinute: 1000,
  perConversationPerMinute: 60,
  perAccountPerHour: 30,
  trustProxy: false,
  exempt: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
  contactPerAddressPerHour: 10,
  contactPerConversationPerHour: 3,
};

/** The key used when the request has no socket (app.request in tests, other runtimes). */
export const UNKNOWN_CLIENT = 'unknown';

/** Keys kept per limiter before idle buckets are swept, so a flood of addresses cannot exhaust memory. */
const MAX_KEYS = 50_000;

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

export type Limiter = { take(key: string, nowMs: number): Take; readonly size: number };

/** A token bucket per key: `capacity` requests at once, refilled evenly over `windowMs`. */
export function createLimiter(capacity: number, windowMs: number, maxKeys = MAX_KEYS): Limiter {
  const perMs = capacity / windowMs;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const sweep = (now: number) => {
    for (const [k, b] of buckets) if (b.tokens + (now - b.at) * perMs >= capacity) buckets.delete(k);
    // Still too many busy keys: forget the oldest ones (they get a full bucket back, which errs on the kind side).
    if (buckets.size > maxKeys) {
      let drop = buckets.size - Math.floor(maxKeys / 2);
      for (const k of buckets.keys()) {
        if (drop-- <= 0) break;
        buckets.delete(k);
      }
    }
  };

  return {
    take(key, now) {
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= maxKeys) sweep(now);
        b = { tokens: capacity, at: now };
        buckets.set(key, b);
      } else {
        b.tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.at) * perMs);
        b.at = now;
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
    },
    get size() {
      return buckets.size;
    },
  };
}

/** The client's address: the socket's peer, or the proxy's view of it when trusted. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? UNKNOWN_CLIENT;
  } catch {
    return UNKNOWN_CLIENT;
  }
}

const CHAT_FORM = /^\/([^/]+)\/([^/]+)\/chat\/?$/;

type Deps = WebDeps & { store: Pick<Store, 'takeToken'>; rateLimits?: Partial<RateLimitOptions> | undefined };

export function rateLimits(deps: Deps) {
  const options: RateLimitOptions = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const perIp = createLimiter(options.perIpPerMinute, 60_000);
  const perConversation = (id: string, now: number) => deps.store.takeToken(`conversation:${id}`, options.perConversationPerMinute, 60_000, now);
  const exempt = new Set(options.exempt);

  return createMiddleware<Env>(async (c, next) => {
    const path = c.req.path;
    if (path === '/healthz' || path.startsWith('/healthz/') || path === '/readyz' || path.startsWith('/static/')) return next();
    const now = deps.clock().getTime();

    const client = clientAddress(c, options.trustProxy);
    // What the later per-address limits (contact requests) count; an exempt address counts for none.
    if (!exempt.has(client)) c.set('client', client);
    const refused = exempt.has(client) ? undefined : firstRefusal([() => perIp.take(`ip:${client}`, now)]);
    if (refused) return tooMany(c, deps, refused);

    if (c.req.method === 'POST') {
      if (path === '/api/chat') {
        const body = await jsonBody(c);
        const id = stringField(body, 'conversationId');
        const r = id ? await perConversation(id, now) : undefined;
        if (r && !r.ok) return tooMany(c, deps, r);
      } else {
        const form = CHAT_FORM.exec(path);
        if (form) {
          const id = await formField(c, 'conversationId');
          const r = id ? await perConversation(id, now) : undefined;
          if (r && !r.ok) return tooMany(c, deps, r);
        }
      }
    }
    await next();
  });
}

/** Takes from every bucket (each counts the attempt) and returns the longest wait, if any refused. */
function firstRefusal(takes: (() => Take)[]): Extract<Take, { ok: false }> | undefined {
  let worst: Extract<Take, { ok: false }> | undefined;
  for (const take of takes) {
    const r = take();
    if (!r.ok && (!worst || r.retryAfterSeconds > worst.retryAfterSeconds)) worst = r;
  }
  return worst;
}

async function jsonBody(c: Context<Env>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    // Not JSON: the route answers invalid_body; the client address was counted already.
    return undefined;
  }
}

async function formField(c: Context<Env>, name: string): Promise<string | undefined> {
  try {
    const v = (await c.req.parseBody())[name];
    return typeof v === 'string' && v ? v.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

const stringField = (body: unknown, name: string): string | undefined => {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' && v ? v.slice(0, 200) : undefined;
};

/** 429: the contract's JSON error on the API; in the UI a page (or, for htmx, a chat message) in the visitor's language. */
function tooMany(c: Context<Env>, deps: Deps, refusal: { retryAfterSeconds: number }): Response {
  const seconds = refusal.retryAfterSeconds;
  const headers = { 'Retry-After': String(seconds) };
  if (c.req.path.startsWith('/api/')) throw new ApiError(429, 'rate_limited', { seconds }, headers);

  const library = deps.library();
  const [, tenantId, langParam] = /^\/([^/]+)\/([^/]+)/.exec(c.req.path) ?? [];
  const tc = library.content.tenants.get(tenantId ?? '') ?? library.content.tenants.get(deps.defaultTenant) ?? [...library.content.tenants.values()][0]!;
  const lang: Lang = isLang(langParam) ? langParam : (fromAcceptLanguage(c.req.header('accept-language')) ?? tc.tenant.defaultLanguage);
  c.set('lang', lang);
  const ctx: PageContext = { library, tenant: tc.tenant, lang, langHref: (l) => `/${tc.tenant.id}/${l}/` };
  const text = library.t(lang, 'errors.rate_limited', { seconds });
  if (c.req.header('hx-request') === 'true') {
    // htmx swaps no error response: the message joins the chat log like a reply; Retry-After and X-Rate-Limited tell scripts.
    return c.html(`<li class="msg assistant" data-kind="rate_limited" role="alert">${escapeHtml(text)}</li>`, 200, { ...headers, 'X-Rate-Limited': '1' });
  }
  return c.html(renderPage('error', ctx, { heading: library.t(lang, 'help.errorTitle'), text }), 429, headers);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
