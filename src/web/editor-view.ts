/**
 * The editors' pages in the editor's language (fr, de or it): chosen with the switch in the page header
 * (remembered in a cookie), else from Accept-Language, else the default tenant's language. Texts come
 * from the same i18next locales as the visitor pages (`locales/<lang>/editor.json`).
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { isLang, LANGS, type Lang } from '../content/types.ts';
import type { Env, WebDeps } from './context.ts';
import { fromAcceptLanguage } from './lang.ts';
import { eta } from './view.ts';

/** The switch's choice, kept a year for the editor pages only. */
export const EDITOR_LANG_COOKIE = 'editor_lang';
const LANG_LABELS: Record<Lang, string> = { fr: 'Français', de: 'Deutsch', it: 'Italiano' };

/** The language of an editor page for this request. */
export function editorLang(c: Context<Env>, deps: Pick<WebDeps, 'library' | 'defaultTenant'>): Lang {
  const asked = c.req.query('ui');
  if (asked && isLang(asked)) return asked;
  const kept = getCookie(c, EDITOR_LANG_COOKIE);
  if (kept && isLang(kept)) return kept;
  return fromAcceptLanguage(c.req.header('accept-language')) ?? deps.library().content.tenants.get(deps.defaultTenant)?.tenant.defaultLanguage ?? 'fr';
}

/** Remembers the switch's choice (`?ui=de`) for the next editor pages. */
export const rememberEditorLang = createMiddleware<Env>(async (c, next) => {
  const asked = c.req.query('ui');
  if (asked && isLang(asked)) setCookie(c, EDITOR_LANG_COOKIE, asked, { path: '/editor', sameSite: 'Lax', httpOnly: true, maxAge: 365 * 86_400 });
  await next();
});

/** Numbers, shares and dates as the language writes them in Switzerland ("1’204", "12,5 %", "29.11.2026"). */
export function formatters(lang: Lang) {
  const locale = `${lang}-CH`;
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const prob = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const date = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const dateShort = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Zurich' });
  return {
    int: (n: number) => int.format(n),
    // Swiss French puts a narrow no-break space before "%" (the platform's fr-CH data does not).
    pct: (x: number) => (lang === 'fr' ? pct.format(x).replace(/(\d)\s?%/, '$1\u202f%') : pct.format(x)),
    /** A probability or a weight, two decimals. */
    num: (x: number) => prob.format(x),
    /** A calendar day "YYYY-MM-DD". */
    day: (iso: string) => date.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)),
    /** The same without the year, for a chart's axis. */
    dayShort: (iso: string) => dateShort.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`)),
    /** A moment, in Zurich time. */
    at: (iso: string) => dateTime.format(new Date(iso)),
  };
}

export type EditorStatus = 200 | 400 | 401 | 404 | 429;

/** Renders `views/editor/<view>` with t(), the formatters and the language switch. */
export function renderEditor(c: Context<Env>, deps: Pick<WebDeps, 'library' | 'defaultTenant'>, view: string, data: Record<string, unknown>, status: EditorStatus = 200) {
  const lang = editorLang(c, deps);
  const library = deps.library();
  const t = (key: string, vars?: Record<string, unknown>) => library.t(lang, `editor:${key}`, vars);
  const here = new URL(c.req.url);
  const switchTo = (code: Lang) => {
    const url = new URL(here);
    url.searchParams.set('ui', code);
    return `${url.pathname}${url.search}`;
  };
  c.header('Cache-Control', 'no-store');
  c.header('X-Robots-Tag', 'noindex, nofollow');
  c.header('Content-Language', lang);
  c.header('Vary', 'Accept-Language, Cookie');
  return c.html(
    eta.render(`editor/${view}`, {
      ...data,
      uiLang: lang,
      t,
      fmt: formatters(lang),
      colon: lang === 'fr' ? '\u00a0: ' : ': ',
      uiLangs: LANGS.map((code) => ({ code, label: LANG_LABELS[code], href: switchTo(code), current: code === lang })),
      langName: (code: Lang) => t(`languages.${code}`),
    }),
    status,
  );
}
