/**
 * The reference backend and the conformance kit, on 127.0.0.1: the kit passes against the reference
 * backend (`npm run backend:reference`, run as its own process) and fails, naming the check, against
 * broken backends; and the assistant runs end to end with `ACTIONS_BACKEND=http` against the reference.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoBackend } from '../../src/actions/demo.ts';
import { runConformance, type CheckResult } from '../../src/conformance/kit.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { referenceBackendApp } from '../../src/web/reference-backend.ts';
import { ROOT } from '../helpers/app.ts';
import { buildChatApp, portalToken, turn } from '../helpers/chat.ts';

const TOKEN = 'reference-test-token';

/** Runs a script of the project as `npm run` would, and collects what it prints. */
function runScript(script: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** `npm run backend:reference` on a free port; resolves with its URL from the start line. */
async function startReference(): Promise<{ url: string; stop(): Promise<void> }> {
  const run = runScript('backend-reference.ts', [], { HOST: '127.0.0.1', PORT: '0', ACTIONS_TOKEN: TOKEN, LOG_LEVEL: 'info' });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reference backend did not start:\n${run.output()}`)), 30_000);
    const look = () => {
      const m = run.output().match(/"url":"(http:\/\/127\.0\.0\.1:\d+)\/"/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    run.child.stdout!.on('data', look);
    void run.exited.then((code) => reject(new Error(`reference backend exited (${code}):\n${run.output()}`)));
  });
  return {
    url,
    async stop() {
      run.child.kill('SIGTERM');
      await run.exited;
    },
  };
}

type Mutate = (path: string, res: Response) => Response | Promise<Response>;

/** A backend broken on purpose: the reference implementation, in process on 127.0.0.1, with its answers changed by `mutate`. */
async function brokenBackend(mutate: Mutate, options: { token?: string } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const store = openSqliteStore(':memory:');
  const clock = () => new Date();
  const app = referenceBackendApp({ backend: createDemoBackend(store, clock), store, token: options.token, clock, logger: pino({ level: 'silent' }) });
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) });
    const answer = await mutate(new URL(request.url).pathname, await app.fetch(request));
    res.writeHead(answer.status, Object.fromEntries(answer.headers.entries()));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          store.close();
          r();
        });
      }),
  };
}

const failed = (results: CheckResult[]) => results.filter((r) => r.outcome === 'fail');
const names = (results: CheckResult[]) => failed(results).map((r) => r.check);

let reference: Awaited<ReturnType<typeof startReference>>;
beforeAll(async () => {
  reference = await startReference();
}, 40_000);
afterAll(async () => {
  await reference?.stop();
});

describe('npm run backend:conformance against the reference backend', () => {
  it('passes every check and exits 0', async () => {
    const run = runScript('backend-conformance.ts', [reference.url, '--token', TOKEN]);
    const code = await run.exited;
    expect(run.output()).toMatch(/^\d+ passed, 0 failed$/m);
    expect(run.output()).toContain('PASS    idempotency · a key reused for another action is refused');
    expect(run.output()).not.toMatch(/^FAIL/m);
    expect(code).toBe(0);
  }, 60_000);

  it('checks the token: a run without the right one fails on every request it makes', async () => {
    const results = await runConformance({ baseUrl: reference.url, token: 'not-the-token' });
    expect(failed(results).length).toBeGreaterThan(40);
    expect(failed(results)[0]!.detail).toContain('401');
  });

  it('explains its usage: exit 2 without a URL', async () => {
    const run = runScript('backend-conformance.ts', []);
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('usage: npm run backend:conformance -- <base-url>');
  }, 30_000);
});

describe('the conformance kit against broken backends', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const broken = async (mutate: Mutate, options: { token?: string } = {}) => {
    const s = await brokenBackend(mutate, options);
    servers.push(s);
    return s.url;
  };
  const html = () => new Response('<!doctype html><title>Sign in</title><p>Please sign in.</p>', { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
  const editJson = async (res: Response, edit: (body: Record<string, unknown>) => Record<string, unknown>) =>
    new Response(JSON.stringify(edit((await res.json()) as Record<string, unknown>)), { status: res.status, headers: { 'content-type': 'application/json' } });

  it('a backend answering 200 with an HTML page: the CLI exits 1 and names the checks', async () => {
    const url = await broken((path, res) => (path.startsWith('/actions/') ? html() : res));
    const run = runScript('backend-conformance.ts', [url]);
    expect(await run.exited).toBe(1);
    const out = run.output();
    expect(out).toMatch(/^FAIL\s+password-reset · atupri · known account\s+expected application\/json, got 200 not JSON/m);
    expect(out).toMatch(/^FAIL\s+deductible-change · atupri · the same amount is refused/m);
    expect(out).toMatch(/^PASS\s+account · atupri · known person/m);
    expect(out).toMatch(/^SKIP\s+token/m);
    expect(out).toMatch(/^\d+ passed, [1-9]\d* failed, 1 skipped$/m);
  }, 30_000);

  it('a backend that omits the required reference', async () => {
    const url = await broken((path, res) => (path === '/actions/resend-code' && res.status === 200 ? editJson(res, ({ reference: _r, ...rest }) => ({ ...rest, status: 'sent' })) : res));
    const results = await runConformance({ baseUrl: url });
    expect(names(results)).toEqual(['resend-code · atupri · known account', 'resend-code · atupri · unknown account answers alike', 'resend-code · kpt · known account', 'resend-code · kpt · unknown account answers alike']);
    expect(failed(results)[0]!.detail).toMatch(/reference/);
  });

  it('a backend whose change details are missing or wrong', async () => {
    const url = await broken((path, res) => (path === '/actions/deductible-change' && res.status === 200 ? editJson(res, (b) => ({ reference: b.reference })) : res));
    const results = await runConformance({ baseUrl: url });
    expect(names(results)).toEqual(['deductible-change · atupri · an increase']);
    expect(failed(results)[0]!.detail).toMatch(/details/);
  });

  it('a backend that acts again on a repeated Idempotency-Key, and takes a reused key for a new request', async () => {
    let n = 0;
    const url = await broken((path, res) => (path.startsWith('/actions/') && res.status !== 200 ? res : path.startsWith('/actions/') ? editJson(res, (b) => ({ ...b, reference: `NEW-${++n}` })) : res));
    const results = await runConformance({ baseUrl: url });
    expect(names(results)).toEqual(expect.arrayContaining(['accident-cover · atupri · change, repeat, change back', 'idempotency · a repeat answers as the first time']));
  });

  it('a backend that answers refusals as 400 or errors as HTML', async () => {
    const url = await broken((_path, res) =>
      res.status === 422 ? editJson(res, (b) => b).then((r) => new Response(r.body, { status: 400, headers: r.headers })) : res.status === 404 ? new Response('Not Found', { status: 404 }) : res,
    );
    const results = await runConformance({ baseUrl: url });
    expect(names(results)).toEqual(
      expect.arrayContaining(['unknown action · 404 with a JSON error', 'account · kpt · unknown person is 404', 'deductible-change · atupri · the same amount is refused', 'idempotency · a key reused for another action is refused']),
    );
  });

  it('a backend that takes any token', async () => {
    const url = await broken((_p, res) => res);
    const results = await runConformance({ baseUrl: url, token: 'whatever' });
    expect(names(results)).toEqual(['token · missing token refused with 401', 'token · wrong token refused with 401']);
  });

  it('a slow backend: answers over the timeout fail, named', async () => {
    const url = await broken(async (path, res) => {
      if (path === '/actions/order-code-card') await new Promise((r) => setTimeout(r, 400));
      return res;
    });
    const results = await runConformance({ baseUrl: url, timeoutMs: 200 });
    expect(names(results)).toEqual(expect.arrayContaining(['order-code-card · atupri · known account', 'order-code-card · kpt · known account']));
    expect(failed(results).find((r) => r.check === 'order-code-card · atupri · known account')!.detail).toBe('no answer within 200 ms');
    expect(names(results).every((n) => n.startsWith('order-code-card'))).toBe(true);
  });
});

describe('the assistant with ACTIONS_BACKEND=http against the reference backend', () => {
  const app = () =>
    buildChatApp({ now: () => new Date(), env: { ACTIONS_BACKEND: 'http', ACTIONS_BASE_URL: reference.url, ACTIONS_TOKEN: TOKEN, ACTIONS_TIMEOUT_MS: '3000' } });

  it('performs a public action through the API with the backend reference', async () => {
    const t = app();
    try {
      const res = await t.app.request('/api/actions/password-reset', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `e2e-${Date.now()}` },
        body: JSON.stringify({ tenant: 'atupri', lang: 'de', params: { identifier: 'anna.muster@example.ch' } }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ok: true, action: 'password-reset', reference: expect.stringMatching(/^D-[0-9A-F]{8}$/) });
    } finally {
      t.dispose();
    }
  });

  it('runs a signed-in change in the chat: the accident cover, read from and written to the backend', async () => {
    const t = app();
    try {
      const account = async () => (await (await fetch(`${reference.url}/accounts/atupri/atupri-demo-anna`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { accidentCover: boolean };
      const before = (await account()).accidentCover;
      const token = await portalToken('atupri-demo-anna', 'atupri');
      let r = await turn(t.app, { tenant: 'atupri', lang: 'de', message: 'Ich möchte die Unfalldeckung ändern' }, token);
      expect(r.reply.flow?.id).toBe('accident-cover');
      // Press the offered choices until the flow is done: the change, then the confirmation.
      for (let i = 0; i < 4 && r.reply.flow?.step !== 'done'; i++) {
        const next = r.reply.choices.find((c) => ['include', 'exclude', 'confirm'].includes(c.id) && !c.url);
        expect(next, JSON.stringify(r.reply)).toBeDefined();
        r = await turn(t.app, { tenant: 'atupri', lang: 'de', conversationId: r.conversationId, choice: next!.id }, token);
      }
      expect(r.reply.flow).toEqual({ id: 'accident-cover', step: 'done' });
      expect(r.reply.text).toMatch(/D-[0-9A-F]{8}/);
      expect((await account()).accidentCover).toBe(!before);
    } finally {
      t.dispose();
    }
  });
});
