/** Snowball stemmers per language (from @orama/stemmers, a maintained port of the Snowball algorithms). */
import { stemmer as french } from '@orama/stemmers/french';
import { stemmer as german } from '@orama/stemmers/german';
import { stemmer as italian } from '@orama/stemmers/italian';
import type { Lang } from '../content/types.ts';

/** No word of a language is longer; anything longer is noise (or an attack) and is not remembered. */
export const LONGEST_WORD = 40;

/**
 * A function of a word, worked out once per word (the memory is bounded: forgotten past 200k words of at
 * most LONGEST_WORD letters, a few megabytes). Stemming is the main cost of indexing, and a language has
 * far fewer distinct words than a corpus has.
 */
export function memo<T>(of: (word: string) => T): (word: string) => T {
  const seen = new Map<string, T>();
  return (word) => {
    if (word.length > LONGEST_WORD) return of(word);
    let s = seen.get(word);
    if (s === undefined) {
      s = of(word);
      if (seen.size >= 200_000) seen.clear();
      seen.set(word, s);
    }
    return s;
  };
}

export const stemmers: Record<Lang, (word: string) => string> = { fr: memo(french), de: memo(german), it: memo(italian) };
