/**
 * npm run eval -- [files.jsonl...] [--mode search|chat|both]
 * Runs evaluation cases against the app in-process, prints the score per kind and the failures.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { compose } from '../src/compose.ts';
import { parseConfig } from '../src/config.ts';
import { parseCases } from '../src/evaluation/cases.ts';
import { runCases, type Mode } from '../src/evaluation/run.ts';

const args = process.argv.slice(2);
const modeArg = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'both';
const files = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--mode');
if (files.length === 0) {
  console.error('usage: npm run eval -- <cases.jsonl> [more.jsonl] [--mode search|chat|both]');
  process.exit(2);
}
const modes: Mode[] = modeArg === 'both' ? ['search', 'chat'] : [modeArg as Mode];

const parsed = parseConfig({ ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'eval-')), WATCH_CONTENT: 'false', LOG_LEVEL: 'silent' });
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const result = compose(parsed.config, { logger: pino({ level: 'silent' }) });
if (!result.ok) {
  console.error(result.errors.join('\n'));
  process.exit(1);
}
const { app } = result.composed;
const fetcher = async (path: string, init?: RequestInit) => app.request(path, init);

let failed = false;
for (const file of files) {
  const { cases, errors } = parseCases(readFileSync(file, 'utf8'), file);
  if (errors.length) {
    console.error(errors.join('\n'));
    failed = true;
  }
  for (const mode of modes) {
    const score = await runCases(fetcher, mode, cases);
    console.log(`\n${file} — ${mode} mode`);
    for (const f of score.failures) console.log(`  FAIL [${f.c.tenant}/${f.c.lang ?? '?'}] ${f.c.kind} "${f.c.q}" → ${f.got ?? ''} ${f.why ?? ''}`);
    for (const [kind, k] of Object.entries(score.byKind)) console.log(`  ${kind.padEnd(9)} ${k.passed}/${k.total}`);
    console.log(`  score ${(score.total ? score.passed / score.total : 1).toFixed(3)} (${score.passed}/${score.total})`);
  }
}
result.composed.close();
process.exit(failed ? 1 : 0);
