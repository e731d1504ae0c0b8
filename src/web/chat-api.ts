/** POST /api/chat: the contract's chat endpoint. */
import { Hono } from 'hono';
import { z } from 'zod';
import { isLang } from '../content/types.ts';
import type { Assistant } from '../chat/assistant.ts';
import { visitorFrom } from './auth.ts';
import type { Env, WebDeps } from './context.ts';
import { ApiError } from './errors.ts';
import { readJsonBody } from './json-body.ts';
import { fromAcceptLanguage } from './lang.ts';

export const MAX_MESSAGE = 1000;

/** The request body; the OpenAPI document is generated from it. */
export const bodySchema = z
  .object({
    tenant: z.string().min(1).max(40),
    lang: z.string().optional(),
    conversationId: z.string().min(1).max(80).optional(),
    message: z.string().optional(),
    choice: z.string().min(1).max(120).optional(),
  })
  .refine((b) => (b.message === undefined) !== (b.choice === undefined), { message: 'send either "message" or "choice"' });

export function chatApi(deps: WebDeps & { assistant: Assistant; portalTokenSecret: string | undefined }) {
  const app = new Hono<Env>();
  app.post('/', async (c) => {
    const body = await readJsonBody(c, bodySchema);
    if (body.lang !== undefined && !isLang(body.lang)) throw new ApiError(400, 'unsupported_language');
    if (body.lang) c.set('lang', body.lang);
    if (!deps.library().content.tenants.has(body.tenant)) throw new ApiError(404, 'unknown_tenant');
    if (body.message !== undefined) {
      if (!body.message.trim()) throw new ApiError(422, 'message_empty');
      if (body.message.length > MAX_MESSAGE) throw new ApiError(422, 'message_too_long', { max: MAX_MESSAGE });
    }
    const visitor = await visitorFrom(c.req.header('authorization'), body.tenant, deps.portalTokenSecret, deps.portalTokenMaxLifetime);
    if (!visitor.ok) throw new ApiError(401, 'invalid_token');

    const result = await deps.assistant.reply({
      tenant: body.tenant,
      lang: body.lang as 'fr' | 'de' | 'it' | undefined,
      conversationId: body.conversationId,
      input: body.message !== undefined ? { message: body.message } : { choice: body.choice! },
      subject: visitor.subject,
      acceptLanguage: fromAcceptLanguage(c.req.header('accept-language')),
      client: c.get('client'),
    });
    if (!result.ok) throw new ApiError(404, result.code);
    c.set('lang', result.lang);
    return c.json({ conversationId: result.conversationId, lang: result.lang, reply: result.reply });
  });
  return app;
}
