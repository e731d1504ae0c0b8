/**
 * Search over all tenants: builds every index from loaded content and answers a query in the page's
 * language, also when the visitor typed it in another one (entries share ids across languages).
 */
import { LANGS, type Content, type Lang, type Localized } from '../content/types.ts';
import { createLanguageDetector, vocabularyOf, type LanguageDetector } from './language.ts';
import { buildTenantIndex, type Hit, type LangIndex, type SearchOptions } from './tenant-index.ts';

export type SearchService = {
  detectLanguage: LanguageDetector;
  /** Indexes of one tenant, or undefined for an unknown tenant. */
  indexes(tenant: string): Localized<LangIndex> | undefined;
  /** Hits shown in `lang`; the ranking comes from the language the query was written in. */
  search(tenant: string, lang: Lang, query: string, options?: SearchOptions): Hit[];
};

/** What a search service can be given instead of building it: the indexes (some tenants or all), the vocabularies. */
export type SearchParts = {
  /** Indexes per tenant, already built; a tenant not here is indexed from the content. */
  indexes?: ReadonlyMap<string, Localized<LangIndex>>;
  /** Folded words of each language's content (`vocabularies(content)`), for language detection. */
  vocabulary?: Record<Lang, Set<string>>;
  /** Index only these tenants (a worker building one tenant's model needs no other). */
  only?: ReadonlySet<string>;
};

/** The words of every tenant's questions and alternates, the synonyms and intents, per language. */
export function vocabularies(content: Content): Record<Lang, Set<string>> {
  return Object.fromEntries(
    LANGS.map((l) => [
      l,
      vocabularyOf(
        [...content.tenants.values()].flatMap((tc) => tc.entries[l].flatMap((e) => [e.question, ...e.alternates])).concat(
          content.synonyms[l].flat(),
          Object.values(content.intents[l]).flat(2),
        ),
      ),
    ]),
  ) as Record<Lang, Set<string>>;
}

export function createSearchService(content: Content, parts: SearchParts = {}): SearchService {
  const indexes = new Map<string, Localized<LangIndex>>();
  for (const [id, tc] of content.tenants) {
    if (parts.only && !parts.only.has(id)) continue;
    indexes.set(id, parts.indexes?.get(id) ?? buildTenantIndex(tc, content.synonyms));
  }
  const vocab = parts.vocabulary ?? vocabularies(content);
  // Detection runs franc's trigram model; a chat turn asks about the same text several times.
  const detectUncached = createLanguageDetector(vocab);
  const detected = new Map<string, ReturnType<LanguageDetector>>();
  const detectLanguage: LanguageDetector = (text) => {
    if (detected.has(text)) return detected.get(text);
    const d = detectUncached(text);
    // A few short texts: the repeats within one turn, not a cache across visitors.
    if (text.length <= 300) {
      if (detected.size >= 16) detected.clear();
      detected.set(text, d);
    }
    return d;
  };

  const search = (tenant: string, lang: Lang, query: string, options: SearchOptions = {}): Hit[] => {
    const idx = indexes.get(tenant);
    if (!idx) return [];
    const own = idx[lang].search(query, options);
    const detected = detectLanguage(query);
    if (!detected || detected.lang === lang) return own;
    // Written in another language than the page: rank there, show in the page's language.
    const foreign = idx[detected.lang].search(query, options);
    const better = (foreign[0]?.coverage ?? 0) > (own[0]?.coverage ?? 0) || (detected.confident && foreign.length > 0);
    if (!better) return own;
    const shown = new Map(content.tenants.get(tenant)!.entries[lang].map((e) => [e.id, e]));
    return foreign.flatMap((h) => {
      const entry = shown.get(h.entry.id);
      return entry ? [{ ...h, entry }] : [];
    });
  };

  return { detectLanguage, indexes: (t) => indexes.get(t), search };
}
