/**
 * Suggested alternates, grouped by the entry (and language) they belong to, ready for an editor to paste
 * into the entry's `alternates`. Only the editor changes content: nothing here writes a file.
 */
import type { TenantContent } from '../content/types.ts';
import type { Suggestion } from '../store/types.ts';

export type SuggestionGroup = {
  entryId: string;
  lang: Suggestion['lang'];
  /** The entry's file, where the alternates go. */
  file: string;
  question: string;
  phrasings: { text: string; count: number }[];
};

export function groupSuggestions(suggestions: readonly Suggestion[], tc: TenantContent): SuggestionGroup[] {
  const groups = new Map<string, SuggestionGroup>();
  for (const s of suggestions) {
    const entry = tc.entries[s.lang].find((e) => e.id === s.entryId);
    // An entry deleted since: its suggestions have nowhere to go.
    if (!entry) continue;
    const key = `${s.entryId}/${s.lang}`;
    const g = groups.get(key) ?? { entryId: s.entryId, lang: s.lang, file: entry.file, question: entry.question, phrasings: [] };
    g.phrasings.push({ text: s.phrasing, count: s.count });
    groups.set(key, g);
  }
  const total = (g: SuggestionGroup) => g.phrasings.reduce((n, p) => n + p.count, 0);
  return [...groups.values()].sort((a, b) => total(b) - total(a));
}

/** YAML lines to paste under `alternates:`, with the count as a comment. */
export function formatSuggestions(groups: readonly SuggestionGroup[]): string[] {
  const lines: string[] = [];
  for (const g of groups) {
    lines.push(`# ${g.file} (${g.question})`, 'alternates:');
    for (const p of g.phrasings) lines.push(`  - ${JSON.stringify(p.text)}  # ${p.count} visitor${p.count === 1 ? '' : 's'}`);
    lines.push('');
  }
  return lines;
}
