/** The conformance kit's results as a plain-text table, one line per check, and a closing count. */
import type { CheckResult } from './kit.ts';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

export function formatResults(results: CheckResult[], width = 140): string {
  const nameWidth = Math.min(80, Math.max(5, ...results.map((r) => r.check.length)));
  const detailWidth = Math.max(20, width - nameWidth - 9);
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const lines = [`result  ${'check'.padEnd(nameWidth)}  detail`, `------  ${'-'.repeat(nameWidth)}  ${'-'.repeat(Math.min(detailWidth, 40))}`];
  for (const r of results) lines.push(`${MARK[r.outcome].padEnd(6)}  ${cut(r.check, nameWidth).padEnd(nameWidth)}  ${cut(r.detail, detailWidth)}`);
  const count = (o: CheckResult['outcome']) => results.filter((r) => r.outcome === o).length;
  lines.push('', `${count('pass')} passed, ${count('fail')} failed${count('skip') ? `, ${count('skip')} skipped` : ''}`);
  return lines.join('\n');
}
