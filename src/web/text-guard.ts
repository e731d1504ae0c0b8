/**
 * Refuses text no store can keep: U+0000 (PostgreSQL's text type cannot hold it) and lone UTF-16
 * surrogates (no valid UTF-8 encodes them), in the address's query, in JSON bodies and in forms. Refused
 * here, at the edge, with the usual 400, on both engines alike, rather than as a database error deep
 * inside a turn.
 */
import type { MiddlewareHandler } from 'hono';
import type { Env } from './context.ts';
import { ApiError } from './errors.ts';
import { isJson } from './json-body.ts';

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Text that every store keeps as it was typed. */
export const storable = (s: string) => !UNSTORABLE.test(s);

/** Every string inside a parsed JSON value (keys too); without recursion, for bodies nested thousands deep. */
function allStorable(value: unknown): boolean {
  const stack = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!storable(v)) return false;
    } else if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (!storable(k)) return false;
        stack.push(inner);
      }
    }
  }
  return true;
}

const UNSTORED = 'characters that cannot be stored (U+0000 or a lone surrogate)';
const refuse = (where: 'body' | 'form') => new ApiError(400, 'invalid_body', { detail: `${where}: ${UNSTORED}` });

export const textGuard: MiddlewareHandler<Env> = async (c, next) => {
  // The raw query string: a lone surrogate cannot even be percent-encoded, so NUL is what can arrive.
  if (/%00/.test(new URL(c.req.url).search)) throw new ApiError(400, 'invalid_parameter', { detail: `query: ${UNSTORED}` });
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
    const type = c.req.header('content-type') ?? '';
    // Read as the routes and the rate limits read it: hono keeps the parsed body, so nothing is parsed
    // twice (and a body that does not parse is the route's error to answer).
    if (isJson(type)) {
      const parsed = await c.req.json().catch(() => undefined);
      if (!allStorable(parsed)) throw refuse('body');
    } else if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
      // Files are objects without own entries: their names and fields are what is checked.
      if (!allStorable(await c.req.parseBody().catch(() => ({})))) throw refuse('form');
    }
  }
  await next();
};
