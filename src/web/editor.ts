/**
 * The editors' pages behind EDITOR_TOKEN: content status (which version serves, why the last change did
 * not load, what content:check says of the files now), insights (editor-insights.ts) and the try page
 * (editor-try.ts), in the editor's language (editor-view.ts). Without a configured token they do not exist.
 *
 * People sign in with a form that trades the token for a session cookie (HttpOnly, SameSite=Strict,
 * Secure behind HTTPS); scripts send `Authorization: Bearer <token>`. The token never goes into a URL,
 * where browser history, proxy logs and Referer headers would keep it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { createMiddleware } from 'hono/factory';
import { checkContent } from '../content/check.ts';
import { formatProblem, LANGS } from '../content/types.ts';
import type { ActionService } from '../actions/service.ts';
import type { FlowDef } from '../chat/flow-types.ts';
import type { Store } from '../store/types.ts';
import type { Env, WebDeps } from './context.ts';
import { editorSessions, SESSION_SECONDS } from './editor-session.ts';
import { clientAddress } from './rate-limit.ts';
import { editorInsights } from './editor-insights.ts';
import { editorTry } from './editor-try.ts';
import { rememberEditorLang, renderEditor, type EditorStatus } from './editor-view.ts';
import { notFound } from './pages.ts';

export type EditorOptions = {
  /** EDITOR_TOKEN: the pages answer 404 without one. */
  token: string | undefined;
  contentDir: string;
  localesDir: string;
  /** The product's flows, for the triggers and flow texts check, and the try page's replies. */
  flows: ReadonlyMap<string, FlowDef>;
  /** Whether saved changes are picked up by the running server. */
  watching: boolean;
  retentionDays: number;
};

export type EditorDeps = WebDeps & {
  store: Store;
  actions: ActionService;
  editor?: EditorOptions | undefined;
  /** Whether the client address is read from X-Forwarded-For, as for the rate limits. */
  rateLimits?: { trustProxy?: boolean } | undefined;
};

/** The session cookie: scoped to the editor pages, signed with a key derived from EDITOR_TOKEN. */
export const SESSION_COOKIE = 'editor_session';
export { SESSION_SECONDS };

/** Same time whatever the guess: hashing first gives equal lengths for timingSafeEqual. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Changing EDITOR_TOKEN changes the key, so it ends every session at once. */
const cookieKey = (token: string) => createHash('sha256').update(`editor-session\u0000${token}`).digest('base64url');

/** Behind HTTPS (directly, or as a proxy in front says) the cookie is sent over HTTPS only. */
const overHttps = (c: Context<Env>) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';

/** Where to go after signing in: an editor page of ours, never another site. */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/editor\/[A-Za-z0-9._/?&=%-]*$/.test(next) && !next.startsWith('/editor/sign-') ? next : '/editor/status');

export function editorPages(deps: EditorDeps) {
  const app = new Hono<Env>();

  const render = (c: Context<Env>, view: string, data: Record<string, unknown>, status: EditorStatus = 200) => renderEditor(c, deps, view, data, status);

  const sessions = editorSessions(deps.store, deps.clock);
  const address = (c: Context<Env>) => clientAddress(c, deps.rateLimits?.trustProxy ?? false);
  const sessionOf = async (c: Context<Env>, token: string) => {
    const id = await getSignedCookie(c, cookieKey(token), SESSION_COOKIE);
    return typeof id === 'string' ? id : undefined;
  };

  /**
   * Signed in by an open session, or a script's Authorization header. A wrong header counts as a failed
   * sign-in; while sign-ins are paused a header is not even compared.
   */
  const signedIn = async (c: Context<Env>, token: string): Promise<boolean | { pausedFor: number }> => {
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (bearer) {
      const paused = await sessions.pausedFor(address(c));
      if (paused) return { pausedFor: paused };
      if (sameToken(bearer, token)) return true;
      const pausing = await sessions.failed(address(c));
      return pausing ? { pausedFor: pausing } : false;
    }
    const id = await sessionOf(c, token);
    return id !== undefined && (await sessions.isOpen(id));
  };

  const signInPage = (c: Context<Env>, next: string, wrongToken = false) => render(c, 'sign-in', { next, wrongToken }, 401);
  const pausedPage = (c: Context<Env>, next: string, seconds: number) => {
    c.header('Retry-After', String(seconds));
    return render(c, 'sign-in', { next, wrongToken: false, pausedMinutes: Math.max(1, Math.ceil(seconds / 60)) }, 429);
  };

  app.use(
    '*',
    createMiddleware<Env>(async (c, next) => {
      if (!deps.editor?.token) return notFound(c, deps);
      await next();
    }),
  );
  app.use('*', rememberEditorLang);
  // The sign-in and sign-out forms are checked against cross-site posts like every other form.
  app.use('/sign-in', csrf());
  app.use('/sign-out', csrf());

  app.post('/sign-in', async (c) => {
    const token = deps.editor!.token!;
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    const given = typeof form.token === 'string' ? form.token.trim() : '';
    const paused = await sessions.pausedFor(address(c));
    if (paused) return pausedPage(c, next, paused);
    if (!given || !sameToken(given, token)) {
      const pausing = await sessions.failed(address(c));
      return pausing ? pausedPage(c, next, pausing) : signInPage(c, next, true);
    }
    const session = await sessions.open();
    await setSignedCookie(c, SESSION_COOKIE, session.id, cookieKey(token), {
      path: '/editor',
      httpOnly: true,
      sameSite: 'Strict',
      secure: overHttps(c),
      maxAge: session.maxAgeSeconds,
    });
    c.header('Cache-Control', 'no-store');
    return c.redirect(next, 303);
  });

  app.post('/sign-out', async (c) => {
    // Ended on the server: a copy of the cookie kept from before opens nothing any more.
    const id = await sessionOf(c, deps.editor!.token!);
    if (id !== undefined) await sessions.close(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/editor', secure: overHttps(c) });
    c.header('Cache-Control', 'no-store');
    return c.redirect('/editor/sign-in', 303);
  });

  app.get('/sign-in', (c) => render(c, 'sign-in', { next: safeNext(c.req.query('next')), wrongToken: false }));

  app.use(
    '*',
    createMiddleware<Env>(async (c, next) => {
      const outcome = await signedIn(c, deps.editor!.token!);
      if (typeof outcome === 'object') return pausedPage(c, '/editor/status', outcome.pausedFor);
      if (!outcome) {
        // A token in the address is not taken: it would stay in history and logs. Drop it from `next` too.
        const url = new URL(c.req.url);
        url.searchParams.delete('token');
        url.searchParams.delete('ui');
        return signInPage(c, safeNext(`${url.pathname}${url.search}`));
      }
      await next();
    }),
  );

  app.get('/status', (c) => {
    const options = deps.editor!;
    const library = deps.library();
    const check = checkContent({ contentDir: options.contentDir, localesDir: options.localesDir }, options.flows);
    const tenants = [...library.content.tenants.values()].map((tc) => ({
      id: tc.tenant.id,
      counts: LANGS.map((l) => `${l} ${tc.entries[l].length}`).join(', '),
    }));
    return render(c, 'status', {
      signedIn: true,
      version: library.content.version,
      loadedAt: library.loadedAt,
      watching: options.watching,
      reloadErrors: deps.contentErrors(),
      checkErrors: check.errors.map(formatProblem),
      checkWarnings: check.warnings.map(formatProblem),
      tenants,
      retentionDays: options.retentionDays,
    });
  });

  app.route('/', editorInsights(deps));
  app.route('/', editorTry(deps));

  return app;
}
