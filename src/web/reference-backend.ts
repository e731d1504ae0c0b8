/**
 * The reference account-action backend: the backend contract (`../actions/backend-contract.ts`,
 * /openapi/backend.json) implemented over the demo accounts, with the demo backend's behaviour. It lets
 * `ACTIONS_BACKEND=http` be tried end to end on one machine, and shows an insurer a working
 * implementation: bearer token, strict request checks, idempotency keys bound to the request, and only
 * the replies the assistant accepts.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import { backendRequest } from '../actions/backend-contract.ts';
import { isActionName, type ActionBackend, type ActionName } from '../actions/types.ts';
import type { Store } from '../store/types.ts';

export type ReferenceBackendDeps = {
  /** Performs the actions; the demo backend over the demo accounts. */
  backend: ActionBackend;
  /** Keeps the idempotency records. */
  store: Store;
  /** The bearer token callers must send (the assistant's `ACTIONS_TOKEN`); any token, or none, when unset. */
  token: string | undefined;
  clock: () => Date;
  logger: Logger;
};

type Answer = { status: 200 | 422 | 503; body: Record<string, unknown> };
type Recorded = { action: ActionName; hash: string; answer: Answer };

const error = (c: Context, status: 400 | 401 | 404 | 415 | 422 | 500, code: string, message?: string) => c.json({ code, ...(message ? { message } : {}) }, status);

const sameToken = (given: string, expected: string) => {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
};

export function referenceBackendApp(deps: ReferenceBackendDeps) {
  const app = new Hono();
  // Concurrent repeats of one key wait for the first instead of acting twice.
  const inFlight = new Map<string, Promise<Answer>>();

  app.use(async (c, next) => {
    if (deps.token === undefined) return next();
    const header = c.req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !sameToken(given, deps.token)) return error(c, 401, 'invalid_token', 'Send Authorization: Bearer <ACTIONS_TOKEN>.');
    return next();
  });

  app.post('/actions/:action', async (c) => {
    const action = c.req.param('action');
    if (!isActionName(action)) return error(c, 404, 'unknown_action');
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return error(c, 415, 'unsupported_media_type', 'Send application/json.');
    const key = c.req.header('idempotency-key');
    if (!key || key.length > 240) return error(c, 400, 'invalid_idempotency_key', 'Send an Idempotency-Key header of 1 to 240 characters.');
    const raw = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return error(c, 400, 'invalid_json');
    }
    const parsed = backendRequest[action].safeParse(body);
    // The message names the fields, never their values (they are personal data).
    if (!parsed.success) return error(c, 400, 'invalid_params', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.code}`).join('; '));
    const request = parsed.data as { tenant: string; subject: string | null; lang: 'fr' | 'de' | 'it'; params: Record<string, unknown> };

    // A key is bound to its action and body: a repeat answers as the first time, another request with it is refused.
    const hash = createHash('sha256').update(`${action}\u0000${JSON.stringify(request)}`).digest('hex');
    const scope = `reference:${key}`;
    const previous = (await deps.store.findAction(request.tenant, scope))?.result as Recorded | undefined;
    if (previous) {
      if (previous.action !== action || previous.hash !== hash) return error(c, 422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
      return c.json(previous.answer.body, previous.answer.status);
    }
    const flightKey = `${request.tenant}\u0000${scope}`;
    let running = inFlight.get(flightKey);
    if (!running) {
      running = perform(action, request, key, hash, scope).finally(() => inFlight.delete(flightKey));
      inFlight.set(flightKey, running);
    }
    const answer = await running;
    return c.json(answer.body, answer.status);
  });

  async function perform(action: ActionName, request: { tenant: string; subject: string | null; lang: 'fr' | 'de' | 'it'; params: Record<string, unknown> }, key: string, hash: string, scope: string): Promise<Answer> {
    const started = performance.now();
    const result = await deps.backend.perform({ ...request, action, idempotencyKey: key });
    const answer: Answer = result.ok
      ? { status: 200, body: { reference: result.reference, ...(result.details ? { details: result.details } : {}) } }
      : result.reason === 'rejected'
        ? { status: 422, body: { code: result.code } }
        : { status: 503, body: { code: 'unavailable' } };
    // A failure is not kept, so the same key can be tried again.
    if (answer.status !== 503) {
      await deps.store.recordAction({ tenant: request.tenant, action, idempotencyKey: scope, subject: request.subject, paramsHash: hash, result: { action, hash, answer } satisfies Recorded, createdAt: deps.clock().toISOString() });
    }
    deps.logger.info({ action, tenant: request.tenant, status: answer.status, durationMs: Math.round(performance.now() - started) }, 'action');
    return answer;
  }

  app.get('/accounts/:tenant/:subject', async (c) => {
    const view = await deps.backend.account(c.req.param('tenant'), c.req.param('subject'));
    if (!view) return error(c, 404, 'unknown_account');
    return c.json(view);
  });

  app.notFound((c) => error(c, 404, 'not_found'));
  app.onError((err, c) => {
    deps.logger.error({ err }, 'reference backend failed');
    return error(c, 500, 'internal_error');
  });
  return app;
}
