/**
 * Whole conversations as evaluation cases (format in shared/eval/README.md): each step types a message
 * or presses an offered button through `POST /api/chat`, and each reply is judged like a first message.
 * A conversation passes when every step and the transcript hold; the score is given per situation.
 */
import { z } from 'zod';
import { LANGS } from '../content/types.ts';
import { matchesAll, normalize } from './cases.ts';
import type { Fetcher } from './run.ts';

const REPLY_KINDS = ['answer', 'flow', 'clarify', 'escalate', 'smalltalk'] as const;
/** The single-message format's judged kinds, in a step too: `oos` is anything but an answer or a flow. */
const SHORTHANDS: Record<string, readonly string[]> = { oos: ['clarify', 'escalate', 'smalltalk'], any: ['answer', 'flow', 'escalate'] };
const kinds = z
  .string()
  .transform((s) => [...new Set(s.split('|').flatMap((k) => SHORTHANDS[k.trim()] ?? [k.trim()]))])
  .pipe(z.array(z.enum(REPLY_KINDS)).min(1));

const judged = {
  kind: kinds.optional(),
  expect: z.array(z.string()).optional(),
  expectLang: z.enum(LANGS).optional(),
};
const step = z.union([
  z.object({ send: z.string().min(1), ...judged }).strict(),
  z.object({ pick: z.string().min(1), ...judged }).strict(),
  z.object({ pickIf: z.string().min(1), ...judged }).strict(),
]);

export const conversationSchema = z.object({
  name: z.string().min(1),
  tenant: z.string(),
  lang: z.enum(LANGS).optional(),
  situation: z.number().int().min(1),
  steps: z.array(step).min(1),
  transcript: z.array(z.string()).default([]),
});
export type ConversationCase = z.infer<typeof conversationSchema>;
type Step = ConversationCase['steps'][number];

/** The situations of the format, for the per-situation table. */
export const SITUATIONS: Record<number, string> = {
  1: 'follow-up on the topic',
  2: 'question inside a flow, back',
  3: 'correction',
  4: 'typed detail',
  5: 'language switch',
  6: 'out of scope, back',
  7: 'frustration',
  8: 'closing',
  9: 'first message names the case',
  10: 'account change, anonymous',
};

