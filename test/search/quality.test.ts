import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCases } from '../../src/evaluation/cases.ts';
import { runCases, type Score } from '../../src/evaluation/run.ts';
import { buildApp, ROOT } from '../helpers/app.ts';

/** The shared development set, next to the project (absent in a lone clone). */
const DEV_SET = join(ROOT, '../shared/eval/dev.jsonl');
/** The project's own cases: test/eval/*.jsonl, whichever exist and hold cases that search mode judges. */
const OWN_DIR = join(ROOT, 'test/eval');
const SEARCH_KINDS = new Set(['answer', 'any']);
const OWN_SETS = existsSync(OWN_DIR)
  ? readdirSync(OWN_DIR)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .map((f) => join(OWN_DIR, f))
      .filter((f) => parseCases(readFileSync(f, 'utf8'), f).cases.some((c) => SEARCH_KINDS.has(c.kind)))
  : [];

const testApp = buildApp();
afterAll(() => testApp.dispose());
const fetcher = async (path: string, init?: RequestInit) => testApp.app.request(path, init);

async function scoreFile(file: string): Promise<{ score: Score; rate: number; report: string }> {
  const { cases, errors } = parseCases(readFileSync(file, 'utf8'), file);
  expect(errors, `case lines that do not parse in ${file}`).toEqual([]);
  const score = await runCases(fetcher, 'search', cases);
  const rate = score.total ? score.passed / score.total : 1;
  const failures = score.failures.map(
    (f) => `  [${f.c.tenant}/${f.c.lang ?? '?'}] "${f.c.q}" → ${f.got ?? '-'} (${f.why ?? ''})`,
  );
  const report = `${file}: top-1 ${score.passed}/${score.total} = ${rate.toFixed(3)}\n${failures.join('\n')}`;
  return { score, rate, report };
}

describe('search quality: top-1 result of /api/search', () => {
  it.runIf(existsSync(DEV_SET))('answers at least 95% of the shared development set', async () => {
    const { score, rate, report } = await scoreFile(DEV_SET);
    expect(score.total, 'the development set has answer cases').toBeGreaterThan(10);
    console.info(report.split('\n')[0]);
    expect(rate, report).toBeGreaterThanOrEqual(0.95);
  });

  it.runIf(OWN_SETS.length > 0).each(OWN_SETS.map((f) => [f.slice(ROOT.length)]))(
    'answers at least 85% of the project cases in %s',
    async (rel) => {
      const { score, rate, report } = await scoreFile(join(ROOT, rel));
      expect(score.total).toBeGreaterThan(0);
      console.info(report.split('\n')[0]);
      expect(rate, report).toBeGreaterThanOrEqual(0.85);
    },
  );
});
