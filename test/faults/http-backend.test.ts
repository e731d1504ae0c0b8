/**
 * The `http` action backend against a fake insurer API on 127.0.0.1: timeouts, one retry of the
 * (idempotent) calls, failures as values, and what the visitor sees when the insurer is down.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpBackend } from '../../src/actions/http.ts';
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

const request: ActionRequest = { tenant: 'kpt', action: 'password-reset', params: { identifier: 'KPT12345678' }, subject: null, lang: 'fr', idempotencyKey: 'http-test-key-0001' };

describe('createHttpBackend', () => {
  it('posts the action with the bearer token and the idempotency key, and returns the reference', async () => {
    const api = await insurer((_r, res) => sendJson(res, 200, { reference: 'INS-1', details: { channel: 'email' } }));
    const backend = createHttpBackend({ baseUrl: `${api.url}/`, token: 'backend-token', timeoutMs: 1000 });
    expect(await backend.perform(request)).toEqual({ ok: true, reference: 'INS-1', details: { channel: 'email' } });
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
    const backend = createHttpBackend({ baseUrl: api.url, token: undefined, timeoutMs: 1000 });
    expect(await backend.perform(request)).toEqual({ ok: true, reference: 'INS-2' });
    expect(api.calls.map((c) => c.headers['idempotency-key'])).toEqual(['http-test-key-0001', 'http-test-key-0001']);
    expect(api.calls[0]!.headers.authorization).toBeUndefined();
  });

  it('gives up after one retry: unavailable, never an exception', async () => {
    const api = await insurer((_r, res) => sendJson(res, 500, {}));
    const backend = createHttpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000 });
    expect(await backend.perform(request)).toEqual({ ok: false, reason: 'unavailable', code: 'backend_unavailable' });
    expect(api.calls).toHaveLength(2);
  });

  it('times out a call that hangs, retries once, then reports unavailable', async () => {
    const api = await insurer(async (_r, res) => {
      await wait(3000);
      if (!res.destroyed) sendJson(res, 200, { reference: 'too-late' });
    });
    const backend = createHttpBackend({ baseUrl: api.url, token: 't', timeoutMs: 250 });
    const started = Date.now();
    expect(await backend.perform(request)).toEqual({ ok: false, reason: 'unavailable', code: 'backend_unavailable' });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(2500);
    expect(api.calls).toHaveLength(2);
  });

  it('does not retry a refusal (4xx): the insurer has decided', async () => {
    const api = await insurer((_r, res) => sendJson(res, 422, { code: 'deadline_passed' }));
    const backend = createHttpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000 });
    expect(await backend.perform({ ...request, action: 'deductible-change', params: { amount: 2500 }, subject: 'kpt-demo-marie' })).toEqual({ ok: false, reason: 'rejected', code: 'deadline_passed' });
    expect(api.calls).toHaveLength(1);
  });

  it('treats a refused connection as unavailable', async () => {
    const api = await insurer((_r, res) => sendJson(res, 200, {}));
    await api.close();
    const backend = createHttpBackend({ baseUrl: api.url, token: 't', timeoutMs: 500 });
    expect(await backend.perform(request)).toEqual({ ok: false, reason: 'unavailable', code: 'backend_unavailable' });
  });

  it('falls back to the idempotency key as reference when a 2xx has no JSON body', async () => {
    const api = await insurer((_r, res) => {
      res.writeHead(204);
      res.end();
    });
    const backend = createHttpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000 });
    expect(await backend.perform(request)).toEqual({ ok: true, reference: 'http-test-key-0001' });
  });

  it('reads the account view, and nothing when the insurer fails', async () => {
    const api = await insurer(({ path, n }, res) =>
      path.includes('broken') ? sendJson(res, 500, {}) : sendJson(res, 200, { adult: true, deductible: 300, accidentCover: false, onlineInsurance: false, n }),
    );
    const backend = createHttpBackend({ baseUrl: api.url, token: 't', timeoutMs: 1000 });
    expect(await backend.account('kpt', 'kpt demo/marie')).toEqual({ adult: true, deductible: 300, accidentCover: false, onlineInsurance: false });
    expect(api.calls[0]!.path).toBe('/accounts/kpt/kpt%20demo%2Fmarie');
    expect(await backend.account('kpt', 'broken')).toBeUndefined();
    expect(api.calls.filter((c) => c.path.includes('broken'))).toHaveLength(2);
  });
});

describe('the insurer is down', () => {
  it('answers /api/actions with 503 backend_unavailable and Retry-After, and lets the same key be tried again', async () => {
    let up = false;
    const api = await insurer((_r, res) => (up ? sendJson(res, 200, { reference: 'INS-BACK' }) : sendJson(res, 502, {})));
    const t = buildChatApp({ backend: createHttpBackend({ baseUrl: api.url, token: 't', timeoutMs: 500 }) });
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
    const t = buildChatApp({ backend: createHttpBackend({ baseUrl: api.url, token: 't', timeoutMs: 200 }) });
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
