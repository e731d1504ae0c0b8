/** The search indexes of one tenant: a MiniSearch index per language over its FAQ entries. */
import MiniSearch, { type SearchResult } from 'minisearch';
import { LANGS, type FaqEntry, type Lang, type Localized, type TenantContent } from '../content/types.ts';
import { createAnalyzer, SYNONYM_PREFIX, type Analyzer } from './analyzer.ts';
import { LONGEST_WORD } from './stemmers.ts';

export type SearchOptions = {
  /** Search as you type: the last word may be the start of a longer one. */
  prefix?: boolean;
  limit?: number;
};

export type Hit = {
  entry: FaqEntry;
  score: number;
  /** Share of the query's terms that the entry matched (0..1): the basis of the chat's confidence. */
  coverage: number;
};

export type LangIndex = {
  analyzer: Analyzer;
  search(query: string, options?: SearchOptions): Hit[];
  /** The index as data: built on another thread, loaded there without indexing again (`buildLangIndex`'s `saved`). */
  saved(): SavedIndex;
};

/** A language index as data: MiniSearch's JSON and the analyzer's compound parts (one per line). */
export type SavedIndex = { index: string; compoundParts: string };

type Doc = { id: string; question: string; alternates: string; answer: string };

/** Field weights: the visitor's words in the question and the alternate phrasings count most. */
const BOOST = { question: 2, alternates: 1.6, answer: 1 } as const;

/** @param saved the indexes' JSON per language (`toJSON()`), to load instead of indexing the entries again */
export function buildTenantIndex(content: TenantContent, synonyms: Localized<string[][]>, saved?: Localized<SavedIndex>): Localized<LangIndex> {
  return Object.fromEntries(LANGS.map((l) => [l, buildLangIndex(content.entries[l], l, synonyms[l], saved?.[l])])) as Localized<LangIndex>;
}

export function buildLangIndex(entries: FaqEntry[], lang: Lang, synonymGroups: string[][], saved?: SavedIndex): LangIndex {
  const corpus = saved
    ? { compoundParts: saved.compoundParts ? saved.compoundParts.split('\n') : [] }
    : entries.flatMap((e) => [e.question, ...e.alternates, e.plain ?? e.text]).concat(synonymGroups.flat());
  const analyzer = createAnalyzer(lang, synonymGroups, corpus);
  const byId = new Map(entries.map((e) => [e.id, e]));
  const options = {
    fields: ['question', 'alternates', 'answer'],
    tokenize: (text: string) => analyzer.terms(text),
    processTerm: (term: string) => term,
  };
  let index: MiniSearch<Doc>;
  if (saved) index = MiniSearch.loadJSON<Doc>(saved.index, options);
  else {
    index = new MiniSearch<Doc>(options);
    index.addAll(entries.map((e) => ({ id: e.id, question: e.question, alternates: e.alternates.join('\n'), answer: e.plain ?? e.text })));
  }

  const search = (query: string, options: SearchOptions = {}): Hit[] => {
    const terms = analyzer.terms(query);
    if (terms.length === 0) return [];
    const last = terms.filter((t) => !t.startsWith(SYNONYM_PREFIX)).at(-1);
    const results: SearchResult[] = index.search(query, {
      boost: { ...BOOST },
      combineWith: 'OR',
      // Typos: one edit in words of 5 letters or more, two from 9 (never on synonym tokens or numbers).
      fuzzy: (term) => (term.startsWith(SYNONYM_PREFIX) || /^\d/.test(term) || term.length < 5 || term.length > LONGEST_WORD ? false : term.length >= 9 ? 2 : 1),
      prefix: (term) => Boolean(options.prefix) && term === last && term.length >= 3,
      weights: { fuzzy: 0.6, prefix: 0.7 },
    });
    const unique = new Set(terms);
    return results.slice(0, options.limit ?? 20).flatMap((r) => {
      const entry = byId.get(r.id as string);
      if (!entry) return [];
      // A term found as typed counts fully; one found only by typo tolerance or as a prefix counts half,
      // so "revoir" matching "devoir" does not make an answer look certain.
      const exact = new Set(r.terms);
      const matched = new Set(r.queryTerms);
      const coverage = [...unique].reduce((n, t) => n + (exact.has(t) ? 1 : matched.has(t) ? 0.5 : 0), 0) / unique.size;
      return [{ entry, score: r.score, coverage }];
    });
  };

  // Stems hold no line break.
  return { analyzer, search, saved: () => ({ index: JSON.stringify(index), compoundParts: analyzer.compoundParts.join('\n') }) };
}
