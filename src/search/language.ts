/**
 * Guesses the language of a visitor's text. Short questions defeat general detectors, so the guess
 * weighs two signals: how many of the words are known to each language's content and stop-word list
 * (the domain knows "Franchise" is German here too), and franc's trigram model as a tie-breaker.
 */
import { franc } from 'franc-min';
import { LANGS, type Lang } from '../content/types.ts';
import { fold, words } from './fold.ts';
import { ownWords } from './stopwords.ts';

const FRANC: Record<string, Lang> = { fra: 'fr', deu: 'de', ita: 'it' };

export type Detection = { lang: Lang; confident: boolean };

export type LanguageDetector = (text: string) => Detection | undefined;

/** @param vocabularies folded words of each language's content */
export function createLanguageDetector(vocabularies: Record<Lang, Set<string>>): LanguageDetector {
  return (text) => {
    const ws = words(fold(text)).filter((w) => w.length > 1 && !/^\d/.test(w));
    if (ws.length === 0) return undefined;
    const score = (l: Lang) =>
      ws.reduce((n, w) => n + (ownWords[l].has(w) ? 1 : 0) + (vocabularies[l].has(w) ? 1 : 0), 0);
    const ranked = LANGS.map((l) => ({ l, s: score(l) })).sort((a, b) => b.s - a.s);
    const [best, second] = ranked as [{ l: Lang; s: number }, { l: Lang; s: number }];
    // franc's trigram model is the costly part: asked only when the vocabulary does not settle it.
    const francGuess = () => FRANC[franc(text, { only: ['fra', 'deu', 'ita'], minLength: 3 })];
    if (best.s > second.s) {
      // A clear lead on the domain vocabulary wins; a one-word lead is confident only if franc agrees.
      return { lang: best.l, confident: best.s - second.s >= 2 || francGuess() === best.l };
    }
    const guess = francGuess();
    // A tie on vocabulary: franc decides, but a few letters are too little for it to be sure.
    if (guess && ranked.filter((r) => r.s === best.s).some((r) => r.l === guess)) return { lang: guess, confident: best.s > 0 && text.trim().length >= 20 };
    return best.s > 0 ? { lang: best.l, confident: false } : undefined;
  };
}

/** The folded words of some texts, to build a detector's vocabularies. */
export function vocabularyOf(texts: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of texts) for (const w of words(fold(t))) if (w.length > 1) out.add(w);
  return out;
}
