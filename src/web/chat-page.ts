/**
 * The chat on the help page (and in the widget's iframe): htmx posts get the new messages as a
 * fragment, plain form posts are redirected back to the page (post/redirect/get), so it works without
 * JavaScript. The conversation id travels in the form; without JavaScript the plain page keeps it in a
 * first-party HttpOnly cookie (never in the address, where history or a shared link would expose the
 * transcript). The widget's frame has no first-party cookies on a host page: the host page keeps the id
 * and hands it to the frame by postMessage, and the frame takes the conversation up again with a form post
 * of its own (`POST …/chat/resume`). An id in an address is never adopted: a link to a conversation
 * someone else started would otherwise let them read everything the visitor types into it (conversation
 * fixation).
 */
import { Hono, type Context } from 'hono';
import { csrf } from 'hono/csrf';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Assistant } from '../chat/assistant.ts';
import { replyLanguage } from '../chat/language-note.ts';
import { isLang, type Lang } from '../content/types.ts';
import { visitorFrom } from './auth.ts';
import { MAX_MESSAGE } from './chat-api.ts';
import { linkOrigin, type Env, type WebDeps } from './context.ts';
import { originOf } from './cors.ts';
import { errorPage, notFound } from './pages.ts';
import { renderPage, timelyHints, type PageContext } from './view.ts';

