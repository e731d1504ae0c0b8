/**
 * Turns text into index terms for one language: folding, words, stop words, German compound
 * splitting, Snowball stemming, and a shared token for each synonym group found in the text.
 * The same analyzer serves documents and queries, so both sides meet on the same terms.
 */
import type { Lang } from '../content/types.ts';
import { fold, words } from './fold.ts';
import { LONGEST_WORD, memo, stemmers } from './stemmers.ts';
import { stopwords } from './stopwords.ts';

export type Analyzer = {
  lang: Lang;
  /** Index and query terms of a text. */
  terms(text: string): string[];
  /** The plain stems, without synonym tokens: what the visitor actually wrote. */
  stems(text: string): string[];
  /** Stems with each synonym phrase replaced by its group token: for comparing two phrasings. */
  concepts(text: string): string[];
  /** The stems German compounds are split into (none in other languages), to hand an analyzer to another thread. */
  compoundParts: readonly string[];
};

/** Marks terms made by the analyzer (synonym groups) so they are never fuzzy-matched. */
export const SYNONYM_PREFIX = '~';

type Phrase = { stems: string[]; group: number };

/**
 * Negations are stop words, yet "I do not receive the code" asks something else than "the code": a
 * negated text gets one shared token, so it meets the entries written for things that did not work.
 */
const NEGATIONS: Record<Lang, Set<string>> = {
  // Written French marks every negation with "ne" ("je n'arrive plus"); spoken French often only with "pas".
  fr: new Set(['ne', 'n', 'pas', 'jamais', 'aucun', 'aucune', 'rien']),
  de: new Set(['nicht', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'nie', 'niemals']),
  it: new Set(['non', 'mai', 'nessun', 'nessuno', 'nessuna', 'niente']),
};
export const NEGATION_TOKEN = `${SYNONYM_PREFIX}not`;

/**
 * @param corpus the texts whose words German compounds may be split into; or those stems already
 *   found (`compoundParts` of an analyzer built before), which spares stemming the whole corpus again
 */
export function createAnalyzer(lang: Lang, synonymGroups: string[][], corpus: string[] | { compoundParts: readonly string[] }): Analyzer {
  const stem = stemmers[lang];
  const stop = stopwords[lang];
  const baseStems = (text: string): string[] =>
    words(fold(text))
      .filter((w) => w.length > 1 && !stop.has(w))
      .map((w) => (/^\d/.test(w) ? w : stem(w)));

  // The words of the corpus (stemmed), so that compounds split only into words the content knows.
  const known = new Set<string>(Array.isArray(corpus) ? [] : corpus.compoundParts);
  // Only German splits compounds: the other languages skip this pass over the whole corpus.
  if (lang === 'de' && Array.isArray(corpus)) for (const text of corpus) for (const s of baseStems(text)) if (s.length >= 3) known.add(s);

  // A word is split once: trying each place costs a stem lookup per letter, and words repeat. A word
  // longer than any compound is not split at all: a thousand letters would be a thousand lookups.
  const splitOnce = memo((w: string) => splitCompound(w, known, stem));
  const split = lang === 'de' ? (w: string) => (w.length > LONGEST_WORD ? [] : splitOnce(w)) : () => [];

  const negations = NEGATIONS[lang];
  // One message is analysed several times per chat turn (search in two languages, the index's own
  // tokenizer, phrasing similarity): remember the last few texts.
  const recent = new Map<string, string[]>();
  const stems = (text: string): string[] => {
    const cached = recent.get(text);
    if (cached) return cached.slice();
    const out = analyse(text);
    // Short texts only, and only a few: this serves the repeats within one turn, not a cache across visitors.
    if (text.length <= 300) {
      if (recent.size >= 16) recent.clear();
      recent.set(text, out);
    }
    return out.slice();
  };

  const analyse = (text: string): string[] => {
    const out: string[] = [];
    let negated = false;
    for (const w of words(fold(text))) {
      if (negations.has(w)) negated = true;
      if (w.length < 2 || stop.has(w)) continue;
      if (/^\d/.test(w)) {
        out.push(w);
        continue;
      }
      out.push(stem(w));
      out.push(...split(w));
    }
    if (negated) out.push(NEGATION_TOKEN);
    return out;
  };

  // Synonym phrases are matched on the same stems, keyed by their first stem.
  const phrases = new Map<string, Phrase[]>();
  synonymGroups.forEach((group, g) => {
    for (const member of group) {
      const s = stems(member);
      if (s.length === 0) continue;
      const list = phrases.get(s[0]!) ?? [];
      list.push({ stems: s, group: g });
      phrases.set(s[0]!, list);
    }
  });

  /** Synonym phrases found in a stem sequence: where they start, how long they are, their group. */
  const spans = (s: string[]) => {
    const found: { at: number; length: number; group: number }[] = [];
    s.forEach((first, i) => {
      for (const p of phrases.get(first) ?? []) {
        if (p.stems.every((x, k) => s[i + k] === x)) found.push({ at: i, length: p.stems.length, group: p.group });
      }
    });
    return found;
  };

  const terms = (text: string): string[] => {
    const s = stems(text);
    const groups = new Set(spans(s).map((f) => f.group));
    return groups.size ? [...s, ...[...groups].map((g) => `${SYNONYM_PREFIX}${g}`)] : s;
  };

  const concepts = (text: string): string[] => {
    const s = stems(text);
    const found = spans(s).sort((a, b) => a.at - b.at || b.length - a.length);
    const out: string[] = [];
    let i = 0;
    for (const f of found) {
      if (f.at < i) continue;
      out.push(...s.slice(i, f.at), `${SYNONYM_PREFIX}${f.group}`);
      i = f.at + f.length;
    }
    return [...new Set([...out, ...s.slice(i)])];
  };

  return { lang, terms, stems, concepts, compoundParts: [...known] };
}

/**
 * Splits a German compound into two known words ("vertragsnummer" → "vertrag", "nummer"), allowing the
 * linking "s" and "n" of German word formation. Only splits into words the content uses, so
 * unknown words stay whole.
 */
function splitCompound(word: string, known: Set<string>, stem: (w: string) => string): string[] {
  if (word.length < 7) return [];
  for (let i = 3; i <= word.length - 4; i++) {
    const right = stem(word.slice(i));
    if (!known.has(right)) continue;
    const left = word.slice(0, i);
    for (const candidate of [left, left.replace(/(s|n|en|es)$/, '')]) {
      if (candidate.length < 3) continue;
      const l = stem(candidate);
      if (known.has(l)) return [l, right];
    }
  }
  return [];
}
