/**
 * "Was this answer helpful?" under each answer of the help page. A plain form post is answered with a
 * redirect back to the answer (post/redirect/get); an htmx post gets the next state of the box only.
 * "No" asks why ("not related", "did not answer my question"); each press is stored as one feedback row.
 */
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import { z } from 'zod';
import { isLang } from '../content/types.ts';
import type { Store } from '../store/types.ts';
import type { Env, WebDeps } from './context.ts';
import { errorPage, notFound } from './pages.ts';
import { renderPage, type PageContext } from './view.ts';

/** The reasons a visitor can give, as stored and reported. */
export const FEEDBACK_REASONS = ['not_related', 'did_not_answer'] as const;

const formSchema = z.object({
  helpful: z.enum(['yes', 'no']),
  reason: z.enum(FEEDBACK_REASONS).optional(),
});

/** What the box shows next: ask why, or thank. */
type NextState = 'why' | 'thanks' | 'sorry';

export function feedbackPages(deps: WebDeps & { store: Store }) {
  const app = new Hono<Env>();
  const path = '/:tenant/:lang/faq/:id/feedback';

  // Form posts must come from our own pages (the Origin header), which stops cross-site request forgery.
  app.use(path, csrf());

  app.post(path, async (c: Context<Env>) => {
    const library = deps.library();
    const tc = library.content.tenants.get(c.req.param('tenant') ?? '');
    const lang = c.req.param('lang');
    if (!tc || !isLang(lang)) return notFound(c, deps);
    c.set('lang', lang);
    const entry = tc.entries[lang].find((e) => e.id === c.req.param('id'));
    const ctx: PageContext = { library, tenant: tc.tenant, lang, langHref: (l) => `/${tc.tenant.id}/${l}/faq/${entry?.id ?? ''}` };
    if (!entry) return notFound(c, deps, ctx);

    const form = formSchema.safeParse(await c.req.parseBody());
    if (!form.success) return errorPage(c, deps, 400);
    const helpful = form.data.helpful === 'yes';
    const reason = helpful ? null : (form.data.reason ?? null);
    await deps.store.addFeedback({ tenant: tc.tenant.id, lang, entryId: entry.id, helpful, reason, source: 'page', at: deps.clock().toISOString() });

    const next: NextState = helpful ? 'thanks' : reason ? 'sorry' : 'why';
    if (c.req.header('hx-request') === 'true') {
      return c.html(renderPage('partials/feedback', ctx, { entry, feedback: next }));
    }
    return c.redirect(`/${tc.tenant.id}/${lang}/faq/${entry.id}?feedback=${next}#feedback`, 303);
  });

  return app;
}
