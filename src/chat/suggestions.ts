/**
 * What the chat suggests when it opens: the entries people asked about most in the last weeks (from the
 * question log), topped up with the ones the editors chose in tenant.yaml, in the page's language.
 */
import type { FaqEntry } from '../content/types.ts';

/** How far back the question log counts, and how often an entry must have been asked to be suggested. */
export const SUGGESTION_DEFAULTS = { days: 28, minAsked: 3, limit: 4 };

export function suggestedEntries(
  asked: Iterable<{ entryId: string | null }>,
  entries: readonly FaqEntry[],
  editorIds: readonly string[] = [],
  options: Partial<typeof SUGGESTION_DEFAULTS> & { /** A category the host page is about: only its entries, all of them as fallback. */ topic?: string } = {},
): FaqEntry[] {
  const { minAsked, limit } = { ...SUGGESTION_DEFAULTS, ...options };
  const counts = new Map<string, number>();
  for (const q of asked) if (q.entryId) counts.set(q.entryId, (counts.get(q.entryId) ?? 0) + 1);
  const pool = options.topic ? entries.filter((e) => e.category === options.topic) : entries;
  const byId = new Map(pool.map((e) => [e.id, e]));
  // Most asked first; ties in the editors' order, then by id, so the list does not flicker.
  const popular = [...counts]
    .filter(([id, n]) => n >= minAsked && byId.has(id))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([id]) => id);
  const fallback = options.topic ? pool.map((e) => e.id) : [];
  const ids = [...new Set([...popular, ...editorIds.filter((id) => byId.has(id)), ...fallback])];
  return ids.slice(0, limit).map((id) => byId.get(id)!);
}
