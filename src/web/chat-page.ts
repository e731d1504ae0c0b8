/**
 * The chat on the help page (and in the widget's iframe): htmx posts get the new messages as a
 * fragment, plain form posts are redirected back to the page (post/redirect/get), so it works without
 * JavaScript. The conversation id travels in the form and the URL, never in a third-party cookie.
 */
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import type { Assistant } from '../chat/assistant.ts';
import { isLang, type Lang } from '../content/types.ts';
import { visitorFrom } from './auth.ts';
import { MAX_MESSAGE } from './chat-api.ts';
import type { Env, WebDeps } from './context.ts';
import { originOf } from './cors.ts';
import { errorPage, notFound } from './pages.ts';
import { renderPage, type PageContext } from './view.ts';

export function chatPages(deps: WebDeps & { assistant: Assistant; portalTokenSecret?: string | undefined }) {
  const app = new Hono<Env>();

  // Form posts must come from our own pages (the Origin header), which stops cross-site request forgery.
  app.use('/:tenant/:lang/chat', csrf());

  const context = (c: Context<Env>) => {
    const library = deps.library();
    const tc = library.content.tenants.get(c.req.param('tenant') ?? '');
    const lang = c.req.param('lang');
    if (!tc || !isLang(lang)) return undefined;
    c.set('lang', lang);
    const embedded = c.req.query('embed') === '1';
    // The widget frames this page on the tenant's own sites only.
    c.set('frameAncestors', tc.tenant.embed.allowedOrigins);
    const chatPath = `/${tc.tenant.id}/${lang}/chat`;
    const ctx: PageContext = { library, tenant: tc.tenant, lang, embedded, langHref: (l: Lang) => `/${tc.tenant.id}/${l}/chat${embedded ? '?embed=1' : ''}` };
    // The widget's host page, trusted with postMessage only when the tenant allows it to embed the chat.
    const host = c.req.query('host');
    const trusted = (o: string) => tc.tenant.embed.allowedOrigins.map(originOf).includes(o) || o === new URL(c.req.url).origin;
    const hostOrigin = embedded && host && trusted(host) ? host : undefined;
    return { ctx, chatPath, embedded, hostOrigin };
  };

  app.get('/:tenant/:lang/chat', (c) => {
    const x = context(c);
    if (!x) return notFound(c, deps);
    const id = c.req.query('c');
    const found = id ? deps.assistant.history(x.ctx.tenant.id, id) : undefined;
    // A signed-in person's conversation is not shown to a plain GET, which proves no identity (the
    // widget keeps conversation ids in the host page's storage, which the next visitor may share).
    const history = found?.conversation.state.subject == null ? found : undefined;
    return c.html(
      renderPage('chat', x.ctx, {
        chatPath: x.chatPath,
        embedded: x.embedded,
        conversationId: history ? id : undefined,
        messages: history?.messages ?? [],
        lastReply: history?.conversation.state.lastReply,
        prefill: (c.req.query('message') ?? '').slice(0, MAX_MESSAGE),
        inputKind: history?.conversation.state.lastReply?.input?.kind ?? 'text',
        hostOrigin: x.hostOrigin,
      }),
    );
  });

  app.post('/:tenant/:lang/chat', async (c) => {
    const x = context(c);
    if (!x) return notFound(c, deps);
    const form = await c.req.parseBody();
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const conversationId = str(form.conversationId) || undefined;
    const choice = str(form.choice);
    const message = str(form.message)?.slice(0, MAX_MESSAGE);
    const htmx = c.req.header('hx-request') === 'true';
    // Back to the chat page with the same embedding parameters (embed, host), and the conversation.
    const pageUrl = (id?: string) => {
      const params = new URLSearchParams(id ? { c: id } : {});
      for (const [k, v] of Object.entries(c.req.query())) if (k !== 'c') params.set(k, v);
      const query = params.toString();
      return query ? `${x.chatPath}?${query}` : x.chatPath;
    };
    const back = (id?: string) => c.redirect(pageUrl(id), 303);
    if (!choice && !message?.trim()) return htmx ? c.body(null, 204) : back(conversationId);
    // The widget's frame forwards the portal's token in the form (never the URL). One that no longer
    // verifies leaves an anonymous visitor, and the frame tells the portal to renew it.
    const token = str(form.token);
    const visitor = token ? await visitorFrom(`Bearer ${token}`, x.ctx.tenant.id, deps.portalTokenSecret, deps.portalTokenMaxLifetime) : { ok: true as const, subject: null };
    if (!visitor.ok) c.header('HX-Trigger', 'help-assistant-token-invalid');

    const result = await deps.assistant.reply({
      tenant: x.ctx.tenant.id,
      lang: x.ctx.lang,
      conversationId,
      input: choice ? { choice } : { message: message! },
      subject: visitor.ok ? visitor.subject : null,
    });
    if (!result.ok) {
      // A conversation that no longer exists: start afresh rather than fail.
      if (result.code === 'unknown_conversation') return htmx ? c.body(null, 204, { 'HX-Redirect': pageUrl() }) : back();
      return errorPage(c, deps, 400);
    }
    if (!htmx) return back(result.conversationId);
    return c.html(
      renderPage('partials/chat-turn', x.ctx, {
        chatPath: x.chatPath,
        embedded: x.embedded,
        conversationId: result.conversationId,
        visitorText: result.visitorText,
        reply: result.reply,
        inputKind: result.reply.input?.kind ?? 'text',
      }),
    );
  });

  return app;
}
