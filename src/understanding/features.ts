/**
 * What the understanding model sees of a text: folded words, word pairs, character n-grams inside
 * words, and the analyzer's concepts (stems and synonym groups). Character n-grams survive typos, Swiss
 * spellings and German compounds ("Vertragsnumer" still shares most of "vertragsnummer"); word pairs
 * keep "pas reçu" apart from "reçu"; concepts carry the editors' synonyms ("Natel" = "mobile").
 */
import type { Analyzer } from '../search/analyzer.ts';
import { fold, words } from '../search/fold.ts';

/** Smallest and largest character n-gram, counted on the word with a mark at each end. */
const NGRAM = { min: 3, max: 4 } as const;

export function featuresOf(text: string, analyzer?: Analyzer): string[] {
  const ws = words(fold(text));
  const out = new Set<string>();
  for (const w of ws) {
    out.add(`w:${w}`);
    if (/^\d/.test(w) || w.length < 3) continue;
    const marked = `<${w}>`;
    for (let n = NGRAM.min; n <= NGRAM.max; n++) {
      for (let i = 0; i + n <= marked.length; i++) out.add(`c:${marked.slice(i, i + n)}`);
    }
  }
  for (let i = 0; i + 1 < ws.length; i++) out.add(`b:${ws[i]}_${ws[i + 1]}`);
  if (analyzer) for (const c of analyzer.concepts(text)) out.add(`k:${c}`);
  return [...out];
}

/** The n-gram and word features of a text without the analyzer: for the act-or-fact decision. */
export const wordFeaturesOf = (text: string): string[] => {
  const ws = words(fold(text));
  return [...new Set([...ws.map((w) => `w:${w}`), ...ws.slice(1).map((w, i) => `b:${ws[i]}_${w}`), ...(ws.length ? [`first:${ws[0]}`] : [])])];
};
