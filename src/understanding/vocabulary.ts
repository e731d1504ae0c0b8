/**
 * The words of our subjects, per language: every word the FAQ, the flows' triggers and the phrases for
 * people and the conversation use. The classifier reads character n-grams, which survive typos but also
 * find a subject in a message about nothing of ours ("qui va gagner les élections fédérales ?" shares
 * "gagne" with "combien je gagne en passant online"). Whether most of what a message says is made of our
 * words tells a weak guess from a question in our field.
 */
import { distance } from 'fastest-levenshtein';
import type { Analyzer } from '../search/analyzer.ts';
import { fold, words } from '../search/fold.ts';

/** The words of some texts, each once: what a vocabulary is made of, and what is handed between threads. */
export function wordsOf(texts: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const text of texts) for (const w of words(fold(text))) out.add(w);
  return [...out];
}

export type Vocabulary = {
  /** The content words of a text (no stop words, numbers or words under three letters), ours or not. */
  read(text: string): { familiar: string[]; strange: string[] };
};

/**
 * A word is ours when it is one of the words, has a stem of theirs (analysed like the search does:
 * "élections" and "électronique" stay apart), or is a typo of a word of five letters or more.
 */
export function buildVocabulary(ours: readonly string[], analyzer: Pick<Analyzer, 'stems'>, stop: ReadonlySet<string>): Vocabulary {
  const known = new Set(ours);
  const stems = new Set(ours.flatMap((w) => analyzer.stems(w)));
  // Typos are looked for among words of about the same length only.
  const byLength = new Map<number, string[]>();
  for (const w of known) {
    if (w.length < 5) continue;
    const list = byLength.get(w.length) ?? [];
    list.push(w);
    byLength.set(w.length, list);
  }
  const nearOne = (w: string) => {
    const allowed = w.length >= 8 ? 2 : 1;
    for (let n = w.length - allowed; n <= w.length + allowed; n++) {
      for (const k of byLength.get(n) ?? []) if (distance(w, k) <= allowed) return true;
    }
    return false;
  };
  const isOurs = (w: string) => known.has(w) || analyzer.stems(w).some((s) => stems.has(s)) || (w.length >= 5 && nearOne(w));

  return {
    read(text) {
      const familiar: string[] = [];
      const strange: string[] = [];
      for (const w of new Set(words(fold(text)))) {
        if (w.length < 3 || /^\d/.test(w) || stop.has(w)) continue;
        (isOurs(w) ? familiar : strange).push(w);
      }
      return { familiar, strange };
    },
  };
}
