/**
 * SIGTERM: the request in flight gets its answer, new ones are refused, the database is closed, exit 0;
 * keep-alive clients are told `Connection: close` and no request they send is left unanswered.
 */
import Database from 'better-sqlite3';
import { Agent, request } from 'node:http';
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

  it('answers every request keep-alive clients send after SIGTERM, with Connection: close, and closes idle sockets', async () => {
    const own = mkdtempSync(join(tmpdir(), 'shutdown-keepalive-'));
    const server = await startServer({ DATA_DIR: own });
    const url = new URL(`${server.base}/api/search?tenant=kpt&lang=fr&q=carte%20de%20code`);
    type Outcome = { answered: number; closeHeaders: number; failure?: { code: string; reusedSocket: boolean } };
    const get = (agent: Agent) =>
      new Promise<{ status: number; connection: string | undefined } | { code: string; reusedSocket: boolean }>((resolve) => {
        const req = request(url, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        });
        req.on('error', (err: NodeJS.ErrnoException) => resolve({ code: err.code ?? err.message, reusedSocket: req.reusedSocket }));
        req.end();
      });
    // 32 busy clients, each sending its next request as soon as the last is answered…
    const warm: Promise<void>[] = [];
    const busy = (agent: Agent): Promise<Outcome> => {
      let warmed!: () => void;
      warm.push(new Promise<void>((r) => (warmed = r)));
      return loop(agent, warmed);
    };
    const loop = async (agent: Agent, warmed: () => void): Promise<Outcome> => {
      const outcome: Outcome = { answered: 0, closeHeaders: 0 };
      for (;;) {
        const r = await get(agent);
        if ('code' in r) return { ...outcome, failure: r };
        expect(r.status).toBe(200);
        outcome.answered++;
        warmed();
        if (r.connection === 'close') outcome.closeHeaders++;
      }
    };
    const agents = Array.from({ length: 32 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    // …and 8 idle ones holding a kept-alive socket open.
    const idle = Array.from({ length: 8 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    try {
      for (const agent of idle) expect(await get(agent)).toMatchObject({ status: 200 });
      const running = agents.map(busy);
      // Every client connected and answered at least once, and still sending.
      await Promise.all(warm);
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      server.child.kill('SIGTERM');
      const outcomes = await Promise.all(running);
      const exit = await server.exited;
      expect(exit, server.output()).toEqual({ code: 0, signal: null });
      // The idle sockets were closed once idle for the announced keep-alive timeout (5 s), not at the 10 s cut.
      expect(Date.now() - started).toBeLessThan(9000);
      for (const o of outcomes) {
        expect(o.answered).toBeGreaterThan(0);
        // The client stops only when a new connection is refused: never a reset of a request it sent on
        // a socket the server had kept open for it.
        expect(o.failure, JSON.stringify(o)).toBeDefined();
        expect(o.failure!.reusedSocket, JSON.stringify(o)).toBe(false);
        expect(o.failure!.code).toBe('ECONNREFUSED');
        // Its last answer said the connection closes, so it did not send another on that socket.
        expect(o.closeHeaders, JSON.stringify(o)).toBe(1);
      }
    } finally {
      for (const agent of [...agents, ...idle]) agent.destroy();
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      rmSync(own, { recursive: true, force: true });
    }
  }, 60_000);
});
