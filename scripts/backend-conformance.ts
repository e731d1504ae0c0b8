/**
 * `npm run backend:conformance -- <base-url> [--token …] [--timeout-ms 4000] [--accounts file.json]`:
 * checks an account-action backend against the contract the assistant enforces and prints a pass/fail
 * table; exits 1 when a check fails, 2 on a usage error. Without --accounts it uses the demo accounts,
 * which the reference backend (`npm run backend:reference`) knows.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { DEFAULT_BACKEND_TIMEOUT_MS } from '../src/actions/backend-contract.ts';
import { kitAccount, runConformance, type KitAccount } from '../src/conformance/kit.ts';
import { formatResults } from '../src/conformance/table.ts';

const USAGE = 'usage: npm run backend:conformance -- <base-url> [--token <ACTIONS_TOKEN>] [--timeout-ms <ms>] [--accounts <file.json>]';

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}

let args: ReturnType<typeof parseArgs<{ options: { token: { type: 'string' }; 'timeout-ms': { type: 'string' }; accounts: { type: 'string' }; help: { type: 'boolean' } }; allowPositionals: true }>>;
try {
  args = parseArgs({ options: { token: { type: 'string' }, 'timeout-ms': { type: 'string' }, accounts: { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true });
} catch (err) {
  usage((err as Error).message);
}
if (args.values.help) {
  console.log(USAGE);
  process.exit(0);
}
const baseUrl = z.url({ protocol: /^https?$/ }).safeParse(args.positionals[0]);
if (!baseUrl.success) usage(args.positionals[0] ? `not an http(s) URL: ${args.positionals[0]}` : 'the base URL of the backend is missing');
const timeout = z.coerce.number().int().positive().safeParse(args.values['timeout-ms'] ?? DEFAULT_BACKEND_TIMEOUT_MS);
if (!timeout.success) usage('--timeout-ms takes a positive number of milliseconds');

let accounts: KitAccount[] | undefined;
if (args.values.accounts) {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(args.values.accounts, 'utf8'));
  } catch (err) {
    usage(`cannot read ${args.values.accounts}: ${(err as Error).message}`);
  }
  const parsed = z.array(kitAccount).min(1).safeParse(raw);
  if (!parsed.success) usage(`${args.values.accounts}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  accounts = parsed.data;
}

console.log(`Conformance of the account-action backend at ${baseUrl.data}\n`);
const results = await runConformance({ baseUrl: baseUrl.data, token: args.values.token, timeoutMs: timeout.data, accounts });
console.log(formatResults(results, process.stdout.columns || 140));
process.exit(results.some((r) => r.outcome === 'fail') ? 1 : 0);
