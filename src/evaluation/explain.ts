/**
 * Why the assistant understood each case as it did: the decision, the most likely labels with their
 * probabilities and the features that carried them, and a confusion summary per kind, so an editor sees
 * which phrasing to add to which file. Reads the models directly: no HTTP, no conversation.
 */
import type { Lang } from '../content/types.ts';
import type { Library } from '../library.ts';
import { decide, type Decision } from '../understanding/decide.ts';
import type { EvalCase } from './cases.ts';

/** The reply kind a decision leads to, in the words of the case files. */
const kindOf = (d: Decision): string => (d.kind === 'contact' || d.kind === 'advice' ? 'escalate' : d.kind === 'oos' ? 'clarify' : d.kind);

const expected = (c: EvalCase, got: string) =>
  c.kind === 'any' ? ['answer', 'flow', 'escalate'].includes(got) : c.kind === 'oos' ? got !== 'answer' && got !== 'flow' : c.kind === got;

export function explainCases(library: Library, cases: EvalCase[], options: { onlyWrong?: boolean } = {}): string[] {
  const lines: string[] = [];
  const confusion = new Map<string, Map<string, number>>();
  for (const c of cases) {
    const model = library.understanding.tenants.get(c.tenant);
    if (!model) {
      lines.push(`? [${c.tenant}] unknown tenant: "${c.q}"`);
      continue;
    }
    const detected = library.search.detectLanguage(c.q);
    const lang: Lang = (detected?.confident ? detected.lang : undefined) ?? c.lang ?? detected?.lang ?? 'fr';
    const { decision, explanation } = decide(library.understanding, model, lang, c.q);
    const got = kindOf(decision);
    const row = confusion.get(c.kind) ?? new Map<string, number>();
    row.set(got, (row.get(got) ?? 0) + 1);
    confusion.set(c.kind, row);
    const ok = expected(c, got);
    if (options.onlyWrong && ok) continue;
    const what = decision.kind === 'answer' ? `answer ${decision.entry}` : decision.kind === 'flow' ? `flow ${decision.flow}${decision.step ? `/${decision.step}` : ''}` : got;
    lines.push(`${ok ? 'ok  ' : 'MISS'} [${c.tenant}/${lang}] want ${c.kind}, got ${what}: "${c.q}"`);
    if (explanation.decidedOn !== c.q) lines.push(`     decided on: "${explanation.decidedOn}"`);
    for (const t of explanation.top) {
      const feats = t.features.map((f) => `${f.feature.replace(/^(\w):/, '$1 ')} ${f.weight.toFixed(2)}`).join(', ');
      lines.push(`     ${t.p.toFixed(2)} ${t.label.padEnd(34)} ${feats}`);
    }
    if (explanation.asking) lines.push(`     asks to act ${explanation.asking.act.toFixed(2)}, for a fact ${explanation.asking.fact.toFixed(2)}, for advice ${explanation.asking.advice.toFixed(2)}`);
  }
  const kinds = ['answer', 'flow', 'escalate', 'smalltalk', 'clarify'];
  lines.push('', `confusion (rows: expected kind; columns: what the assistant decided)`, `${''.padEnd(10)}${kinds.map((k) => k.padStart(10)).join('')}`);
  for (const [want, row] of confusion) lines.push(`${want.padEnd(10)}${kinds.map((k) => String(row.get(k) ?? 0).padStart(10)).join('')}`);
  return lines;
}
