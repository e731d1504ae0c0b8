import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCaseFiles, defaultConversationFiles, evalApp, floorFor, formatGate, loadFloors, ROOT, runGate, SHARED_DEV_SET, type Floors } from '../../src/evaluation/gate.ts';

/**
 * The quality gate, in-process: the project's case files must score at least their floors in
 * test/eval/floors.json. When this fails, a change made answers worse: the message lists the cases.
 */
let app: ReturnType<typeof evalApp>;
beforeAll(() => {
  app = evalApp({ CONTENT_DIR: join(ROOT, 'content'), LOCALES_DIR: join(ROOT, 'locales') });
});
afterAll(() => app?.close());

describe('quality gate (npm run eval)', () => {
  it('keeps every case file at or above its floor, in search and chat modes, and every conversation file', async () => {
    const conversations = defaultConversationFiles();
    const result = await runGate({ fetcher: app.fetcher, files: defaultCaseFiles(), conversations, floors: loadFloors() });
    expect(result.errors).toEqual([]);
    expect(result.ok, formatGate(result).join('\n')).toBe(true);
    expect(result.rows.length).toBe(defaultCaseFiles().length * 2 + conversations.length);
  }, 180_000);

  it('runs the own case files and the shared sets, each with a floor of its own', () => {
    const files = defaultCaseFiles();
    expect(files).toEqual(expect.arrayContaining(['test/eval/atupri.jsonl', 'test/eval/kpt.jsonl', 'test/eval/chat.jsonl']));
    const floors = loadFloors();
    for (const file of files) {
      expect(floors.files[file], `${file} has no floor in test/eval/floors.json`).toBeDefined();
      expect(floorFor(floors, file, 'search')).toBeGreaterThan(0.5);
      expect(floorFor(floors, file, 'chat')).toBeGreaterThan(0.5);
    }
    const conversations = defaultConversationFiles();
    expect(conversations).toContain('test/eval/conversations/blind-a.jsonl');
    for (const file of conversations) expect(floorFor(floors, file, 'conversation'), `${file} has no conversation floor`).toBeGreaterThan(0.5);
    // The shared sets come after the project's own files, the clean questions before the realistic ones.
    if (files.includes(SHARED_DEV_SET)) expect(files.slice(-2)).toEqual([SHARED_DEV_SET, SHARED_DEV_SET.replace('dev.jsonl', 'realistic.jsonl')]);
  });
});

