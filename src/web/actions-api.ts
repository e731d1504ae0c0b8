/**
 * POST /api/actions/<action>: the account actions the flows use, for portals that call them directly.
 * Requests for links and codes are public and answer the same whether or not the account exists;
 * account changes need the portal's signed token. An Idempotency-Key makes a repeat change nothing.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { ActionService } from '../actions/service.ts';
import { ACTIONS, isActionName } from '../actions/types.ts';
import { isLang } from '../content/types.ts';
import { visitorFrom } from './auth.ts';
import type { Env, WebDeps } from './context.ts';
import { ApiError } from './errors.ts';
import { readJsonBody } from './json-body.ts';
import { fromAcceptLanguage } from './lang.ts';

/** The request body around each action's parameters; the OpenAPI document is generated from it. */
export const envelope = z.object({
  tenant: z.string().min(1).max(40),
  lang: z.string().optional(),
  idempotencyKey: z.string().min(8).max(120).optional(),
  params: z.record(z.string(), z.unknown()).default({}),
});

export function actionsApi(deps: WebDeps & { actions: ActionService; portalTokenSecret: string | undefined }) {
  const app = new Hono<Env>();
  app.post('/:action', async (c) => {
    const name = c.req.param('action');
    const body = await readJsonBody(c, envelope);
    if (body.lang !== undefined && !isLang(body.lang)) throw new ApiError(400, 'unsupported_language');
    const lang = isLang(body.lang) ? body.lang : (fromAcceptLanguage(c.req.header('accept-language')) ?? 'de');
    c.set('lang', lang);
    if (!isActionName(name)) throw new ApiError(404, 'unknown_action');
    if (!deps.library().content.tenants.has(body.tenant)) throw new ApiError(404, 'unknown_tenant');
    const key = c.req.header('idempotency-key') ?? body.idempotencyKey;
    if (!key || key.length < 8 || key.length > 120) throw new ApiError(400, 'invalid_body', { detail: 'Idempotency-Key (8-120 characters)' });

    const visitor = await visitorFrom(c.req.header('authorization'), body.tenant, deps.portalTokenSecret, deps.portalTokenMaxLifetime);
    if (!visitor.ok) throw new ApiError(401, 'invalid_token');
    if (ACTIONS[name].auth && !visitor.subject) throw new ApiError(401, 'sign_in_required');

    const outcome = await deps.actions.run({ tenant: body.tenant, action: name, params: body.params, subject: visitor.subject, lang, idempotencyKey: key, client: c.get('client') });
    if (outcome.ok) return c.json({ ok: true, action: name, reference: outcome.reference, ...(outcome.details ? { details: outcome.details } : {}) });
    switch (outcome.reason) {
      case 'invalid':
        throw new ApiError(400, 'invalid_body', { detail: outcome.issues.join('; ') });
      case 'unauthorized':
        throw new ApiError(401, 'sign_in_required');
      case 'key_reused':
        throw new ApiError(422, 'idempotency_key_reused');
      case 'in_progress':
        throw new ApiError(409, 'idempotency_key_in_progress', {}, { 'Retry-After': '1' });
      case 'rate_limited':
        throw new ApiError(429, 'rate_limited', { seconds: outcome.retryAfterSeconds }, { 'Retry-After': String(outcome.retryAfterSeconds) });
      case 'rejected':
        throw new ApiError(422, 'action_rejected', { reason: outcome.code });
      case 'unavailable':
        throw new ApiError(503, 'backend_unavailable', {}, { 'Retry-After': '30' });
    }
  });
  return app;
}
