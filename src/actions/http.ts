/**
 * The `http` action backend: forwards each action to the insurer's API with a bearer token, a timeout
 * and one retry (safe, because every call carries its idempotency key). Failures become values.
 */
import type { AccountView, ActionBackend, ActionRequest, ActionResult } from './types.ts';

export type HttpBackendOptions = {
  baseUrl: string;
  token: string | undefined;
  timeoutMs: number;
  /** Retries after a network error, a timeout or a 5xx. */
  retries?: number;
  fetch?: typeof fetch;
};

export function createHttpBackend(options: HttpBackendOptions): ActionBackend {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  const headers = (idempotencyKey?: string) => ({
    'content-type': 'application/json',
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
  });

  async function call(path: string, init: RequestInit): Promise<{ ok: true; body: unknown; status: number } | { ok: false }> {
    const attempts = 1 + (options.retries ?? 1);
    for (let i = 0; i < attempts; i++) {
      try {
        const res = await doFetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
        if (res.status >= 500) continue;
        const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
        return { ok: true, body, status: res.status };
      } catch {
        // Timeout or network error: try again while attempts remain.
      }
    }
    return { ok: false };
  }

  return {
    async perform(req: ActionRequest): Promise<ActionResult> {
      const res = await call(`/actions/${req.action}`, {
        method: 'POST',
        headers: headers(req.idempotencyKey),
        body: JSON.stringify({ tenant: req.tenant, subject: req.subject, lang: req.lang, params: req.params }),
      });
      if (!res.ok) return { ok: false, reason: 'unavailable', code: 'backend_unavailable' };
      const body = (res.body ?? {}) as { reference?: unknown; code?: unknown; details?: unknown };
      if (res.status >= 200 && res.status < 300) {
        return {
          ok: true,
          reference: typeof body.reference === 'string' ? body.reference : req.idempotencyKey,
          ...(body.details && typeof body.details === 'object' ? { details: body.details as Record<string, unknown> } : {}),
        };
      }
      return { ok: false, reason: 'rejected', code: typeof body.code === 'string' ? body.code : `http_${res.status}` };
    },
    async account(tenant, subject): Promise<AccountView | undefined> {
      const res = await call(`/accounts/${encodeURIComponent(tenant)}/${encodeURIComponent(subject)}`, { method: 'GET', headers: headers() });
      if (!res.ok || res.status !== 200) return undefined;
      const b = res.body as Partial<AccountView> | null;
      return b && typeof b.adult === 'boolean' ? { adult: b.adult, deductible: b.deductible, accidentCover: b.accidentCover, onlineInsurance: b.onlineInsurance } : undefined;
    },
  };
}
