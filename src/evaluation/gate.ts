/**
 * The quality gate of `npm run eval`: the project's own case files (test/eval/*.jsonl and the shared
 * dev set), scored per file and mode against the floors of test/eval/floors.json, the one place they
 * are set. CI runs it through `npm test`, so a content change that makes answers worse fails there.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { z } from 'zod';
import { compose } from '../compose.ts';
import { parseConfig } from '../config.ts';
import { parseCases, type EvalCase } from './cases.ts';
import { parseConversations, runConversation, type ConversationCase } from './conversations.ts';
import { runCase, type Fetcher, type Mode } from './run.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FLOORS_FILE = 'test/eval/floors.json';
/** The shared development set, next to the project, when it is there. */
export const SHARED_DEV_SET = '../shared/eval/dev.jsonl';
/** The shared case files beside the project, when there: clean questions and messages as visitors type them. */
const SHARED_SETS = [SHARED_DEV_SET, SHARED_DEV_SET.replace('dev.jsonl', 'realistic.jsonl')];
export const MODES: Mode[] = ['search', 'chat'];
/** The project's own conversation sets; the shared one beside the project when there. */
export const CONVERSATION_DIR = 'test/eval/conversations';
const SHARED_CONVERSATIONS = SHARED_DEV_SET.replace('dev.jsonl', 'conversations.jsonl');
/** A row of the gate: a file of single messages in one mode, or a file of whole conversations. */
export type GateMode = Mode | 'conversation';

const share = z.number().min(0).max(1);
const modeFloors = z
  .object({
    search: share.optional(),
    chat: share.optional(),
    /** Share of whole conversations right, for a file of conversations. */
    conversation: share.optional(),
    /** Floors of single kinds of case in a mode ("escalate" in chat): a kind that matters may not sink behind a good total. */
    kinds: z.object({ search: z.record(z.string(), share).optional(), chat: z.record(z.string(), share).optional() }).strict().optional(),
  })
  .strict();
const floorsSchema = z
  .object({
    '//': z.string().optional(),
    /** For a case file not listed under `files`. */
    default: modeFloors,
    files: z.record(z.string(), modeFloors),
  })
  .strict();
export type Floors = z.infer<typeof floorsSchema>;

