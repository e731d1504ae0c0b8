/**
 * Reads a JSON request body and checks it with a zod schema; anything else is a clear 400. Only
 * `application/json` is read: a page of another site can post `text/plain` or a form without asking the
 * browser's permission first, but not JSON, so this is what keeps cross-site posts out of the API.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { isLang } from '../content/types.ts';
import type { Env } from './context.ts';
import { ApiError } from './errors.ts';

export async function readJsonBody<S extends z.ZodType>(c: Context<Env>, schema: S): Promise<z.output<S>> {
  if (!isJson(c.req.header('content-type'))) throw new ApiError(415, 'unsupported_media_type');
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ApiError(400, 'invalid_body', { detail: 'JSON' });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    // Even a rejected body may say which language its error should be in.
    const lang = (raw as { lang?: unknown } | null)?.lang;
    if (isLang(lang)) c.set('lang', lang);
    throw new ApiError(400, 'invalid_body', { detail: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
  }
  return parsed.data;
}

/** `application/json`, with or without parameters such as `; charset=utf-8`. */
export function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}
