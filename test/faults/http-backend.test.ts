/**
 * The `http` action backend against a fake insurer API on 127.0.0.1: timeouts, one retry of the
 * (idempotent) calls, only replies that keep the backend contract taken for an answer, failures as values
 * and log lines without personal data, and what the visitor sees when the insurer is down.
 */
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpBackend, type HttpBackendOptions } from '../../src/actions/http.ts';
import type { ActionRequest } from '../../src/actions/types.ts';
import { buildChatApp, turn } from '../helpers/chat.ts';
import { fakeInsurer, sendJson, type FakeInsurer } from './server.ts';

const insurers: FakeInsurer[] = [];
afterAll(async () => {
  await Promise.all(insurers.map((i) => i.close()));
});
const insurer = async (handle: Parameters<typeof fakeInsurer>[0]) => {
  const i = await fakeInsurer(handle);
  insurers.push(i);
  return i;
};
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines, failures: () => lines.filter((l) => l.msg === 'action backend failed') };
}
const silent = pino({ level: 'silent' });
const httpBackend = (o: Omit<HttpBackendOptions, 'logger'> & { logger?: HttpBackendOptions['logger'] }) => createHttpBackend({ logger: silent, ...o });

const request: ActionRequest = { tenant: 'kpt', action: 'password-reset', params: { identifier: 'KPT12345678' }, subject: null, lang: 'fr', idempotencyKey: 'http-test-key-0001' };

describe('createHttpBackend', () => {
  it('posts the action with the bearer token and the idempotency key, and returns the reference', async () => {
    const api = await insurer((_r, res) => sendJson(res, 200, { reference: 'INS-1' }));
    const backend = httpBackend({ baseUrl: `${api.url}/`, token: 'backend-token', timeoutMs: 1000 });
    expect(await backend.perform(request)).toEqual({ ok: true, reference: 'INS-1' });
    expect(api.calls).toHaveLength(1);
    const [call] = api.calls;
    expect(call!.method).toBe('POST');
    expect(call!.path).toBe('/actions/password-reset');
    expect(call!.headers.authorization).toBe('Bearer backend-token');
    expect(call!.headers['idempotency-key']).toBe('http-test-key-0001');
    expect(JSON.parse(call!.body)).toEqual({ tenant: 'kpt', subject: null, lang: 'fr', params: { identifier: 'KPT12345678' } });
  });

  it('retries once after a 5xx with the same idempotency key', async () => {
    const api = await insurer(({ n }, res) => (n === 1 ? sendJson(res, 503, { error: 'busy' }) : sendJson(res, 200, { reference: 'INS-2' })));
    const backend = httpBackend({ baseUrl: api.url, token: undefined, timeoutMs: 1000 });
    expect(await backend.perform(request)).toEqual({ ok: true, reference: 'INS-2' });
    expect(api.calls.map((c) => c.headers['idempotency-key'])).toEqual(['http-test-key-0001', 'http-test-key-0001']);
    expect(api.calls[0]!.headers.authorization).toBeUndefined();
  });

  it('gives up after one retry: unavailable, never an exception', async () => {
    const api = await insurer((_r, res) => sendJson(res, 500, {}));
    const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000 });
    expect(await backend.perform(request)).toEqual({ ok: false, reason: 'unavailable', code: 'backend_unavailable' });
    expect(api.calls).toHaveLength(2);
  });

  it('times out a call that hangs, retries once, then reports unavailable', async () => {
    const api = await insurer(async (_r, res) => {
      await wait(3000);
      if (!res.destroyed) sendJson(res, 200, { reference: 'too-late' });
    });
    const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 250 });
    const started = Date.now();
    expect(await backend.perform(request)).toEqual({ ok: false, reason: 'unavailable', code: 'backend_unavailable' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(2500);
    expect(api.calls).toHaveLength(2);
  });

  it('does not retry a refusal (4xx): the insurer has decided', async () => {
    const api = await insurer((_r, res) => sendJson(res, 422, { code: 'deadline_passed' }));
    const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000 });
    expect(await backend.perform({ ...request, action: 'deductible-change', params: { amount: 2500 }, subject: 'kpt-demo-marie' })).toEqual({ ok: false, reason: 'rejected', code: 'deadline_passed' });
    expect(api.calls).toHaveLength(1);
  });

  it('treats a refused connection as unavailable', async () => {
    const api = await insurer((_r, res) => sendJson(res, 200, {}));
    await api.close();
    const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 500 });
    expect(await backend.perform(request)).toEqual({ ok: false, reason: 'unavailable', code: 'backend_unavailable' });
  });


  it('reads the account view, and nothing when the insurer fails', async () => {
    const api = await insurer(({ path, n }, res) =>
      path.includes('broken') ? sendJson(res, 500, {}) : sendJson(res, 200, { adult: true, deductible: 300, accidentCover: false, onlineInsurance: false, n }),
    );
    const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000 });
    expect(await backend.account('kpt', 'kpt demo/marie')).toEqual({ adult: true, deductible: 300, accidentCover: false, onlineInsurance: false });
    expect(api.calls[0]!.path).toBe('/accounts/kpt/kpt%20demo%2Fmarie');
    expect(await backend.account('kpt', 'broken')).toBeUndefined();
    expect(api.calls.filter((c) => c.path.includes('broken'))).toHaveLength(2);
  });
});