/** The floors file, read and checked; a mistake in it is a configuration error, so it throws. */
export function loadFloors(root = ROOT): Floors {
  const path = join(root, FLOORS_FILE);
  const parsed = floorsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`eval: ${FLOORS_FILE}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export const floorFor = (floors: Floors, file: string, mode: GateMode): number => floors.files[file]?.[mode] ?? floors.default[mode] ?? 0;
export const kindFloorsFor = (floors: Floors, file: string, mode: GateMode): Record<string, number> => (mode === 'conversation' ? {} : (floors.files[file]?.kinds?.[mode] ?? {}));

/** test/eval/*.jsonl and the shared dev set, as paths relative to the project (how floors.json names them). */
export function defaultCaseFiles(root = ROOT): string[] {
  const own = readdirSync(join(root, 'test/eval'))
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => `test/eval/${f}`);
  return [...own, ...SHARED_SETS.filter((f) => existsSync(join(root, f)))];
}

/** test/eval/conversations/*.jsonl and the shared conversations, as floors.json names them. */
export function defaultConversationFiles(root = ROOT): string[] {
  const dir = join(root, CONVERSATION_DIR);
  const own = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl'))
        .sort()
        .map((f) => `${CONVERSATION_DIR}/${f}`)
    : [];
  return [...own, ...(existsSync(join(root, SHARED_CONVERSATIONS)) ? [SHARED_CONVERSATIONS] : [])];
}

export type Tally = { total: number; passed: number };

export type GateRow = {
  file: string;
  mode: GateMode;
  total: number;
  passed: number;
  score: number;
  floor: number;
  /** The kinds of case with a floor of their own, and theirs. */
  kindFloors: Record<string, number>;
  ok: boolean;
  byKind: Record<string, Tally>;
  /** "acme/fr", "acme/?" (no language named): where answers got worse. */
  byTenantLang: Record<string, Tally>;
  /** Each failed case, as the report prints it. */
  failures: string[];
};

export type GateResult = { ok: boolean; rows: GateRow[]; errors: string[] };

/**
 * Scores each file in each mode; a file/mode under its floor (or a case file that does not parse)
 * fails the gate.
 */
export async function runGate(opts: { fetcher: Fetcher; files: string[]; conversations?: string[]; floors: Floors; root?: string; modes?: Mode[] }): Promise<GateResult> {
  const root = opts.root ?? ROOT;
  const rows: GateRow[] = [];
  const errors: string[] = [];
  for (const file of opts.files) {
    const { cases, errors: bad } = parseCases(readFileSync(join(root, file), 'utf8'), file);
    errors.push(...bad);
    for (const mode of opts.modes ?? MODES) rows.push(await scoreFile(opts.fetcher, file, mode, cases, floorFor(opts.floors, file, mode), kindFloorsFor(opts.floors, file, mode)));
  }
  for (const file of opts.conversations ?? []) {
    const { cases, errors: bad } = parseConversations(readFileSync(join(root, file), 'utf8'), file);
    errors.push(...bad);
    rows.push(await scoreConversations(opts.fetcher, file, cases, floorFor(opts.floors, file, 'conversation')));
  }
  return { ok: errors.length === 0 && rows.every((r) => r.ok), rows, errors };
}

/** A file of conversations: a conversation passes when every step holds; "kinds" are the situations. */
async function scoreConversations(fetcher: Fetcher, file: string, cases: ConversationCase[], floor: number): Promise<GateRow> {
  const row: GateRow = { file, mode: 'conversation', total: 0, passed: 0, score: 1, floor, kindFloors: {}, ok: true, byKind: {}, byTenantLang: {}, failures: [] };
  for (const c of cases) {
    const o = await runConversation(fetcher, c);
    const tallies = [(row.byKind[`situation ${c.situation}`] ??= { total: 0, passed: 0 }), (row.byTenantLang[`${c.tenant}/${c.lang ?? '?'}`] ??= { total: 0, passed: 0 })];
    row.total++;
    for (const t of tallies) t.total++;
    if (o.pass) {
      row.passed++;
      for (const t of tallies) t.passed++;
    } else row.failures.push(`${c.name} [${c.tenant}/${c.lang ?? '?'}] ${o.why ?? ''}`.trimEnd());
  }
  row.score = row.total ? row.passed / row.total : 1;
  row.ok = row.score >= floor;
  return row;
}

async function scoreFile(fetcher: Fetcher, file: string, mode: Mode, cases: EvalCase[], floor: number, kindFloors: Record<string, number>): Promise<GateRow> {
  const row: GateRow = { file, mode, total: 0, passed: 0, score: 1, floor, kindFloors, ok: true, byKind: {}, byTenantLang: {}, failures: [] };
  for (const c of cases) {
    const o = await runCase(fetcher, mode, c);
    if (!o.counted) continue;
    const kind = (row.byKind[c.kind] ??= { total: 0, passed: 0 });
    const where = (row.byTenantLang[`${c.tenant}/${c.lang ?? '?'}`] ??= { total: 0, passed: 0 });
    row.total++;
    kind.total++;
    where.total++;
    if (o.pass) {
      row.passed++;
      kind.passed++;
      where.passed++;
    } else row.failures.push(`[${c.tenant}/${c.lang ?? '?'}] ${c.kind} "${c.q}" → ${o.got ?? ''} ${o.why ?? ''}`.trimEnd());
  }
  row.score = row.total ? row.passed / row.total : 1;
  row.ok = row.score >= floor && kindsUnder(row).length === 0;
  return row;
}

const shareOf = (t: Tally | undefined) => (t?.total ? t.passed / t.total : 1);

/** The kinds of a row under their own floor. */
const kindsUnder = (row: GateRow): string[] => Object.entries(row.kindFloors).flatMap(([kind, floor]) => (shareOf(row.byKind[kind]) >= floor ? [] : [kind]));

const fixed = (x: number) => x.toFixed(3);

/** The gate's report: one line per file and mode, with the failures of the rows under their floor. */
export function formatGate(result: GateResult, { verbose = false } = {}): string[] {
  const out: string[] = [...result.errors];
  for (const r of result.rows) {
    out.push(`${r.ok ? 'ok  ' : 'FAIL'} ${r.file} ${r.mode.padEnd(6)} ${fixed(r.score)} (${r.passed}/${r.total}), floor ${fixed(r.floor)}`);
    const under = kindsUnder(r);
    const kinds = Object.entries(r.kindFloors).map(([kind, floor]) => {
      const t = r.byKind[kind];
      return `${kind} ${fixed(shareOf(t))} (${t?.passed ?? 0}/${t?.total ?? 0}), floor ${fixed(floor)}${under.includes(kind) ? ' UNDER' : ''}`;
    });
    if (kinds.length) out.push(`       ${kinds.join('; ')}`);
    const where = Object.entries(r.byTenantLang)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, t]) => `${k} ${t.passed}/${t.total}`)
      .join(', ');
    if (where) out.push(`       ${where}`);
    if (!r.ok || verbose) {
      for (const f of r.failures) out.push(`       failed ${f}`);
    }
  }
  out.push(result.ok ? 'quality gate passed' : `quality gate FAILED: ${result.rows.filter((r) => !r.ok).length} file/mode under its floor${result.errors.length ? `, ${result.errors.length} bad case lines` : ''} (floors: ${FLOORS_FILE})`);
  return out;
}

/** The real application in-process, on the configured content, with a throw-away data folder. */
export function evalApp(env: Record<string, string | undefined> = process.env): { fetcher: Fetcher; close(): Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'eval-'));
  // Every case comes from this one process: the per-address limit would throttle a long case file.
  const parsed = parseConfig({ ...env, DATA_DIR: dataDir, DATABASE_URL: undefined, WATCH_CONTENT: 'false', LOG_LEVEL: 'silent', EDITOR_TOKEN: undefined, RATE_LIMIT_PER_MINUTE: '100000000' });
  if (!parsed.ok) throw new Error(`eval: ${parsed.errors.join('; ')}`);
  const result = compose(parsed.config, { logger: pino({ level: 'silent' }) });
  if (!result.ok) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`eval: the content does not load:\n${result.errors.join('\n')}`);
  }
  const { app } = result.composed;
  return {
    fetcher: async (path, init) => app.request(path, init),
    async close() {
      await result.composed.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A path as floors.json names it: relative to the project. */
export const projectPath = (path: string, root = ROOT) => relative(root, join(process.cwd(), path)) || path;
