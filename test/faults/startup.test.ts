/**
 * Start-up with a database file that cannot be used ends with one clear line: what is wrong, and where;
 * a setting too weak to be safe stops it the same way.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app.ts';

const root = mkdtempSync(join(tmpdir(), 'startup-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs the real entry point until it exits; what it printed, and how it ended. */
function start(dataDir: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/index.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', DATA_DIR: dataDir, WATCH_CONTENT: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    // Started after all: stop it, the test will fail on the exit code.
    if (stdout.includes('help assistant listening')) child.kill('SIGKILL');
  });
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('start-up with an unusable database file', () => {
  it.each([
    ['a file that is not SQLite', (file: string) => writeFileSync(file, 'this is a CSV export, not a database\n'.repeat(200)), /is not a database of this service/],
    [
      "another application's SQLite database",
      (file: string) => {
        const db = new Database(file);
        db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)');
        db.close();
      },
      /is not a database of this service/,
    ],
    ['a folder where the file should be', (file: string) => mkdirSync(file), /cannot be opened for reading and writing/],
  ])('%s: exit 1 with one line naming the file, no stack trace', async (_what, prepare, message) => {
    const dataDir = mkdtempSync(join(root, 'data-'));
    const file = join(dataDir, 'assistant.db');
    prepare(file);
    const run = await start(dataDir);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toContain(`The database ${file} `);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at |SqliteError|node_modules/);
  }, 60_000);
});

describe('start-up with an editor token too short to be safe', () => {
  it('exits 1 naming EDITOR_TOKEN and the length it needs', async () => {
    const run = await start(mkdtempSync(join(root, 'data-')), { EDITOR_TOKEN: 'abc' });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stderr).toMatch(/Configuration error:\s+EDITOR_TOKEN: at least 32 characters/);
    expect(run.stdout).not.toContain('listening');
  }, 60_000);
});