describe('replies that break the backend contract', () => {
  const html = (res: import('node:http').ServerResponse, status = 200) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Login</title><p>Please sign in</p>');
  };
  const personal = ['KPT12345678', 'anna.muster@example.ch', 'Anna Muster'];
  const expectNoPersonalData = (lines: Record<string, unknown>[]) => {
    const text = JSON.stringify(lines);
    for (const p of personal) expect(text).not.toContain(p);
  };

  it('takes 200 with an HTML page for a failure, logged with the action, status and duration', async () => {
    const api = await insurer((_r, res) => html(res));
    const log = capturingLogger();
    const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000, logger: log.logger });
    expect(await backend.perform(request)).toEqual({ ok: false, reason: 'unavailable', code: 'backend_unavailable' });
    const [line, ...more] = log.failures();
    expect(more).toEqual([]);
    expect(line).toMatchObject({ action: 'password-reset', tenant: 'kpt', status: 200, problem: 'not_json' });
    expect(line!.durationMs).toEqual(expect.any(Number));
    expectNoPersonalData(log.lines);
  });

  it('takes JSON without the required reference, or with details of the wrong type, for a failure', async () => {
    const api = await insurer(({ path }, res) =>
      path.endsWith('accident-cover') ? sendJson(res, 200, { reference: 'R-1', details: { include: 'yes' } }) : sendJson(res, 200, { status: 'done' }),
    );
    const log = capturingLogger();
    const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000, logger: log.logger });
    expect(await backend.perform(request)).toMatchObject({ ok: false, code: 'backend_unavailable' });
    expect(await backend.perform({ ...request, action: 'accident-cover', params: { include: true }, subject: 'atupri-demo-anna' })).toMatchObject({ ok: false, code: 'backend_unavailable' });
    expect(log.failures().map((l) => [l.action, l.problem, l.issues])).toEqual([
      ['password-reset', 'invalid_reply', ['reference: invalid_type']],
      ['accident-cover', 'invalid_reply', ['details.include: invalid_type']],
    ]);
  });

  it('takes only 200 and 422 for answers: 204, 401 and 404 are failures, and are not retried', async () => {
    for (const status of [204, 401, 404]) {
      const api = await insurer((_r, res) => {
        if (status !== 204) return sendJson(res, status, { code: 'nope' });
        res.writeHead(204);
        res.end();
      });
      const log = capturingLogger();
      const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000, logger: log.logger });
      expect(await backend.perform(request)).toMatchObject({ ok: false, reason: 'unavailable' });
      expect(api.calls).toHaveLength(1);
      expect(log.failures()[0]).toMatchObject({ status, problem: status === 204 ? 'not_json' : 'unexpected_status' });
    }
  });

  it('does not follow a redirect: the token stays home and the login page behind it is no answer', async () => {
    const elsewhere = await insurer((_r, res) => sendJson(res, 200, { reference: 'FROM-ELSEWHERE' }));
    const api = await insurer((_r, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/login` });
      res.end();
    });
    const log = capturingLogger();
    const backend = httpBackend({ baseUrl: api.url, token: 'secret-backend-token', timeoutMs: 1000, logger: log.logger });
    expect(await backend.perform(request)).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(elsewhere.calls).toEqual([]);
    expect(log.failures()[0]).toMatchObject({ status: 302 });
  });

  it('takes a 422 for a refusal only with a snake_case code', async () => {
    const api = await insurer(({ n }, res) => (n === 1 ? sendJson(res, 422, { message: 'no' }) : html(res, 422)));
    const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000 });
    expect(await backend.perform(request)).toMatchObject({ ok: false, reason: 'unavailable' });
    expect(await backend.perform(request)).toMatchObject({ ok: false, reason: 'unavailable' });
  });

  it('logs 500, a refused connection and a timeout with the problem, never the parameters', async () => {
    const failing = await insurer((_r, res) => sendJson(res, 500, { error: 'boom' }));
    const hanging = await insurer(async (_r, res) => {
      await wait(2000);
      if (!res.destroyed) sendJson(res, 200, { reference: 'late' });
    });
    const closed = await insurer((_r, res) => sendJson(res, 200, {}));
    await closed.close();
    const log = capturingLogger();
    for (const [url, timeoutMs] of [
      [failing.url, 1000],
      [closed.url, 500],
      [hanging.url, 150],
    ] as const) {
      const backend = httpBackend({ baseUrl: url, token: 't', timeoutMs, logger: log.logger });
      expect(await backend.perform({ ...request, action: 'contact-request', params: { name: 'Anna Muster', email: 'anna.muster@example.ch', topic: 'Login', message: 'KPT12345678 ne marche pas' } })).toMatchObject({ ok: false, reason: 'unavailable' });
    }
    expect(log.failures().map((l) => [l.action, l.problem, l.status])).toEqual([
      ['contact-request', 'server_error', 500],
      ['contact-request', 'network', null],
      ['contact-request', 'timeout', null],
    ]);
    expect(log.failures()[2]!.durationMs).toBeGreaterThanOrEqual(250);
    expectNoPersonalData(log.lines);
  });

  it('reads an account only from a reply that keeps the schema; 404 is simply no account', async () => {
    const api = await insurer(({ path }, res) => (path.includes('nobody') ? sendJson(res, 404, { code: 'unknown_account' }) : sendJson(res, 200, { adult: 'yes' })));
    const log = capturingLogger();
    const backend = httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000, logger: log.logger });
    expect(await backend.account('atupri', 'nobody')).toBeUndefined();
    expect(log.failures()).toEqual([]);
    expect(await backend.account('atupri', 'atupri-demo-anna')).toBeUndefined();
    expect(log.failures()[0]).toMatchObject({ action: 'account', problem: 'invalid_reply', issues: ['adult: invalid_type'] });
    expect(JSON.stringify(log.lines)).not.toContain('atupri-demo-anna');
  });

  it('answers the API with 503 when the backend answers 200 with HTML, and the chat apologises', async () => {
    const api = await insurer((_r, res) => html(res));
    const t = buildChatApp({ backend: httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000 }) });
    try {
      const res = await t.app.request('/api/actions/resend-code', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'html-reply-0001' },
        body: JSON.stringify({ tenant: 'atupri', lang: 'fr', params: { identifier: 'anna.muster@example.ch' } }),
      });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('backend_unavailable');

      let r = await turn(t.app, { tenant: 'atupri', lang: 'fr', message: "j'ai oublié mon mot de passe" });
      if (r.reply.flow?.step === 'problem') r = await turn(t.app, { tenant: 'atupri', lang: 'fr', conversationId: r.conversationId, choice: 'password' });
      r = await turn(t.app, { tenant: 'atupri', lang: 'fr', conversationId: r.conversationId, message: 'anna.muster@example.ch' });
      expect(r.reply.kind).toBe('escalate');
      expect(r.reply.text).toMatch(/Désolé/);
      expect(r.reply.choices.map((c) => c.id)).toContain('contact-form');
    } finally {
      t.dispose();
    }
  });
});

describe('the insurer is down', () => {
  it('answers /api/actions with 503 backend_unavailable and Retry-After, and lets the same key be tried again', async () => {
    let up = false;
    const api = await insurer((_r, res) => (up ? sendJson(res, 200, { reference: 'INS-BACK' }) : sendJson(res, 502, {})));
    const t = buildChatApp({ backend: httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 500 }) });
    try {
      const send = () =>
        t.app.request('/api/actions/password-reset', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'down-then-up-01' },
          body: JSON.stringify({ tenant: 'atupri', lang: 'de', params: { identifier: 'anna.muster@example.ch' } }),
        });
      const down = await send();
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('30');
      const body = (await down.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('backend_unavailable');
      expect(body.error.message).not.toMatch(/502|127\.0\.0\.1|fetch/i);
      up = true;
      const again = await send();
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ ok: true, reference: 'INS-BACK' });
    } finally {
      t.dispose();
    }
  });

  it('makes the chat apologise and offer the phone line and the contact form', async () => {
    const api = await insurer(async (_r, res) => {
      await wait(2000);
      if (!res.destroyed) sendJson(res, 200, { reference: 'too-late' });
    });
    const t = buildChatApp({ backend: httpBackend({ baseUrl: api.url, token: 't', timeoutMs: 200 }) });
    try {
      let first = await turn(t.app, { tenant: 'atupri', lang: 'fr', message: "j'ai oublié mon mot de passe" });
      expect(first.reply.flow?.id).toBe('login-trouble');
      // The flow may first ask what the problem is.
      if (first.reply.flow?.step === 'problem') first = await turn(t.app, { tenant: 'atupri', lang: 'fr', conversationId: first.conversationId, choice: 'password' });
      expect(first.reply.flow).toEqual({ id: 'login-trouble', step: 'password' });
      const r = await turn(t.app, { tenant: 'atupri', lang: 'fr', conversationId: first.conversationId, message: 'anna.muster@example.ch' });
      expect(r.reply.kind).toBe('escalate');
      expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'failed' });
      expect(r.reply.text).toMatch(/Désolé/);
      expect(r.reply.text).toContain('031 555 09 11');
      expect(r.reply.choices.map((c) => c.id)).toContain('contact-form');
      expect(r.reply.text).not.toMatch(/timeout|abort|fetch|127\.0\.0\.1/i);
    } finally {
      t.dispose();
    }
  });
});
