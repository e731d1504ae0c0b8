/** GET /healthz: up once content is loaded; says which content version serves and any reload errors. */
import { Hono } from 'hono';
import type { Env, WebDeps } from './context.ts';

export function health(deps: WebDeps) {
  const app = new Hono<Env>();
  app.get('/', (c) => {
    const library = deps.library();
    const errors = deps.contentErrors();
    return c.json({
      status: 'ok',
      contentVersion: library.content.version,
      contentLoadedAt: library.loadedAt,
      tenants: [...library.content.tenants.keys()],
      contentErrors: errors,
    });
  });
  return app;
}
