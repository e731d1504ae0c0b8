/** Picks the language of a request: named, else detected from the text, else Accept-Language, else the tenant's. */
import { isLang, type Lang } from '../content/types.ts';
import type { Detection } from '../search/language.ts';

/** The first of fr/de/it in an Accept-Language header, by quality. */
export function fromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? 1);
      return { lang: tag!.trim().slice(0, 2).toLowerCase(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.map((x) => x.lang).find(isLang);
}

export function chooseLanguage(opts: {
  detected?: Detection | undefined;
  acceptLanguage?: string | undefined;
  fallback: Lang;
}): Lang {
  if (opts.detected?.confident) return opts.detected.lang;
  return fromAcceptLanguage(opts.acceptLanguage) ?? opts.detected?.lang ?? opts.fallback;
}
