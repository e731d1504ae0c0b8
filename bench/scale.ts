/**
 * Scale: synthetic corpora of 1k, 10k and 50k entries for one tenant and language, built with
 * buildLangIndex: build time, heap growth, query p50/p99. Entries mix the real content's words with a
 * pool of rare made-up words that grows with the corpus, as real vocabularies do.
 */
import type { Content, FaqEntry, Lang } from '../src/content/types.ts';
import { words } from '../src/search/fold.ts';
import { buildLangIndex } from '../src/search/tenant-index.ts';
import type { EvalCase } from '../src/evaluation/cases.ts';
// The same seeded generator the understanding model trains with: the same corpus on every run.
import { random as prng } from '../src/understanding/augment.ts';

export type ScaleResult = { lang: Lang; entries: number; buildMs: number; heapMb: number; p50: number; p99: number; queries: number };

const SYLLABLES = ['ka', 'lo', 'mi', 'ver', 'sta', 'ron', 'tel', 'bri', 'gu', 'dan', 'fe', 'sol', 'tri', 'po', 'nek', 'ar', 'zu', 'pel'];

export function syntheticEntries(content: Content, lang: Lang, count: number, seed = 42): FaqEntry[] {
  const rand = prng(seed + count);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const real = [...new Set([...content.tenants.values()].flatMap((tc) => tc.entries[lang].flatMap((e) => words(`${e.question} ${e.alternates.join(' ')} ${e.text}`))))].filter((w) => w.length >= 3);
  // Rare words: about one new word per entry, like product names, places and typos in real help centres.
  const rare = Array.from({ length: count }, (_, i) => `${pick(SYLLABLES)}${pick(SYLLABLES)}${pick(SYLLABLES)}${i % 97}`);
  const word = () => (rand() < 0.85 ? pick(real) : pick(rare));
  const sentence = (min: number, max: number) => Array.from({ length: min + Math.floor(rand() * (max - min + 1)) }, word).join(' ');
  return Array.from({ length: count }, (_, i) => {
    const text = `${sentence(12, 20)}. ${sentence(12, 20)}. ${sentence(10, 25)}.`;
    return {
      id: `synthetic-${i}`,
      lang,
      question: `${sentence(5, 9)} ?`,
      alternates: [sentence(4, 8), sentence(4, 8)],
      category: 'synthetic',
      related: [],
      markdown: text,
      html: `<p>${text}</p>`,
      text,
      file: `synthetic/${i}.md`,
    };
  });
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heapMb = () => process.memoryUsage().heapUsed / 2 ** 20;
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** Fewer timed queries on the largest corpora keep the run short; a p99 still rests on 300 or more. */
const defaultQueries = (count: number) => (count >= 50_000 ? 300 : count >= 10_000 ? 1000 : 2000);

export function measureScale(content: Content, cases: EvalCase[], lang: Lang, count: number, queryCount = defaultQueries(count)): ScaleResult {
  const entries = syntheticEntries(content, lang, count);
  const rand = prng(7);
  // Real questions in this language, and random questions made of the corpus's own words.
  const real = cases.filter((c) => c.lang === lang).map((c) => c.q);
  const made = Array.from({ length: 200 }, () => {
    const e = entries[Math.floor(rand() * entries.length)]!;
    const ws = words(e.question);
    return ws.slice(0, 2 + Math.floor(rand() * 4)).join(' ');
  });
  const queries = [...real, ...made];

  gc();
  const before = heapMb();
  const started = performance.now();
  const index = buildLangIndex(entries, lang, content.synonyms[lang]);
  const buildMs = performance.now() - started;
  gc();
  const heap = heapMb() - before;

  for (let i = 0; i < Math.min(200, queryCount); i++) index.search(queries[i % queries.length]!, { limit: 5 });
  const times: number[] = [];
  for (let i = 0; i < queryCount; i++) {
    const q = queries[i % queries.length]!;
    const t0 = performance.now();
    index.search(q, { limit: 5 });
    times.push(performance.now() - t0);
  }
  return { lang, entries: count, buildMs, heapMb: heap, p50: percentile(times, 50), p99: percentile(times, 99), queries: queryCount };
}
