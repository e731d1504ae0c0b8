/** How a search hit is shown to API clients and on the help page. */
import type { FaqEntry } from '../content/types.ts';
import type { Hit } from '../search/tenant-index.ts';

export const entryUrl = (tenant: string, e: FaqEntry) => `/${tenant}/${e.lang}/faq/${e.id}`;

export const toResult = (tenant: string, h: Hit) => ({
  id: h.entry.id,
  title: h.entry.question,
  answer: h.entry.text,
  score: Math.round(h.score * 100) / 100,
  url: entryUrl(tenant, h.entry),
});

/** The first sentence or so of an answer, for result lists. */
export function snippet(text: string, max = 180): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20))} …`;
}
