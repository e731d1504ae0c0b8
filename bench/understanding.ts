/**
 * Understanding: how long learning the models from the content takes at load (both tenants, fresh, no
 * memo), and how long understanding one message takes (the case files' messages, in their tenant).
 */
import type { EvalCase } from '../src/evaluation/cases.ts';
import type { Library } from '../src/library.ts';
import { FLOWS } from '../src/flows/index.ts';
import { decide } from '../src/understanding/decide.ts';
import { learnUnderstanding } from '../src/understanding/model.ts';

export type UnderstandingResult = { trainMs: number[]; messages: number; p50: number; p99: number };

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

export function measureUnderstanding(library: Library, cases: EvalCase[], runs = 3, rounds = 5): UnderstandingResult {
  const trainMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    learnUnderstanding(library.content, library.search, FLOWS);
    trainMs.push(performance.now() - t);
  }
  const u = library.understanding;
  const timings: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      const model = u.tenants.get(c.tenant);
      if (!model) continue;
      const t = performance.now();
      decide(u, model, c.lang ?? 'fr', c.q);
      // The first round warms up the JIT and the analyzers' caches.
      if (round > 0) timings.push(performance.now() - t);
    }
  }
  return { trainMs, messages: timings.length, p50: quantile(timings, 0.5), p99: quantile(timings, 0.99) };
}
