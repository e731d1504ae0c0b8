/** SIGTERM: the request in flight gets its answer, new ones are refused, the database is closed, exit 0. */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeInsurer, sendJson, startServer } from './server.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'shutdown-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('graceful shutdown on SIGTERM', () => {
  it('finishes the request in flight, closes the database and exits 0', async () => {
    let received!: () => void;
    const arrived = new Promise<void>((r) => (received = r));
    // The insurer takes 1.5 s to answer: long enough to send SIGTERM while the request is in flight.
    const insurer = await fakeInsurer(async (_req, res) => {
      received();
      await new Promise((r) => setTimeout(r, 1500));
      sendJson(res, 200, { reference: 'INS-SLOW-1' });
    });
    const server = await startServer({ DATA_DIR: dataDir, ACTIONS_BACKEND: 'http', ACTIONS_BASE_URL: insurer.url, ACTIONS_TIMEOUT_MS: '5000' });
    try {
      const inFlight = fetch(`${server.base}/api/actions/password-reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'shutdown-test-key-1' },
        body: JSON.stringify({ tenant: 'atupri', lang: 'de', params: { identifier: 'anna.muster@example.ch' } }),
      });
      await arrived;
      const started = Date.now();
      server.child.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status, server.output()).toBe(200);
      expect(await res.json()).toEqual({ ok: true, action: 'password-reset', reference: 'INS-SLOW-1' });

      const exit = await server.exited;
      expect(exit, server.output()).toEqual({ code: 0, signal: null });
      // Well before the 10 s safety net: idle keep-alive connections do not hold the shutdown up.
      expect(Date.now() - started).toBeLessThan(5000);
      // A closed WAL database leaves no -wal file behind, and the answer given was recorded.
      expect(existsSync(join(dataDir, 'assistant.db-wal'))).toBe(false);
      const db = new Database(join(dataDir, 'assistant.db'), { readonly: true });
      const row = db.prepare("SELECT result FROM actions WHERE idempotency_key LIKE '%shutdown-test-key-1'").get() as { result: string } | undefined;
      db.close();
      expect(JSON.parse(row!.result)).toMatchObject({ ok: true, reference: 'INS-SLOW-1' });
      // No one listens any more.
      await expect(fetch(`${server.base}/healthz`)).rejects.toThrow();
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await insurer.close();
    }
  }, 60_000);
});
