/**
 * A newcomer's terminal: `npm start` stopped by the process id of npm stops the server too (the start
 * script execs node, so the signal npm passes on reaches it), and log lines are JSON when the output is
 * not a terminal.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const up = async (url: string) => {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
};

describe('npm start', { timeout: 60_000 }, () => {
  it('stops the server when npm itself is stopped, and logs JSON lines to a pipe', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', WATCH_CONTENT: 'false', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout.on('data', (d) => (out += d));
    npm.stderr.on('data', (d) => (out += d));
    const url = `http://127.0.0.1:${port}/healthz`;
    try {
      await expect.poll(() => up(url), { timeout: 40_000, interval: 250 }).toBe(true);
      const line = out.split('\n').find((l) => l.includes('help assistant listening'))!;
      expect(JSON.parse(line)).toMatchObject({ level: 30, msg: 'help assistant listening' });
      npm.kill('SIGTERM');
      await expect.poll(() => up(url), { timeout: 15_000, interval: 250 }).toBe(false);
      // The log line may reach the pipe a moment after the socket closes.
      await expect.poll(() => out, { timeout: 5_000, interval: 50 }).toContain('shutting down');
    } finally {
      npm.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
