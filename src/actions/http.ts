/**
 * The `http` action backend: forwards each action to the insurer's API with a bearer token, a timeout
 * and one retry (safe, because every call carries its idempotency key), and takes for an answer only a
 * reply that keeps the backend contract (`./backend-contract.ts`): `200` or `422`, `application/json`, the
 * action's schema. Anything else is a backend failure, logged with the action, status and duration and
 * never with the person's parameters, and returned as a value.
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { accountView, backendRefusal, backendSuccess } from './backend-contract.ts';
import type { AccountView, ActionBackend, ActionRequest, ActionResult } from './types.ts';

export type HttpBackendOptions = {
  baseUrl: string;
  token: string | undefined;
  timeoutMs: number;
  /** Where backend failures are reported. */
  logger: Logger;
  /** Retries after a network error, a timeout or a 5xx. */
  retries?: number;
  fetch?: typeof fetch;
};

/** Why a call did not give a usable reply; the log says which. */
type Problem = 'timeout' | 'network' | 'server_error' | 'not_json' | 'invalid_json' | 'invalid_reply' | 'unexpected_status';

type Reply = { ok: true; status: number; body: unknown; durationMs: number } | { ok: false; problem: Problem; status?: number; durationMs: number };

const UNAVAILABLE: ActionResult = { ok: false, reason: 'unavailable', code: 'backend_unavailable' };

const isJson = (contentType: string | null) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType ?? '');

/** Where a reply broke its schema, without the values (they may be personal data). */
const issuePaths = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.code}`);

export function createHttpBackend(options: HttpBackendOptions): ActionBackend {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  const log = options.logger;
  const headers = (idempotencyKey?: string) => ({
    'content-type': 'application/json',
    accept: 'application/json',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
  });

  async function call(path: string, init: RequestInit): Promise<Reply> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const attempts = 1 + (options.retries ?? 1);
    let last: Reply = { ok: false, problem: 'network', durationMs: 0 };
    for (let i = 0; i < attempts; i++) {
      try {
        // A redirect is not an answer (often a login page), and the token must not follow it elsewhere.
        const res = await doFetch(`${base}${path}`, { ...init, redirect: 'manual', signal: AbortSignal.timeout(options.timeoutMs) });
        if (res.status >= 500) {
          await res.body?.cancel();
          last = { ok: false, problem: 'server_error', status: res.status, durationMs: elapsed() };
          continue;
        }
        if (!isJson(res.headers.get('content-type'))) {
          await res.body?.cancel();
          return { ok: false, problem: 'not_json', status: res.status, durationMs: elapsed() };
        }
        try {
          return { ok: true, status: res.status, body: await res.json(), durationMs: elapsed() };
        } catch (err) {
          // A body that stops arriving before the timeout ends here too.
          const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
          return { ok: false, problem: timedOut ? 'timeout' : 'invalid_json', status: res.status, durationMs: elapsed() };
        }
      } catch (err) {
        const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError';
        last = { ok: false, problem: timedOut ? 'timeout' : 'network', durationMs: elapsed() };
      }
    }
    return last;
  }

  const failed = (what: { action: string; tenant: string }, problem: Problem, status: number | undefined, durationMs: number, issues?: string[]) => {
    log.warn({ ...what, status: status ?? null, durationMs, problem, ...(issues ? { issues } : {}) }, 'action backend failed');
  };

  return {
    async perform(req: ActionRequest): Promise<ActionResult> {
      const what = { action: req.action, tenant: req.tenant };
      const res = await call(`/actions/${req.action}`, {
        method: 'POST',
        headers: headers(req.idempotencyKey),
        body: JSON.stringify({ tenant: req.tenant, subject: req.subject, lang: req.lang, params: req.params }),
      });
      if (!res.ok) {
        failed(what, res.problem, res.status, res.durationMs);
        return UNAVAILABLE;
      }
      if (res.status === 200) {
        const parsed = backendSuccess[req.action].safeParse(res.body);
        if (!parsed.success) {
          failed(what, 'invalid_reply', res.status, res.durationMs, issuePaths(parsed.error));
          return UNAVAILABLE;
        }
        const data = parsed.data as { reference: string; details?: Record<string, unknown> };
        log.debug({ ...what, status: res.status, durationMs: res.durationMs }, 'action backend answered');
        return { ok: true, reference: data.reference, ...(data.details ? { details: data.details } : {}) };
      }
      if (res.status === 422) {
        const parsed = backendRefusal.safeParse(res.body);
        if (!parsed.success) {
          failed(what, 'invalid_reply', res.status, res.durationMs, issuePaths(parsed.error));
          return UNAVAILABLE;
        }
        log.debug({ ...what, status: res.status, durationMs: res.durationMs, code: parsed.data.code }, 'action backend refused');
        return { ok: false, reason: 'rejected', code: parsed.data.code };
      }
      // 400, 401, 404...: the assistant and the backend disagree (a token, a path, a parameter); nobody can fix that by trying again.
      failed(what, 'unexpected_status', res.status, res.durationMs);
      return UNAVAILABLE;
    },

    async account(tenant, subject): Promise<AccountView | undefined> {
      const what = { action: 'account', tenant };
      const res = await call(`/accounts/${encodeURIComponent(tenant)}/${encodeURIComponent(subject)}`, { method: 'GET', headers: headers() });
      if (!res.ok) {
        failed(what, res.problem, res.status, res.durationMs);
        return undefined;
      }
      if (res.status === 404) return undefined;
      if (res.status !== 200) {
        failed(what, 'unexpected_status', res.status, res.durationMs);
        return undefined;
      }
      const parsed = accountView.safeParse(res.body);
      if (!parsed.success) {
        failed(what, 'invalid_reply', res.status, res.durationMs, issuePaths(parsed.error));
        return undefined;
      }
      return parsed.data;
    },
  };
}
