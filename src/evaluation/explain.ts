/**
 * Why the assistant understood each case as it did: the decision, the most likely labels with their
 * probabilities and the features that carried them, and a confusion summary per kind, so an editor sees
 * which phrasing to add to which file. Reads the models directly: no HTTP, no conversation.
 */
import type { Lang } from '../content/types.ts';
import type { Library } from '../library.ts';
import { decide, type Decision, type Understood } from '../understanding/decide.ts';
import type { EvalCase } from './cases.ts';

/** The reply kind a decision leads to, in the words of the case files. */
const kindOf = (d: Decision): string => (d.kind === 'contact' || d.kind === 'advice' ? 'escalate' : d.kind === 'oos' || d.kind === 'act' || d.kind === 'detail' ? 'clarify' : d.kind);

/**
 * One message as the assistant reads it: the language it is understood in (a message confidently in
 * another of the three languages is read in its own, as the chat does), the decision and its explanation.
 * Shared by `npm run eval -- --explain` and the editors' try page. Undefined for an unknown tenant.
 */
export function understandMessage(
  library: Library,
  tenant: string,
  lang: Lang | undefined,
  message: string,
  /** `keepLang`: read in `lang` as given (the caller already chose the language the chat would use). */
  options: { keepLang?: boolean } = {},
): (Understood & { lang: Lang }) | undefined {
  const model = library.understanding.tenants.get(tenant);
  if (!model) return undefined;
  const detected = options.keepLang && lang ? undefined : library.search.detectLanguage(message);
  const read: Lang = (detected?.confident ? detected.lang : undefined) ?? lang ?? detected?.lang ?? 'fr';
  return { ...decide(library.understanding, model, read, message), lang: read };
}

const expected = (c: EvalCase, got: string) =>
  c.kind === 'any' ? ['answer', 'flow', 'escalate'].includes(got) : c.kind === 'oos' ? got !== 'answer' && got !== 'flow' : c.kind === got;

export function explainCases(library: Library, cases: EvalCase[], options: { onlyWrong?: boolean } = {}): string[] {
  const lines: string[] = [];
  const confusion = new Map<string, Map<string, number>>();
  for (const c of cases) {
    const understood = understandMessage(library, c.tenant, c.lang, c.q);
    if (!understood) {
      lines.push(`? [${c.tenant}] unknown tenant: "${c.q}"`);
      continue;
    }
    const { decision, explanation, lang } = understood;
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
