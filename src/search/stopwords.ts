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

// Question words say that something is asked, not what: they would only dilute the match, whatever the
// language of the index (visitors ask in another language than the page's too).
const QUESTION_WORDS: Record<Lang, string[]> = {
  fr: ['pourquoi', 'quoi', 'comment', 'puis', 'combien', 'quand', 'quel', 'quelle', 'quels', 'quelles', 'est-ce'],
  de: ['warum', 'wieso', 'weshalb', 'wann', 'wie', 'was', 'wer', 'welche', 'welcher', 'welches'],
  it: ['perche', 'come', 'quando', 'quanto', 'quanti', 'quante', 'cosa', 'chi', 'quale', 'quali'],
};
const ALL_QUESTION_WORDS = Object.values(QUESTION_WORDS).flat();
/** The question words of the three languages, folded: a message with one asks something. */
export const questionWords: ReadonlySet<string> = new Set(ALL_QUESTION_WORDS);

const build = (list: string[], questions: string[]) => new Set([...list.map(fold), ...questions].filter((w) => !KEEP.has(w)));

export const stopwords: Record<Lang, Set<string>> = { fr: build(fra, ALL_QUESTION_WORDS), de: build(deu, ALL_QUESTION_WORDS), it: build(ita, ALL_QUESTION_WORDS) };

/** Each language's own stop and question words: what tells which language a short text is in. */
export const ownWords: Record<Lang, Set<string>> = { fr: build(fra, QUESTION_WORDS.fr), de: build(deu, QUESTION_WORDS.de), it: build(ita, QUESTION_WORDS.it) };
