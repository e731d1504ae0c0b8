import { afterAll, describe, expect, it } from 'vitest';
import type { ActionBackend } from '../../src/actions/types.ts';
import { buildChatApp, portalToken, TOKEN_SECRET } from '../helpers/chat.ts';

type Res = { status: number; res: Response; body: any };

async function post(app: { request: (i: string, init?: RequestInit) => Response | Promise<Response> }, action: string, body: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const res = await app.request(`/api/actions/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, res, body: await res.json() };
}

function expectError(r: Res, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(Object.keys(r.body)).toEqual(['error']);
  expect(r.body.error.code).toBe(code);
  expect(r.body.error.message.length).toBeGreaterThan(0);
}

describe('POST /api/actions/:action', () => {
  const testApp = buildChatApp();
  afterAll(() => testApp.dispose());
  const { app, store } = testApp;
  const changes = async () => (await store.listActions('atupri', 100)).filter((a) => a.action === 'deductible-change');

  it('changes the deductible of the signed-in person once per Idempotency-Key', async () => {
    const auth = { authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`, 'idempotency-key': 'key-deductible-0001' };
    const body = { tenant: 'atupri', lang: 'fr', params: { amount: 1000 } };
    const first = await post(app, 'deductible-change', body, auth);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ ok: true, action: 'deductible-change', reference: expect.stringMatching(/^D-[0-9A-F]{8}$/), details: { before: 300, after: 1000, effective: '2027-01-01' } });
    const second = await post(app, 'deductible-change', body, auth);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await changes()).toHaveLength(1);
    expect((await store.listOutbox('atupri', 100)).filter((m) => m.subject === 'Deductible change')).toHaveLength(1);
  });

  it('takes the key from the body when there is no header', async () => {
    const auth = { authorization: `Bearer ${await portalToken('atupri-demo-luca', 'atupri')}` };
    const body = { tenant: 'atupri', idempotencyKey: 'key-in-body-0001', params: { amount: 200 } };
    const a = await post(app, 'deductible-change', body, auth);
    const b = await post(app, 'deductible-change', body, auth);
    expect(a.status).toBe(200);
    expect(b.body.reference).toBe(a.body.reference);
  });

  it('rejects a change the rules do not allow with 422 action_rejected', async () => {
    const auth = { authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`, 'idempotency-key': 'key-deductible-bad-amount' };
    const r = await post(app, 'deductible-change', { tenant: 'atupri', lang: 'fr', params: { amount: 1200 } }, auth);
    expectError(r, 422, 'action_rejected');
    expect(r.body.error.message).toContain('not_allowed_amount');
  });

  it.each([
    ['deductible-change', { amount: 500 }],
    ['accident-cover', { include: false }],
  ])('refuses the account change %s without a token: 401 sign_in_required', async (action, params) => {
    const r = await post(app, action, { tenant: 'atupri', lang: 'fr', params }, { 'idempotency-key': `no-token-${action}` });
    expectError(r, 401, 'sign_in_required');
    expect(r.body.error.message).toBe(testApp.library().t('fr', 'errors.sign_in_required'));
  });

  it('refuses online-insurance-join without a token', async () => {
    expectError(await post(app, 'online-insurance-join', { tenant: 'kpt', lang: 'de' }, { 'idempotency-key': 'no-token-online' }), 401, 'sign_in_required');
  });

  it.each([
    ['expired', () => portalToken('atupri-demo-anna', 'atupri', { expiresIn: -10 })],
    ['badly signed', () => portalToken('atupri-demo-anna', 'atupri', { secret: `${TOKEN_SECRET}!` })],
    ['of the other tenant', () => portalToken('kpt-demo-marie', 'kpt')],
  ])('refuses an %s token with 401 invalid_token', async (_what, make) => {
    const r = await post(app, 'deductible-change', { tenant: 'atupri', params: { amount: 500 } }, { authorization: `Bearer ${await make()}`, 'idempotency-key': 'bad-token-0001' });
    expectError(r, 401, 'invalid_token');
  });

  it('answers a password reset identically for an existing and an unknown identifier', async () => {
    const before = (await store.listOutbox('atupri', 100)).length;
    const known = await post(app, 'password-reset', { tenant: 'atupri', params: { identifier: 'anna.muster@example.ch' } }, { 'idempotency-key': 'reset-known-0001' });
    const sentForKnown = (await store.listOutbox('atupri', 100)).length - before;
    const unknown = await post(app, 'password-reset', { tenant: 'atupri', params: { identifier: 'nobody@example.ch' } }, { 'idempotency-key': 'reset-unknown-0001' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(known.status);
    expect(Object.keys(unknown.body).sort()).toEqual(Object.keys(known.body).sort());
    expect({ ...unknown.body, reference: 'x' }).toEqual({ ...known.body, reference: 'x' });
    expect(unknown.body.reference).toMatch(/^D-[0-9A-F]{8}$/);
    expect(known.res.headers.get('content-length')).toBe(unknown.res.headers.get('content-length'));
    // only the real account gets a message
    expect(sentForKnown).toBe(1);
    expect((await store.listOutbox('atupri', 100)).length - before).toBe(1);
  });

  it('validates parameters with 400 invalid_body', async () => {
    expectError(await post(app, 'password-reset', { tenant: 'atupri', params: { identifier: 'x' } }, { 'idempotency-key': 'invalid-params-01' }), 400, 'invalid_body');
    expectError(await post(app, 'password-reset', { tenant: 'atupri', params: { identifier: 'anna.muster@example.ch', extra: 1 } }, { 'idempotency-key': 'invalid-params-02' }), 400, 'invalid_body');
  });

  it('needs an Idempotency-Key of 8 to 120 characters', async () => {
    expectError(await post(app, 'password-reset', { tenant: 'atupri', params: { identifier: 'anna.muster@example.ch' } }), 400, 'invalid_body');
    expectError(await post(app, 'password-reset', { tenant: 'atupri', params: { identifier: 'anna.muster@example.ch' } }, { 'idempotency-key': 'short' }), 400, 'invalid_body');
  });

  it('answers an unknown action, an unknown tenant and bad JSON', async () => {
    expectError(await post(app, 'delete-account', { tenant: 'atupri' }, { 'idempotency-key': 'unknown-action-1' }), 404, 'unknown_action');
    expectError(await post(app, 'password-reset', { tenant: 'nope', params: { identifier: 'abc@example.ch' } }, { 'idempotency-key': 'unknown-tenant-1' }), 404, 'unknown_tenant');
    expectError(await post(app, 'password-reset', '{oops', { 'idempotency-key': 'bad-json-0001' }), 400, 'invalid_body');
    expectError(await post(app, 'password-reset', { tenant: 'atupri', lang: 'en' }, { 'idempotency-key': 'bad-lang-0001' }), 400, 'unsupported_language');
  });

  it('speaks the language of the request in errors', async () => {
    const r = await post(app, 'deductible-change', { tenant: 'atupri', lang: 'it', params: { amount: 500 } }, { 'idempotency-key': 'lang-it-00001' });
    expect(r.body.error.message).toBe(testApp.library().t('it', 'errors.sign_in_required'));
  });

  it("does not answer another person's request with the first person's result when a key is reused", async () => {
    const key = { 'idempotency-key': 'shared-key-0001' };
    const anna = await post(app, 'accident-cover', { tenant: 'atupri', params: { include: false } }, { ...key, authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}` });
    expect(anna.status).toBe(200);
    const luca = await post(app, 'deductible-change', { tenant: 'atupri', params: { amount: 600 } }, { ...key, authorization: `Bearer ${await portalToken('atupri-demo-luca', 'atupri')}` });
    expect(luca.body.reference).not.toBe(anna.body.reference);
  });
});