/** The plain chat page's conversation, per tenant (the cookie's path). */
const COOKIE = 'chat_conversation';
/** A conversation left alone this long starts afresh on the plain page. */
const COOKIE_MAX_AGE = 24 * 3600;
/** Where a plain post lands: the newest reply. */
const NEWEST = 'latest';

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
    const ctx: PageContext = { library, tenant: tc.tenant, lang, embedded, origin: linkOrigin(c, deps), langHref: (l: Lang) => `/${tc.tenant.id}/${l}/chat${embedded ? '?embed=1' : ''}` };
    // The widget's host page, trusted with postMessage only when the tenant allows it to embed the chat.
    const host = c.req.query('host');
    const trusted = (o: string) => tc.tenant.embed.allowedOrigins.map(originOf).includes(o) || o === new URL(c.req.url).origin;
    const hostOrigin = embedded && host && trusted(host) ? host : undefined;
    return { ctx, tc, chatPath, embedded, hostOrigin };
  };

  // The widget's frame forwards the portal's token in the form (never the URL). One that no longer
  // verifies leaves an anonymous visitor.
  const visitorOf = (tenant: string, token: unknown) =>
    typeof token === 'string' && token ? visitorFrom(`Bearer ${token}`, tenant, deps.portalTokenSecret, deps.portalTokenMaxLifetime) : Promise.resolve({ ok: true as const, subject: null });

  /**
   * The chat page, on the conversation `id` when there is one to show. A signed-in person's conversation
   * is shown only with their token (the widget keeps conversation ids in the host page's storage, which
   * the next visitor may share), and an anonymous one only without a token: a signed-in turn never
   * takes up an anonymous conversation.
   */
  const showPage = async (c: Context<Env>, x: NonNullable<ReturnType<typeof context>>, id: string | undefined, subject: string | null = null) => {
    // The page may hold the visitor's conversation: never kept by a shared cache. The widget's frame is
    // no page of its own for search engines.
    c.header('Cache-Control', 'private, no-store');
    if (x.embedded) c.header('X-Robots-Tag', 'noindex');
    const found = id ? await deps.assistant.history(x.ctx.tenant.id, id) : undefined;
    const history = found && (found.conversation.state.subject ?? null) === subject ? found : undefined;
    // Opener isolation where the page opens on a conversation: another site that opens this address
    // gets the visitor's transcript (the cookie travels with a top-level visit) in a window apart. A fresh
    // chat shows a greeting anyone may read, and there the isolation only costs loading time (the browser
    // moves the page to a browsing context group of its own; see the README's Lighthouse notes).
    if (!history) c.set('publicContent', true);
    return c.html(
      renderPage('chat', x.ctx, {
        chatPath: x.chatPath,
        embedded: x.embedded,
        conversationId: history ? id : undefined,
        // Each reply in the language it was given in (a note opens those in another than the page's).
        messages: (history?.messages ?? []).map((m) => (m.role === 'assistant' ? { ...m, language: replyLanguage(x.ctx.library.t, x.ctx.lang, m.text) } : m)),
        lastReply: history?.conversation.state.lastReply,
        ask: history?.conversation.state.ask ?? null,
        prefill: (c.req.query('message') ?? '').slice(0, MAX_MESSAGE),
        inputKind: history?.conversation.state.lastReply?.input?.kind ?? 'text',
        hostOrigin: x.hostOrigin,
        chatScript: true,
        hints: history ? [] : timelyHints(x.ctx, x.tc, deps.clock()),
        suggestions: history ? [] : await deps.assistant.suggestions(x.ctx.tenant.id, x.ctx.lang, c.req.query('topic')),
      }),
    );
  };

  app.get('/:tenant/:lang/chat', async (c) => {
    const x = context(c);
    if (!x) return notFound(c, deps);
    const cookiePath = `/${x.ctx.tenant.id}/`;
    // A new conversation: the plain page forgets its cookie; the frame tells the host page to forget the
    // id it keeps (static/chat-frame.js).
    if (c.req.query('new') === '1' && !x.embedded) {
      deleteCookie(c, COOKIE, { path: cookiePath });
      return c.redirect(x.chatPath, 303);
    }
    return showPage(c, x, x.embedded ? undefined : getCookie(c, COOKIE));
  });

  // The widget's frame takes the host page's stored conversation up again by a form post of its own
  // (same origin only: the CSRF check), with the portal's token when there is one.
  app.use('/:tenant/:lang/chat/resume', csrf());
  app.post('/:tenant/:lang/chat/resume', async (c) => {
    const x = context(c);
    if (!x || !x.embedded) return notFound(c, deps);
    const form = await c.req.parseBody();
    const id = typeof form.conversationId === 'string' && form.conversationId.length <= 80 ? form.conversationId : '';
    const visitor = await visitorOf(x.ctx.tenant.id, form.token);
    return showPage(c, x, id || undefined, visitor.ok ? visitor.subject : null);
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
    // A refused token: the frame tells the portal to renew it.
    const visitor = await visitorOf(x.ctx.tenant.id, form.token);
    if (!visitor.ok) c.header('HX-Trigger', 'help-assistant-token-invalid');
    const subject = visitor.ok ? visitor.subject : null;
    // A fresh chat page with the same embedding parameters (embed, host); in the frame, "new" makes the
    // host page forget the conversation it keeps.
    const pageUrl = () => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(c.req.query())) if (k !== 'c' && k !== 'new') params.set(k, v);
      if (x.embedded) params.set('new', '1');
      const query = params.toString();
      return query ? `${x.chatPath}?${query}` : x.chatPath;
    };
    // Back to the page on the conversation: the plain page by its cookie (post/redirect/get); the frame,
    // which has no cookie and never takes an id from its address, gets the page in the answer.
    const back = (id?: string) => {
      if (x.embedded) return showPage(c, x, id, subject);
      if (id) setCookie(c, COOKIE, id, { path: `/${x.ctx.tenant.id}/`, httpOnly: true, sameSite: 'Lax', secure: new URL(c.req.url).protocol === 'https:', maxAge: COOKIE_MAX_AGE });
      else deleteCookie(c, COOKIE, { path: `/${x.ctx.tenant.id}/` });
      return c.redirect(id ? `${x.chatPath}#${NEWEST}` : x.chatPath, 303);
    };
    if (!choice && !message?.trim()) return htmx ? c.body(null, 204) : back(conversationId);

    const result = await deps.assistant.reply({
      tenant: x.ctx.tenant.id,
      lang: x.ctx.lang,
      conversationId,
      input: choice ? { choice } : { message: message! },
      subject,
      client: c.get('client'),
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
        language: replyLanguage(x.ctx.library.t, x.ctx.lang, result.reply.text, result.lang),
        ask: result.ask ?? null,
        inputKind: result.reply.input?.kind ?? 'text',
      }),
    );
  });

  return app;
}
