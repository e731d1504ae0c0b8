/** Realistic requests for the benchmark: the questions of the evaluation case files (test/eval/*.jsonl). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCases, type EvalCase } from '../src/evaluation/cases.ts';

export function loadCases(root: string): EvalCase[] {
  const dir = join(root, 'test/eval');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => parseCases(readFileSync(join(dir, f), 'utf8'), f).cases);
}

/** Cycles through a list forever. */
export function cycle<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

export const searchPath = (c: EvalCase) => `/api/search?${new URLSearchParams({ tenant: c.tenant, q: c.q, ...(c.lang ? { lang: c.lang } : {}) })}`;

export const chatBody = (c: EvalCase, conversationId?: string) =>
  JSON.stringify({ tenant: c.tenant, ...(c.lang ? { lang: c.lang } : {}), ...(conversationId ? { conversationId } : {}), message: c.q });

/** Starts `count` conversations (one question each) to send follow-up questions into. */
export async function openConversations(base: string, cases: EvalCase[], count: number): Promise<{ id: string; tenant: string; lang: string | undefined }[]> {
  const out: { id: string; tenant: string; lang: string | undefined }[] = [];
  for (let i = 0; i < count; i++) {
    const c = cases[i % cases.length]!;
    const res = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chatBody(c) });
    if (res.status !== 200) throw new Error(`bench: opening a conversation answered ${res.status}: ${await res.text()}`);
    out.push({ id: ((await res.json()) as { conversationId: string }).conversationId, tenant: c.tenant, lang: c.lang });
  }
  return out;
}
