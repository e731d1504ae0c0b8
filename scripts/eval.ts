/**
 * npm run eval
 *   The quality gate: runs the project's own case files (test/eval/*.jsonl and ../shared/eval/dev.jsonl
 *   when present) in search and chat modes, and the conversation files (test/eval/conversations/ and
 *   ../shared/eval/conversations.jsonl); exit 1 when a file/mode scores under its floor in
 *   test/eval/floors.json. Add --verbose to list every failed case.
 * npm run eval -- [files.jsonl...] [--mode search|chat|both]
 *   Runs the given case files against the app in-process, prints the score per kind and the failures;
 *   a file of conversations (lines with "steps") is scored per conversation and situation.
 * npm run eval -- --explain [--wrong] files.jsonl...
 *   Shows per case how the message was understood: the top labels with their probabilities, the
 *   features that carried them and a confusion summary per kind (--wrong: only the cases it gets wrong).
 */
import { readFileSync } from 'node:fs';
import { parseCases } from '../src/evaluation/cases.ts';
import { formatConversationScore, isConversationLine, parseConversations, runConversations } from '../src/evaluation/conversations.ts';
import { defaultCaseFiles, defaultConversationFiles, evalApp, formatGate, loadFloors, runGate } from '../src/evaluation/gate.ts';
import { explainCases } from '../src/evaluation/explain.ts';
import { runCases, type Mode } from '../src/evaluation/run.ts';
import { formatProblem } from '../src/content/types.ts';
import { loadLibrary } from '../src/library.ts';

const args = process.argv.slice(2);
const modeArg = args.includes('--mode') ? args[args.indexOf('--mode') + 1] : 'both';
const files = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--mode');

if (args.includes('--explain')) {
  const loaded = loadLibrary({ contentDir: process.env.CONTENT_DIR ?? 'content', localesDir: process.env.LOCALES_DIR ?? 'locales' });
  if (!loaded.ok) {
    console.error(loaded.problems.map(formatProblem).join('\n'));
    process.exit(1);
  }
  for (const file of files) {
    const { cases, errors } = parseCases(readFileSync(file, 'utf8'), file);
    for (const line of [...errors, `${file}`, ...explainCases(loaded.library, cases, { onlyWrong: args.includes('--wrong') })]) console.log(line);
  }
  process.exit(0);
}

let app: ReturnType<typeof evalApp>;
try {
  app = evalApp();
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
const fetcher = app.fetcher;

if (files.length === 0) {
  const gateModes = modeArg === 'search' || modeArg === 'chat' ? [modeArg as Mode] : undefined;
  const result = await runGate({ fetcher, files: defaultCaseFiles(), conversations: gateModes ? [] : defaultConversationFiles(), floors: loadFloors(), ...(gateModes ? { modes: gateModes } : {}) });
  await app.close();
  for (const line of formatGate(result, { verbose: args.includes('--verbose') })) console.log(line);
  process.exit(result.ok ? 0 : 1);
}
const modes: Mode[] = modeArg === 'both' ? ['search', 'chat'] : [modeArg as Mode];

let failed = false;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  // A file of conversations (lines with "steps") is scored per conversation and situation.
  if (text.split('\n').some(isConversationLine)) {
    const { cases, errors } = parseConversations(text, file);
    if (errors.length) {
      console.error(errors.join('\n'));
      failed = true;
    }
    console.log(`\n${file} — conversations`);
    for (const line of formatConversationScore(await runConversations(fetcher, cases))) console.log(line);
    continue;
  }
  const { cases, errors } = parseCases(text, file);
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
await app.close();
process.exit(failed ? 1 : 0);
