/**
 * The words of our subjects: every word the FAQ, the flows' triggers and the phrases for
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

/** The words that many of the texts use (`least` of them at least): the words our subjects are made of. */
export function commonWordsOf(texts: Iterable<string>, least: number): string[] {
  const used = new Map<string, number>();
  for (const text of texts) for (const w of new Set(words(fold(text)))) used.set(w, (used.get(w) ?? 0) + 1);
  return [...used].filter(([, n]) => n >= least).map(([w]) => w);
}

export type Read = {
  /** The content words of a text (no stop words, numbers or words under three letters) that are ours... */
  familiar: string[];
  /** ...those of them that many of our texts use ("documents", "Passwort")... */
  common: string[];
  /** ...and the others. */
  strange: string[];
};

export type Vocabulary = { read(text: string): Read };

/**
 * Typos are looked for in words this long (one edit; two from `twoFrom`): shorter ones are another word
 * as often as a typo ("Wetter" is one edit from "weiter").
 */
const TYPO = { from: 7, twoFrom: 10 } as const;

/**
 * A word is ours when it is one of the words, has a stem of theirs (analysed like the search does:
 * "élections" and "électronique" stay apart), or is a typo of a long word of ours. The languages are
 * one vocabulary: visitors mix them, and a message's language is a guess.
 */
export function buildVocabulary(ours: readonly string[], common: readonly string[], analyzers: readonly Pick<Analyzer, 'stems'>[], stop: ReadonlySet<string>): Vocabulary {
  const known = new Set(ours);
  const stemsOf = (w: string) => analyzers.flatMap((a) => a.stems(w));
  const stems = new Set(ours.flatMap(stemsOf));
  const commonStems = new Set(common.flatMap(stemsOf));
  // Typos are looked for among words of about the same length only.
  const byLength = new Map<number, string[]>();
  for (const w of known) {
    if (w.length < TYPO.from - 1) continue;
    const list = byLength.get(w.length) ?? [];
    list.push(w);
    byLength.set(w.length, list);
  }
  const nearOne = (w: string) => {
    const allowed = w.length >= TYPO.twoFrom ? 2 : 1;
    for (let n = w.length - allowed; n <= w.length + allowed; n++) {
      for (const k of byLength.get(n) ?? []) if (distance(w, k) <= allowed) return true;
    }
    return false;
  };
  const isOurs = (w: string) => known.has(w) || stemsOf(w).some((s) => stems.has(s)) || (w.length >= TYPO.from && nearOne(w));

  return {
    read(text) {
      const familiar: string[] = [];
      const strange: string[] = [];
      for (const w of new Set(words(fold(text)))) {
        if (w.length < 3 || /^\d/.test(w) || stop.has(w)) continue;
        (isOurs(w) ? familiar : strange).push(w);
      }
      return { familiar, common: familiar.filter((w) => stemsOf(w).some((s) => commonStems.has(s))), strange };
    },
  };
}

/**
 * Most of what a text says is in words none of our subjects uses: two of them at least, and more than
 * ours, a word many of our texts use counting twice ("documents de l'an dernier disparus" is ours;
 * "gagner les élections fédérales" is not, though one alternate says "combien je gagne").
 */
export const mostlyStrange = ({ familiar, common, strange }: Read): boolean => strange.length >= 2 && strange.length > familiar.length + common.length;