describe('runGate', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'gate-'));
    mkdirSync(join(root, 'test/eval'), { recursive: true });
    writeFileSync(
      join(root, 'test/eval/small.jsonl'),
      [
        '{"tenant":"kpt","lang":"fr","q":"à quoi sert la carte de code ?","kind":"answer","expect":["100"]}',
        '{"tenant":"kpt","lang":"fr","q":"à quoi sert la carte de code ?","kind":"answer","expect":["a phrase no answer contains"]}',
        '{"tenant":"kpt","lang":"fr","q":"quel temps fera-t-il demain ?","kind":"oos"}',
      ].join('\n'),
    );
    writeFileSync(join(root, 'test/eval/bad.jsonl'), '{"tenant":"kpt","q":"x","kind":"maybe"}\n');
    mkdirSync(join(root, 'test/eval/conversations'), { recursive: true });
    writeFileSync(
      join(root, 'test/eval/conversations/small.jsonl'),
      [
        '{"name":"card","tenant":"kpt","lang":"fr","situation":8,"steps":[{"send":"à quoi sert la carte de code ?","kind":"answer","expect":["100"]},{"send":"merci","kind":"smalltalk"}]}',
        '{"name":"never","tenant":"kpt","lang":"fr","situation":1,"steps":[{"send":"à quoi sert la carte de code ?","kind":"answer"},{"pick":"a button nobody offers"}]}',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const floors = (search: number, chat: number): Floors => ({ default: { search: 0.9, chat: 0.9 }, files: { 'test/eval/small.jsonl': { search, chat } } });

  it('passes a file that reaches its floor and fails one under it, per mode', async () => {
    const passing = await runGate({ fetcher: app.fetcher, files: ['test/eval/small.jsonl'], floors: floors(0.5, 0.6), root });
    expect(passing.rows.map((r) => [r.mode, r.passed, r.total, r.ok])).toEqual([
      ['search', 1, 2, true],
      ['chat', 2, 3, true],
    ]);
    expect(passing.ok).toBe(true);

    const failing = await runGate({ fetcher: app.fetcher, files: ['test/eval/small.jsonl'], floors: floors(0.5, 0.7), root });
    expect(failing.ok).toBe(false);
    const lines = formatGate(failing);
    expect(lines).toContain('FAIL test/eval/small.jsonl chat   0.667 (2/3), floor 0.700');
    expect(lines).toContain('       kpt/fr 2/3');
    expect(lines.some((l) => l.includes('failed [kpt/fr] answer "à quoi sert la carte de code ?"') && l.includes('missing a phrase no answer contains'))).toBe(true);
    expect(lines.at(-1)).toBe('quality gate FAILED: 1 file/mode under its floor (floors: test/eval/floors.json)');
  });

  it('fails a file whose total passes when a kind with a floor of its own sinks under it', async () => {
    // Chat passes 2 of 3 (floor 0.6), the one out-of-scope case among them; the answers pass 1 of 2.
    const withKinds = (answer: number): Floors => ({ default: { search: 0.9, chat: 0.9 }, files: { 'test/eval/small.jsonl': { search: 0.5, chat: 0.6, kinds: { chat: { answer, oos: 1 } } } } });
    const passing = await runGate({ fetcher: app.fetcher, files: ['test/eval/small.jsonl'], floors: withKinds(0.5), root, modes: ['chat'] });
    expect(passing.ok).toBe(true);
    const failing = await runGate({ fetcher: app.fetcher, files: ['test/eval/small.jsonl'], floors: withKinds(0.6), root, modes: ['chat'] });
    expect(failing.ok).toBe(false);
    expect(formatGate(failing)).toContain('       answer 0.500 (1/2), floor 0.600 UNDER; oos 1.000 (1/1), floor 1.000');
  });

  it('uses the default floor for a file floors.json does not name', async () => {
    const result = await runGate({ fetcher: app.fetcher, files: ['test/eval/small.jsonl'], floors: { default: { search: 0.9, chat: 0.9 }, files: {} }, root, modes: ['search'] });
    expect(result.rows[0]).toMatchObject({ floor: 0.9, ok: false });
  });

  it('scores files of conversations as a whole: one that breaks at any step fails, with the step named', async () => {
    const file = 'test/eval/conversations/small.jsonl';
    const at = (conversation: number): Floors => ({ default: { search: 0.9, chat: 0.9 }, files: { [file]: { conversation } } });
    const passing = await runGate({ fetcher: app.fetcher, files: [], conversations: [file], floors: at(0.5), root });
    expect(passing.rows.map((r) => [r.mode, r.passed, r.total, r.ok])).toEqual([['conversation', 1, 2, true]]);
    const failing = await runGate({ fetcher: app.fetcher, files: [], conversations: [file], floors: at(0.6), root });
    expect(failing.ok).toBe(false);
    expect(formatGate(failing).some((l) => l.includes('failed never [kpt/fr] step 2: no button matches /a button nobody offers/'))).toBe(true);
  });

  it('fails on a case line that does not parse', async () => {
    const result = await runGate({ fetcher: app.fetcher, files: ['test/eval/bad.jsonl'], floors: floors(0, 0), root });
    expect(result.ok).toBe(false);
    expect(result.errors[0]).toMatch(/^test\/eval\/bad\.jsonl:1: kind: /);
  });
});

describe('npm run eval -- <files>', () => {
  it('still runs given case files in the given mode and prints the score', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/eval.ts'), 'test/eval/chat.jsonl', '--mode', 'search'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('test/eval/chat.jsonl — search mode');
    expect(run.stdout).toMatch(/score \d\.\d{3} \(\d+\/\d+\)/);
  });

  it('scores a file of conversations per situation', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/eval.ts'), 'test/eval/conversations/blind-a.jsonl'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('test/eval/conversations/blind-a.jsonl — conversations');
    expect(run.stdout).toMatch(/ 1 follow-up on the topic +\d+\/\d+/);
    expect(run.stdout).toMatch(/score \d\.\d{3} \(\d+\/\d+ conversations\)/);
  });
});
