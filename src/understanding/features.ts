/**
 * What the understanding model sees of a text: folded words, word pairs, character n-grams inside
 * words, and the analyzer's concepts (stems and synonym groups). Character n-grams survive typos, Swiss
 * spellings and German compounds ("Vertragsnumer" still shares most of "vertragsnummer"); word pairs
 * keep "pas reçu" apart from "reçu"; concepts carry the editors' synonyms ("Natel" = "mobile").
 *
 * A feature is a name ("c:<fra", "w:franchise") and a number, the name's 32-bit FNV-1a hash. The model
 * learns and predicts on numbers, computed straight from the characters: most of a text's features are
 * n-grams, and making each one a string first cost more than the learning itself. The names are only made
 * to explain a decision; `featureName` and `featureIds` are tested to agree.
 */
import type { Analyzer } from '../search/analyzer.ts';
import { fold, words } from '../search/fold.ts';
import { LONGEST_WORD } from '../search/stemmers.ts';

/**
 * Character n-grams are 3 long, counted on the word with a mark at each end. Adding 4-grams measured no
 * better on the case files (one case worse on the realistic set) and nearly doubled the features of a
 * text, and with them the work of training.
 */
const N = 3;
const OPEN = '<'.charCodeAt(0);
const CLOSE = '>'.charCodeAt(0);

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** The hash of `text` continued from the hash `h` of what came before it. */
function hashOn(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/** A feature's number. */
export const featureHash = (name: string): number => hashOn(FNV_OFFSET, name);

const WORD = hashOn(FNV_OFFSET, 'w:');
const GRAM = hashOn(FNV_OFFSET, 'c:');
const PAIR = hashOn(FNV_OFFSET, 'b:');
const CONCEPT = hashOn(FNV_OFFSET, 'k:');
const FIRST = hashOn(FNV_OFFSET, 'first:');

/**
 * Words long enough for n-grams: numbers and one- or two-letter words are only words, and so is a word
 * longer than any real one (a thousand letters would be a thousand n-grams no entry has).
 */
const gramsOf = (w: string) => w.length >= 3 && w.length <= LONGEST_WORD && !/^\d/.test(w);

/** The features of a text by name: to explain a decision. */
export function featuresOf(text: string, analyzer?: Analyzer): string[] {
  const ws = words(fold(text));
  const out = new Set<string>();
  for (const w of ws) {
    out.add(`w:${w}`);
    if (!gramsOf(w)) continue;
    const marked = `<${w}>`;
    for (let i = 0; i + N <= marked.length; i++) out.add(`c:${marked.slice(i, i + N)}`);
  }
  for (let i = 0; i + 1 < ws.length; i++) out.add(`b:${ws[i]}_${ws[i + 1]}`);
  if (analyzer) for (const c of analyzer.concepts(text)) out.add(`k:${c}`);
  return [...out];
}

/** The features of a text by number, each once: what the model learns from and predicts on. */
export function featureIds(text: string, analyzer?: Analyzer): Int32Array {
  const ws = words(fold(text));
  const out = new Set<number>();
  for (const w of ws) {
    out.add(hashOn(WORD, w));
    if (!gramsOf(w)) continue;
    // The 3-grams of "<w>", hashed from the characters without making "<w>" or its slices.
    let a = OPEN;
    let b = w.charCodeAt(0);
    for (let i = 1; i <= w.length; i++) {
      const c = i < w.length ? w.charCodeAt(i) : CLOSE;
      out.add(Math.imul(Math.imul(Math.imul(GRAM ^ a, FNV_PRIME) ^ b, FNV_PRIME) ^ c, FNV_PRIME));
      a = b;
      b = c;
    }
  }
  for (let i = 0; i + 1 < ws.length; i++) out.add(hashOn(hashOn(hashOn(PAIR, ws[i]!), '_'), ws[i + 1]!));
  if (analyzer) for (const c of analyzer.concepts(text)) out.add(hashOn(CONCEPT, c));
  return Int32Array.from(out);
}

/** The word and pair features of a text without the analyzer, by name: for how a message asks. */
export const wordFeaturesOf = (text: string): string[] => {
  const ws = words(fold(text));
  return [...new Set([...ws.map((w) => `w:${w}`), ...ws.slice(1).map((w, i) => `b:${ws[i]}_${w}`), ...(ws.length ? [`first:${ws[0]}`] : [])])];
};

/** The same by number. */
export const wordFeatureIds = (text: string): Int32Array => {
  const ws = words(fold(text));
  const out = new Set<number>(ws.map((w) => hashOn(WORD, w)));
  for (let i = 1; i < ws.length; i++) out.add(hashOn(hashOn(hashOn(PAIR, ws[i - 1]!), '_'), ws[i]!));
  if (ws.length) out.add(hashOn(FIRST, ws[0]!));
  return Int32Array.from(out);
};
