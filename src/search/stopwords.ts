/** Stop words per language: the `stopword` package's lists, minus words that carry meaning in this domain. */
import { deu, fra, ita } from 'stopword';
import type { Lang } from '../content/types.ts';
import { fold } from './fold.ts';

// Short domain words must survive, and the German list also drops content words visitors ask
// with ("wie hoch", "zehn Jahre", "wie lange").
const KEEP = new Set([
  'online', 'code', 'app', 'sms', 'pdf',
  'jahr', 'jahre', 'jahren', 'lange', 'neue', 'neu', 'zeit', 'gross', 'hoch', 'tag', 'tage', 'zehn', 'erste', 'ersten', 'monat',
  // "ändern" folds to "andern", which the list has as a form of "ander".
  'andern',
]);

// Question words say that something is asked, not what: they would only dilute the match.
const QUESTION_WORDS = [
  'pourquoi', 'quoi', 'comment', 'puis', 'combien', 'quand', 'quel', 'quelle', 'quels', 'quelles', 'est-ce',
  'warum', 'wieso', 'weshalb', 'wann', 'wie', 'was', 'wer', 'welche', 'welcher', 'welches',
  'perche', 'come', 'quando', 'quanto', 'quanti', 'quante', 'cosa', 'chi', 'quale', 'quali',
];

const build = (list: string[]) => new Set([...list.map(fold), ...QUESTION_WORDS].filter((w) => !KEEP.has(w)));

export const stopwords: Record<Lang, Set<string>> = { fr: build(fra), de: build(deu), it: build(ita) };
