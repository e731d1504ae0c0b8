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

export type EditorDeps = WebDeps & { store: Store; actions: ActionService; editor?: EditorOptions | undefined };

/** The session cookie: scoped to the editor pages, signed with a key derived from EDITOR_TOKEN. */
export const SESSION_COOKIE = 'editor_session';
/** A session lasts a working day; changing EDITOR_TOKEN ends every session at once. */
export const SESSION_SECONDS = 8 * 3600;

/** Same time whatever the guess: hashing first gives equal lengths for timingSafeEqual. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const sessionKey = (token: string) => createHash('sha256').update(`editor-session\u0000${token}`).digest('base64url');

/** Behind HTTPS (directly, or as a proxy in front says) the cookie is sent over HTTPS only. */
const overHttps = (c: Context<Env>) => new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';

/** Where to go after signing in: an editor page of ours, never another site. */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/editor\/[A-Za-z0-9._/?&=%-]*$/.test(next) && !next.startsWith('/editor/sign-') ? next : '/editor/status');

export function editorPages(deps: EditorDeps) {
  const app = new Hono<Env>();

  const render = (c: Context<Env>, view: string, data: Record<string, unknown>, status: EditorStatus = 200) => renderEditor(c, deps, view, data, status);

  /** Signed in by a valid session cookie, or a script's Authorization header. */
  const signedIn = async (c: Context<Env>, token: string) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (bearer) return sameToken(bearer, token);
    const session = await getSignedCookie(c, sessionKey(token), SESSION_COOKIE);
    return typeof session === 'string' && /^\d+$/.test(session) && Number(session) * 1000 > deps.clock().getTime();
  };

  const signInPage = (c: Context<Env>, next: string, wrongToken = false) => render(c, 'sign-in', { next, wrongToken }, 401);

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
    if (!given || !sameToken(given, token)) return signInPage(c, next, true);
    const expires = Math.floor(deps.clock().getTime() / 1000) + SESSION_SECONDS;
    await setSignedCookie(c, SESSION_COOKIE, String(expires), sessionKey(token), {
      path: '/editor',
      httpOnly: true,
      sameSite: 'Strict',
      secure: overHttps(c),
      maxAge: SESSION_SECONDS,
    });
    c.header('Cache-Control', 'no-store');
    return c.redirect(next, 303);
  });

  app.post('/sign-out', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/editor', secure: overHttps(c) });
    c.header('Cache-Control', 'no-store');
    return c.redirect('/editor/sign-in', 303);
  });

  app.get('/sign-in', (c) => render(c, 'sign-in', { next: safeNext(c.req.query('next')), wrongToken: false }));

  app.use(
    '*',
    createMiddleware<Env>(async (c, next) => {
      if (!(await signedIn(c, deps.editor!.token!))) {
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
