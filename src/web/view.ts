/** Renders eta views with what every page needs: the tenant, the language, t() and language links. */
import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';
import { LANGS, type Lang, type Tenant, type TenantContent } from '../content/types.ts';
import { dueHints, HINT_ENTRY } from '../rules/hints.ts';
import { longDate } from '../rules/zurich-time.ts';
import type { Library } from '../library.ts';
import { ASSET_VERSION } from './static.ts';

const views = fileURLToPath(new URL('../../views', import.meta.url));
/** The one template engine of the pages, the editors' pages and the demo page. */
export const eta = new Eta({ views, cache: true, autoEscape: true, autoTrim: false });

const LANG_LABELS: Record<Lang, string> = { fr: 'Français', de: 'Deutsch', it: 'Italiano' };

export type PageContext = {
  library: Library;
  tenant: Tenant;
  lang: Lang;
  /** The same page in another language. */
  langHref: (lang: Lang) => string;
  embedded?: boolean;
  /** The site's origin, for canonical and alternate addresses (absent: no such links). */
  origin?: string | undefined;
};

export function renderPage(view: string, ctx: PageContext, data: Record<string, unknown>): string {
  return eta.render(view, { ...base(ctx), ...data });
}

function base(ctx: PageContext) {
  const t = (key: string, vars?: Record<string, unknown>) => ctx.library.t(ctx.lang, key, vars);
  return {
    tenant: ctx.tenant,
    lang: ctx.lang,
    t,
    langs: LANGS.map((code) => ({ code, label: LANG_LABELS[code] })),
    langHref: ctx.langHref,
    origin: ctx.origin,
    assetVersion: ASSET_VERSION,
    contentVersion: ctx.library.content.version,
    bodyClass: ctx.embedded ? 'embedded' : '',
    /** ": " as the language writes it: French puts a no-break space before the colon. */
    colon: ctx.lang === 'fr' ? '\u00a0: ' : ': ',
    title: t('help.title', { portal: ctx.tenant.portal[ctx.lang] }),
  };
}

/** The tenant's timely hints due today, as text and a link, in the page's language. */
export function timelyHints(ctx: PageContext, tc: TenantContent, now: Date): { text: string; href?: string }[] {
  return dueHints(now, ctx.tenant.hints ?? []).map((h) => {
    const entry = tc.entries[ctx.lang].find((e) => e.id === HINT_ENTRY[h.id]);
    const date = longDate(h.deadline, ctx.lang).replace(/ \d{4}$/, '');
    return { text: ctx.library.t(ctx.lang, `help.hints.${h.id}`, { year: h.year, date }), ...(entry ? { href: `/${ctx.tenant.id}/${ctx.lang}/faq/${entry.id}` } : {}) };
  });
}
