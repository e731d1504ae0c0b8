/**
 * The try page (`/editor/try?tenant=&lang=&q=`): an editor asks the assistant a question and sees the
 * reply a visitor would get, the decision behind it and which file and line to edit to change it.
 * Nothing of it is logged or counted: the insights stay the visitors'.
 */
import { Hono } from 'hono';
import { isLang } from '../content/types.ts';
import { tryQuestion } from '../insights/try-question.ts';
import type { Env } from './context.ts';
import type { EditorDeps } from './editor.ts';
import { editorLang, renderEditor } from './editor-view.ts';

/** As long as a chat message may be. */
const MAX_QUESTION = 1000;

export function editorTry(deps: EditorDeps) {
  const app = new Hono<Env>();

  app.get('/try', async (c) => {
    const library = deps.library();
    const tenant = c.req.query('tenant') || deps.defaultTenant;
    const lang = c.req.query('lang') || editorLang(c, deps);
    const q = (c.req.query('q') ?? '').trim();
    const form = { tenants: [...library.content.tenants.keys()], tenant, lang, q };
    const refuse = (message: string, vars: Record<string, string | number>) =>
      renderEditor(c, deps, 'try', { signedIn: true, ...form, error: { message, vars } }, 400);
    if (!library.content.tenants.has(tenant)) return refuse('errors.unknownTenant', { tenant: tenant.slice(0, 40) });
    if (!isLang(lang)) return refuse('errors.badLang', { lang: lang.slice(0, 10) });
    if (q.length > MAX_QUESTION) return refuse('errors.tooLong', { max: MAX_QUESTION });
    if (!q) return renderEditor(c, deps, 'try', { signedIn: true, ...form });

    const tried = await tryQuestion(
      { library, flows: deps.editor!.flows, actions: deps.actions, now: deps.clock(), contentDir: deps.editor!.contentDir },
      { tenant, lang, q },
    );
    const tc = library.content.tenants.get(tenant)!;
    return renderEditor(c, deps, 'try', { signedIn: true, ...form, tried, visitorTenant: tc.tenant });
  });

  return app;
}
