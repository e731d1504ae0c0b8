/** The evaluation case format of shared/eval/README.md, parsed and judged. */
import { z } from 'zod';
import { fold } from '../search/fold.ts';

export const caseSchema = z.object({
  tenant: z.string(),
  lang: z.enum(['fr', 'de', 'it']).optional(),
  q: z.string(),
  kind: z.enum(['answer', 'flow', 'escalate', 'any', 'oos', 'clarify', 'smalltalk']),
  expect: z.array(z.string()).optional(),
  expectLang: z.enum(['fr', 'de', 'it']).optional(),
});
export type EvalCase = z.infer<typeof caseSchema>;

export function parseCases(text: string, file: string): { cases: EvalCase[]; errors: string[] } {
  const cases: EvalCase[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('//')) return;
    try {
      const parsed = caseSchema.safeParse(JSON.parse(line));
      if (parsed.success) cases.push(parsed.data);
      else errors.push(`${file}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    } catch (e) {
      errors.push(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
  });
  return { cases, errors };
}

/** Case-insensitive, accents removed, white space (non-breaking too) folded, as the format says. */
export const normalize = (s: string) => fold(s).replace(/\s+/g, ' ').trim();

/** Accents removed but case kept: lower-casing a pattern would turn "\\D" into "\\d". */
const stripAccents = (s: string) => s.normalize('NFKD').replace(/\p{M}+/gu, '');

export function matchesAll(expect: string[] | undefined, seen: string): string[] {
  const text = normalize(seen);
  return (expect ?? []).filter((re) => !new RegExp(stripAccents(re), 'i').test(text));
}
