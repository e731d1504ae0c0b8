/** Runs evaluation cases against the app (search mode, chat mode) and scores them per kind. */
import type { EvalCase } from './cases.ts';
import { matchesAll } from './cases.ts';

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;
export type Mode = 'search' | 'chat';

export type Outcome = { c: EvalCase; pass: boolean; counted: boolean; why?: string; got?: string };

export async function runCase(fetcher: Fetcher, mode: Mode, c: EvalCase): Promise<Outcome> {
  if (mode === 'search') {
    if (c.kind !== 'answer' && c.kind !== 'any') return { c, pass: true, counted: false };
    const params = new URLSearchParams({ tenant: c.tenant, q: c.q, limit: '3' });
    if (c.lang) params.set('lang', c.lang);
    const res = await fetcher(`/api/search?${params}`);
    if (res.status !== 200) return { c, pass: false, counted: true, why: `HTTP ${res.status}` };
    const body = (await res.json()) as { lang: string; results: { id: string; title: string; answer: string }[] };
    const top = body.results[0];
    if (!top) return { c, pass: false, counted: true, why: 'no result' };
    if (c.expectLang && body.lang !== c.expectLang) return { c, pass: false, counted: true, why: `lang ${body.lang}`, got: top.id };
    const missing = matchesAll(c.expect, `${top.title}\n${top.answer}`);
    return missing.length
      ? { c, pass: false, counted: true, why: `missing ${missing.join(', ')}`, got: `${top.id} (then ${body.results.slice(1).map((r) => r.id).join(', ')})` }
      : { c, pass: true, counted: true, got: top.id };
  }
  const res = await fetcher('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: c.tenant, lang: c.lang, message: c.q }),
  });
  if (res.status !== 200) return { c, pass: false, counted: true, why: `HTTP ${res.status}` };
  const body = (await res.json()) as {
    lang: string;
    reply: { kind: string; text: string; choices: { label: string }[]; sources: { id: string }[]; flow: { id: string } | null };
  };
  const kind = body.reply.kind;
  const got = `${kind}${body.reply.flow ? `:${body.reply.flow.id}` : ''}${body.reply.sources[0] ? `:${body.reply.sources[0].id}` : ''}`;
  const seen = [body.reply.text, ...body.reply.choices.map((x) => x.label)].join('\n');
  const missing = matchesAll(c.expect, seen);
  const kindOk =
    c.kind === 'any'
      ? ['answer', 'flow', 'escalate'].includes(kind)
      : c.kind === 'oos'
        ? kind !== 'answer' && kind !== 'flow'
        : // A flow whose first reply states every expected fact gave the visitor the answer too.
          kind === c.kind || (c.kind === 'answer' && kind === 'flow' && (c.expect?.length ?? 0) > 0 && missing.length === 0);
  if (!kindOk) return { c, pass: false, counted: true, why: `kind ${kind}`, got };
  if (c.expectLang && body.lang !== c.expectLang) return { c, pass: false, counted: true, why: `lang ${body.lang}`, got };
  return missing.length ? { c, pass: false, counted: true, why: `missing ${missing.join(', ')}`, got } : { c, pass: true, counted: true, got };
}

export type Score = { mode: Mode; total: number; passed: number; byKind: Record<string, { total: number; passed: number }>; failures: Outcome[] };

export async function runCases(fetcher: Fetcher, mode: Mode, cases: EvalCase[]): Promise<Score> {
  const score: Score = { mode, total: 0, passed: 0, byKind: {}, failures: [] };
  for (const c of cases) {
    const o = await runCase(fetcher, mode, c);
    if (!o.counted) continue;
    const k = (score.byKind[c.kind] ??= { total: 0, passed: 0 });
    k.total++;
    score.total++;
    if (o.pass) {
      k.passed++;
      score.passed++;
    } else score.failures.push(o);
  }
  return score;
}