/** Whether a line of a case file is a conversation (it has steps) rather than a single message. */
export const isConversationLine = (line: string) => /^\s*\{.*"steps"\s*:/.test(line);

export function parseConversations(text: string, file: string): { cases: ConversationCase[]; errors: string[] } {
  const cases: ConversationCase[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('//')) return;
    try {
      const parsed = conversationSchema.safeParse(JSON.parse(line));
      if (parsed.success) cases.push(parsed.data);
      else errors.push(`${file}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    } catch (e) {
      errors.push(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
  });
  return { cases, errors };
}

type ApiReply = { kind: string; text: string; choices: { id: string; label: string }[]; flow: { id: string; step: string } | null; sources: { id: string }[] };
type ApiBody = { conversationId: string; lang: string; reply: ApiReply };

export type StepOutcome = { said: string; got: string; lang: string; why?: string };
export type ConversationOutcome = { c: ConversationCase; pass: boolean; steps: StepOutcome[]; why?: string };

const describe = (r: ApiReply) => `${r.kind}${r.flow ? `:${r.flow.id}/${r.flow.step}` : ''}${r.sources[0] ? `:${r.sources[0].id}` : ''}`;
const seenOf = (r: ApiReply) => [r.text, ...r.choices.map((x) => x.label)].join('\n');
/** A button whose label matches the step's pattern, folded as the expectations are. */
const pickable = (r: ApiReply | undefined, pattern: string) => r?.choices.find((ch) => matchesAll([pattern], ch.label).length === 0);

function judge(s: Step, body: ApiBody): string | undefined {
  if (s.kind && !s.kind.includes(body.reply.kind as (typeof REPLY_KINDS)[number])) return `kind ${body.reply.kind}`;
  if (s.expectLang && body.lang !== s.expectLang) return `lang ${body.lang}`;
  const missing = matchesAll(s.expect, seenOf(body.reply));
  return missing.length ? `missing ${missing.join(', ')}` : undefined;
}

export async function runConversation(fetcher: Fetcher, c: ConversationCase): Promise<ConversationOutcome> {
  let conversationId: string | undefined;
  let last: ApiReply | undefined;
  const replies: string[] = [];
  const steps: StepOutcome[] = [];
  const fail = (why: string): ConversationOutcome => ({ c, pass: false, steps, why });
  for (const [n, s] of c.steps.entries()) {
    let input: { message: string } | { choice: string };
    if ('send' in s) input = { message: s.send };
    else {
      const pattern = 'pick' in s ? s.pick : s.pickIf;
      const button = pickable(last, pattern);
      if (!button) {
        if ('pickIf' in s) continue;
        return fail(`step ${n + 1}: no button matches /${pattern}/ (offered: ${last?.choices.map((x) => x.label).join(' | ') ?? 'none'})`);
      }
      input = { choice: button.id };
    }
    const res = await fetcher('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // The page names its language on every turn, as the chat page and the widget do.
      body: JSON.stringify({ tenant: c.tenant, ...(c.lang ? { lang: c.lang } : {}), ...(conversationId ? { conversationId } : {}), ...input }),
    });
    const said = 'message' in input ? input.message : `[${pickable(last, 'pick' in s ? s.pick : (s as { pickIf: string }).pickIf)?.label}]`;
    if (res.status !== 200) {
      steps.push({ said, got: `HTTP ${res.status}`, lang: '' });
      return fail(`step ${n + 1}: HTTP ${res.status}`);
    }
    const body = (await res.json()) as ApiBody;
    conversationId = body.conversationId;
    last = body.reply;
    replies.push(seenOf(body.reply));
    const why = judge(s, body);
    steps.push({ said, got: describe(body.reply), lang: body.lang, ...(why ? { why } : {}) });
    if (why) return fail(`step ${n + 1}: ${why}`);
  }
  const missing = matchesAll(c.transcript, replies.join('\n'));
  if (missing.length) return fail(`transcript: missing ${missing.join(', ')}`);
  return { c, pass: true, steps };
}

export type ConversationScore = {
  total: number;
  passed: number;
  bySituation: Record<number, { total: number; passed: number }>;
  failures: ConversationOutcome[];
};

export async function runConversations(fetcher: Fetcher, cases: ConversationCase[]): Promise<ConversationScore> {
  const score: ConversationScore = { total: 0, passed: 0, bySituation: {}, failures: [] };
  for (const c of cases) {
    const o = await runConversation(fetcher, c);
    const s = (score.bySituation[c.situation] ??= { total: 0, passed: 0 });
    score.total++;
    s.total++;
    if (o.pass) {
      score.passed++;
      s.passed++;
    } else score.failures.push(o);
  }
  return score;
}

/** The score as printed by `npm run eval`: the failures with each step, then one line per situation. */
export function formatConversationScore(score: ConversationScore, { steps = true } = {}): string[] {
  const out: string[] = [];
  for (const f of score.failures) {
    out.push(`  FAIL ${f.c.name} [${f.c.tenant}/${f.c.lang ?? '?'}] ${f.why ?? ''}`);
    if (steps) for (const s of f.steps) out.push(`       "${normalize(s.said).slice(0, 90)}" → ${s.got} (${s.lang})${s.why ? `  ✗ ${s.why}` : ''}`);
  }
  for (const [n, s] of Object.entries(score.bySituation).sort(([a], [b]) => Number(a) - Number(b))) {
    out.push(`  ${String(n).padStart(2)} ${(SITUATIONS[Number(n)] ?? '').padEnd(30)} ${s.passed}/${s.total}`);
  }
  out.push(`  score ${(score.total ? score.passed / score.total : 1).toFixed(3)} (${score.passed}/${score.total} conversations)`);
  return out;
}