describe('POST /api/actions/:action with a failing backend', () => {
  const state = { fail: true };
  const backend: ActionBackend = {
    async account() {
      return { adult: true, deductible: 300 };
    },
    async perform(req) {
      if (state.fail) throw new Error('socket hang up');
      return { ok: true, reference: `OK-${req.idempotencyKey}` };
    },
  };
  const testApp = buildChatApp({ backend });
  afterAll(() => testApp.dispose());

  it('answers 503 backend_unavailable with Retry-After, and records nothing', async () => {
    const auth = { authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`, 'idempotency-key': 'failing-0001' };
    const r = await post(testApp.app, 'deductible-change', { tenant: 'atupri', lang: 'fr', params: { amount: 500 } }, auth);
    expectError(r, 503, 'backend_unavailable');
    expect(r.res.headers.get('retry-after')).toBe('30');
    expect(r.body.error.message).toBe(testApp.library().t('fr', 'errors.backend_unavailable'));
    expect(await testApp.store.listActions('atupri', 10)).toEqual([]);
  });

  it('performs the same key once the backend is back', async () => {
    const auth = { authorization: `Bearer ${await portalToken('atupri-demo-anna', 'atupri')}`, 'idempotency-key': 'failing-0002' };
    const body = { tenant: 'atupri', params: { amount: 500 } };
    expect((await post(testApp.app, 'deductible-change', body, auth)).status).toBe(503);
    state.fail = false;
    try {
      const ok = await post(testApp.app, 'deductible-change', body, auth);
      expect(ok.status).toBe(200);
      expect(ok.body.reference).toBe('OK-failing-0002');
      expect(await testApp.store.listActions('atupri', 10)).toHaveLength(1);
    } finally {
      state.fail = true;
    }
  });
});
