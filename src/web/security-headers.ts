/**
 * Security headers on every response. The Content-Security-Policy allows no inline script; pages that
 * may be framed (the chat, for the widget) name the tenant's allowed host origins in frame-ancestors.
 */
import { createMiddleware } from 'hono/factory';
import type { Env } from './context.ts';

const csp = (frameAncestors: string) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');

export const securityHeaders = createMiddleware<Env>(async (c, next) => {
  await next();
  const ancestors = c.get('frameAncestors');
  c.header('Content-Security-Policy', csp(ancestors?.length ? ["'self'", ...ancestors].join(' ') : "'none'"));
  // Old browsers that ignore frame-ancestors: refuse framing unless the page may be embedded.
  if (!ancestors?.length) c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  c.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  // Opener isolation keeps other sites' windows away from pages with a visitor's conversation or an
  // editor's session. The help and FAQ pages and a fresh chat show what anyone may read (their routes
  // set `publicContent`), and there the isolation is a cost: Chromium then sets the page up in a
  // browsing context group of its own, the largest single task of loading it (about double the set-up
  // time measured in the traces of `npm run lighthouse -- --save`).
  if (!c.get('publicContent')) c.header('Cross-Origin-Opener-Policy', 'same-origin');
});
