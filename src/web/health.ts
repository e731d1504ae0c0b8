/**
 * GET /healthz: the process is alive and content is loaded (which version serves, how many reload problems).
 * GET /readyz: it can serve: content loaded and the database reachable and writable, checked at most once
 * per READY_CACHE_MS so that a load balancer polling it costs nothing. Neither shows paths or internals:
 * the editors' status page has the details.
 */
import { Hono } from 'hono';
import type { Store } from '../store/types.ts';
import type { Env, WebDeps } from './context.ts';
import { ApiError } from './errors.ts';

/** How long a readiness answer is reused. */
export const READY_CACHE_MS = 1500;

export function health(deps: WebDeps) {
  const app = new Hono<Env>();
  app.get('/', (c) => {
    const library = deps.library();
    return c.json({
      status: 'ok',
      contentVersion: library.content.version,
      contentLoadedAt: library.loadedAt,
      tenants: [...library.content.tenants.keys()],
      contentErrors: deps.contentErrors().length,
    });
  });
  return app;
}

export function readiness(deps: WebDeps & { store: Pick<Store, 'probe'> }) {
  const app = new Hono<Env>();
  let last: { at: number; ok: boolean } | undefined;
  app.get('/', async (c) => {
    const now = Date.now();
    if (!last || now - last.at >= READY_CACHE_MS) {
      const probe = await deps.store.probe();
      if (!probe.ok) deps.logger.error({ reason: probe.reason }, 'not ready: the database cannot be written');
      last = { at: now, ok: probe.ok && deps.library().content.tenants.size > 0 };
    }
    c.header('Cache-Control', 'no-store');
    if (!last.ok) throw new ApiError(503, 'not_ready', {}, { 'Retry-After': '5' });
    return c.json({ status: 'ready', contentVersion: deps.library().content.version });
  });
  return app;
}
