/**
 * Peers: the same case files answered by our retrieval and by other search libraries with their default
 * options over the same content (question + alternates + answer text, one index per tenant and language).
 * Top-1 is judged as the eval's search mode does: the first hit's title and answer match every `expect`.
 */
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import FlexSearch from 'flexsearch';
import Fuse from 'fuse.js';
import lunr from 'lunr';
import MiniSearch from 'minisearch';
import type { Content, FaqEntry } from '../src/content/types.ts';
import { matchesAll, type EvalCase } from '../src/evaluation/cases.ts';
import type { Library } from '../src/library.ts';

export type PeerResult = { engine: string; top1: number; cases: number; buildMs: number; p50: number; p99: number; mean: number };

type Doc = { id: string; question: string; alternates: string; answer: string };
/** Top-1 id for a query, or undefined. */
type Engine = { name: string; build(docs: Doc[]): Promise<(q: string) => Promise<string | undefined> | string | undefined> };

const ENGINES: Engine[] = [
  {
    name: 'minisearch (defaults)',
    async build(docs) {
      const ms = new MiniSearch<Doc>({ fields: ['question', 'alternates', 'answer'] });
      ms.addAll(docs);
      return (q) => ms.search(q)[0]?.id as string | undefined;
    },
  },
  {
    name: 'lunr',
    async build(docs) {
      const idx = lunr(function () {
        this.ref('id');
        this.field('question');
        this.field('alternates');
        this.field('answer');
        for (const d of docs) this.add(d);
      });
      // Plain terms: lunr's query syntax would throw on ":", "~", "^" in visitors' questions.
      return (q) =>
        idx.query((query) => {
          for (const token of lunr.tokenizer(q)) query.term(token.toString(), {});
        })[0]?.ref;
    },
  },
  {
    name: 'flexsearch',
    async build(docs) {
      const index = new FlexSearch.Document<Doc>({ document: { id: 'id', index: ['question', 'alternates', 'answer'] } });
      for (const d of docs) index.add(d);
      return (q) => {
        // Results come per field; take the first field (in document order) that found something.
        const perField = index.search(q, { limit: 1 }) as unknown as { field: string; result: (string | number)[] }[];
        return perField.find((f) => f.result.length)?.result[0] as string | undefined;
      };
    },
  },
  {
    name: 'orama',
    async build(docs) {
      const db = create({ schema: { id: 'string', question: 'string', alternates: 'string', answer: 'string' } as const });
      await insertMultiple(db, docs);
      return async (q) => (await oramaSearch(db, { term: q, limit: 1 })).hits[0]?.document.id;
    },
  },
  {
    name: 'fuse.js',
    async build(docs) {
      const fuse = new Fuse(docs, { keys: ['question', 'alternates', 'answer'] });
      return (q) => fuse.search(q, { limit: 1 })[0]?.item.id;
    },
  },
];

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

/** The cases search answers: answer and any kinds with a language (peers index one language at a time). */
export const searchCases = (cases: EvalCase[]) => cases.filter((c) => (c.kind === 'answer' || c.kind === 'any') && c.lang);

export async function comparePeers(library: Library, cases: EvalCase[], repeat = 5): Promise<PeerResult[]> {
  const content: Content = library.content;
  const judged = searchCases(cases).filter((c) => content.tenants.has(c.tenant));
  const entryOf = (tenant: string, lang: string, id: string | undefined): FaqEntry | undefined =>
    id === undefined ? undefined : content.tenants.get(tenant)!.entries[lang as 'fr'].find((e) => e.id === id);
  const correct = (c: EvalCase, e: FaqEntry | undefined) => Boolean(e) && matchesAll(c.expect, `${e!.question}\n${e!.text}`).length === 0;

  const results: PeerResult[] = [];
  // Ours: the service the API uses (analysis per language, synonyms, typos, cross-language ranking).
  {
    const times: number[] = [];
    let hits = 0;
    for (let r = 0; r < repeat; r++) {
      for (const c of judged) {
        const t0 = performance.now();
        const top = library.search.search(c.tenant, c.lang!, c.q, { limit: 1 })[0];
        times.push(performance.now() - t0);
        if (r === 0 && correct(c, top?.entry)) hits++;
      }
    }
    results.push({ engine: 'ours (src/search)', top1: hits / judged.length, cases: judged.length, buildMs: NaN, p50: percentile(times, 50), p99: percentile(times, 99), mean: times.reduce((a, b) => a + b, 0) / times.length });
  }

  for (const engine of ENGINES) {
    const searchers = new Map<string, (q: string) => Promise<string | undefined> | string | undefined>();
    let buildMs = 0;
    for (const [tenant, tc] of content.tenants) {
      for (const lang of ['fr', 'de', 'it'] as const) {
        const docs = tc.entries[lang].map((e) => ({ id: e.id, question: e.question, alternates: e.alternates.join('\n'), answer: e.text }));
        const t0 = performance.now();
        searchers.set(`${tenant}/${lang}`, await engine.build(docs));
        buildMs += performance.now() - t0;
      }
    }
    const times: number[] = [];
    let hits = 0;
    for (let r = 0; r < repeat; r++) {
      for (const c of judged) {
        const find = searchers.get(`${c.tenant}/${c.lang}`)!;
        const t0 = performance.now();
        let id: string | undefined;
        try {
          id = await find(c.q);
        } catch {
          id = undefined;
        }
        times.push(performance.now() - t0);
        if (r === 0 && correct(c, entryOf(c.tenant, c.lang!, id))) hits++;
      }
    }
    results.push({ engine: engine.name, top1: hits / judged.length, cases: judged.length, buildMs, p50: percentile(times, 50), p99: percentile(times, 99), mean: times.reduce((a, b) => a + b, 0) / times.length });
  }
  return results;
}
