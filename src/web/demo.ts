/**
 * The demo page of the `demo` action backend: its accounts (to try every flow) and the outbox of what
 * the insurer would have sent by e-mail, SMS or letter. It exists only with the demo backend.
 */
import { Hono } from 'hono';
import { DEMO_ACCOUNTS } from '../actions/demo-accounts.ts';
import type { Store } from '../store/types.ts';
import { eta } from './view.ts';
import type { Env } from './context.ts';


export function demoPages(deps: { store: Store; demo: boolean }) {
  const app = new Hono<Env>();
  app.get('/outbox', async (c) => {
    if (!deps.demo) return c.notFound();
    const tenant = c.req.query('tenant');
    c.header('Cache-Control', 'no-store');
    return c.html(
      eta.render('demo/outbox', {
        accounts: DEMO_ACCOUNTS.filter((a) => !tenant || a.tenant === tenant),
        messages: await deps.store.listOutbox(tenant || undefined, 200),
        tenant: tenant ?? '',
      }),
    );
  });
  return app;
}
