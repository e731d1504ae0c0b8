import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, chat, portalToken, TOKEN_SECRET, turn, type ChatResponse } from '../helpers/chat.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const { app } = testApp;
const t = (lang: 'fr' | 'de' | 'it', key: string, vars?: Record<string, unknown>) => testApp.library().t(lang, key, vars);

const KINDS = ['answer', 'flow', 'clarify', 'escalate', 'smalltalk'];

/** Every field the public contract names, with its type. */
function expectContractReply(body: any) {
  expect(typeof body.conversationId).toBe('string');
  expect(body.conversationId.length).toBeGreaterThan(0);
  expect(['fr', 'de', 'it']).toContain(body.lang);
  const r = body.reply;
  expect(KINDS).toContain(r.kind);
  expect(typeof r.text).toBe('string');
  expect(r.text.trim().length).toBeGreaterThan(0);
  expect(Array.isArray(r.sources)).toBe(true);
  for (const s of r.sources) {
    expect(Object.keys(s).sort()).toEqual(['id', 'title', 'url']);
    for (const v of Object.values(s)) expect(typeof v).toBe('string');
  }
  expect(Array.isArray(r.choices)).toBe(true);
  for (const c of r.choices) {
    expect(typeof c.id).toBe('string');
    expect(typeof c.label).toBe('string');
    expect(c.label.length).toBeGreaterThan(0);
  }
  // choice ids are how the visitor answers: they must be unique within a reply
  expect(new Set(r.choices.map((c: any) => c.id)).size).toBe(r.choices.length);
  expect('flow' in r).toBe(true);
  if (r.kind === 'flow') {
    expect(typeof r.flow.id).toBe('string');
    expect(typeof r.flow.step).toBe('string');
  } else if (r.flow !== null) {
    // escalations at the end of a flow still say where they came from
    expect(Object.keys(r.flow).sort()).toEqual(['id', 'step']);
  }
  if (r.kind === 'answer') expect(r.sources.length).toBeGreaterThan(0);
}

function expectError(r: ChatResponse, status: number, code: string, message?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(r.body)).toEqual(['error']);
  expect(r.body.error.code).toBe(code);
  expect(typeof r.body.error.message).toBe('string');
  expect(r.body.error.message.length).toBeGreaterThan(0);
  if (message !== undefined) expect(r.body.error.message).toBe(message);
}

describe('POST /api/chat: reply shape', () => {
  it.each([
    ['an FAQ answer', 'kpt', "Qu'est-ce qu'une carte de code ?"],
    ['a flow step', 'kpt', "je n'arrive pas à me connecter au CPTnet"],
    ['a clarification', 'kpt', 'Quelle est la météo demain ?'],
    ['an escalation', 'kpt', "je veux parler à quelqu'un"],
    ['small talk', 'atupri', 'merci'],
  ])('gives every contract field for %s', async (_what, tenant, message) => {
    const r = await chat(app, { tenant, lang: 'fr', message });
    expect(r.status).toBe(200);
    expect(r.res.headers.get('content-type')).toMatch(/^application\/json/);
    expectContractReply(r.body);
    expect(r.body.lang).toBe('fr');
  });

  it('gives the contract fields for a reply to a pressed choice too', async () => {
    const first = await turn(app, { tenant: 'kpt', lang: 'fr', message: "je n'arrive pas à me connecter au CPTnet" });
    const r = await chat(app, { tenant: 'kpt', lang: 'fr', conversationId: first.conversationId, choice: 'password' });
    expect(r.status).toBe(200);
    expectContractReply(r.body);
    expect(r.body.conversationId).toBe(first.conversationId);
    expect(r.body.reply.flow).toEqual({ id: 'login-trouble', step: 'password' });
  });

  it('starts a new conversation when none is named and keeps the id when one is', async () => {
    const a = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'bonjour' });
    const b = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'bonjour' });
    expect(a.conversationId).not.toBe(b.conversationId);
    const c = await turn(app, { tenant: 'kpt', lang: 'fr', conversationId: a.conversationId, message: 'merci' });
    expect(c.conversationId).toBe(a.conversationId);
  });
});

describe('POST /api/chat: invalid requests', () => {
  it('refuses a body that is not JSON with 400 invalid_body', async () => {
    expectError(await chat(app, '{"tenant": "kpt", "message": '), 400, 'invalid_body');
  });

  it('refuses JSON that is not an object with 400 invalid_body', async () => {
    expectError(await chat(app, 'null'), 400, 'invalid_body');
    expectError(await chat(app, '"bonjour"'), 400, 'invalid_body');
  });

  it('refuses a body with both a message and a choice', async () => {
    expectError(await chat(app, { tenant: 'kpt', lang: 'fr', message: 'bonjour', choice: 'password' }), 400, 'invalid_body');
  });

  it('refuses a body with neither a message nor a choice', async () => {
    expectError(await chat(app, { tenant: 'kpt', lang: 'fr' }), 400, 'invalid_body');
  });

  it('refuses a body without a tenant', async () => {
    expectError(await chat(app, { lang: 'fr', message: 'bonjour' }), 400, 'invalid_body');
  });

  it.each(['en', 'FR', '', 'fr-CH'])('refuses the unsupported language "%s" with 400 unsupported_language', async (lang) => {
    expectError(await chat(app, { tenant: 'kpt', lang, message: 'bonjour' }), 400, 'unsupported_language');
  });

  it('answers an unknown tenant with 404 unknown_tenant', async () => {
    expectError(await chat(app, { tenant: 'helsana', lang: 'fr', message: 'bonjour' }), 404, 'unknown_tenant', t('fr', 'errors.unknown_tenant'));
  });

  it('answers an unknown conversation id with 404 unknown_conversation', async () => {
    expectError(await chat(app, { tenant: 'kpt', lang: 'fr', conversationId: 'no-such-conversation', message: 'bonjour' }), 404, 'unknown_conversation');
  });

  it("does not continue another tenant's conversation", async () => {
    const kpt = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'bonjour' });
    expectError(await chat(app, { tenant: 'atupri', lang: 'fr', conversationId: kpt.conversationId, message: 'bonjour' }), 404, 'unknown_conversation');
  });

  it.each(['', '   ', '\n\t'])('refuses an empty message %j with 422 message_empty', async (message) => {
    expectError(await chat(app, { tenant: 'kpt', lang: 'fr', message }), 422, 'message_empty');
  });

  it('accepts a message of exactly 1000 characters', async () => {
    const r = await chat(app, { tenant: 'kpt', lang: 'fr', message: 'a'.repeat(1000) });
    expect(r.status).toBe(200);
    expectContractReply(r.body);
  });

  it('refuses a message of 1001 characters with 422 message_too_long', async () => {
    expectError(await chat(app, { tenant: 'kpt', lang: 'fr', message: 'a'.repeat(1001) }), 422, 'message_too_long', t('fr', 'errors.message_too_long', { max: 1000 }));
  });

  it('refuses a body over 16 KiB with 413 payload_too_large', async () => {
    const r = await chat(app, { tenant: 'kpt', lang: 'fr', message: 'a'.repeat(17 * 1024) });
    expectError(r, 413, 'payload_too_large');
  });

  it('says why in the language of the request', async () => {
    const de = await chat(app, { tenant: 'helsana', lang: 'de', message: 'Hallo' });
    expectError(de, 404, 'unknown_tenant', t('de', 'errors.unknown_tenant'));
    const it_ = await chat(app, { tenant: 'kpt', lang: 'it', message: 'a'.repeat(1001) });
    expectError(it_, 422, 'message_too_long', t('it', 'errors.message_too_long', { max: 1000 }));
    const fr = await chat(app, { tenant: 'kpt', lang: 'fr', message: '  ' });
    expectError(fr, 422, 'message_empty', t('fr', 'errors.message_empty'));
    // three different languages give three different sentences
    expect(new Set([t('de', 'errors.unknown_tenant'), t('fr', 'errors.unknown_tenant'), t('it', 'errors.unknown_tenant')]).size).toBe(3);
  });

  it('takes the language of an error from Accept-Language when the body names none', async () => {
    const r = await chat(app, { tenant: 'helsana', message: 'x' }, undefined, { 'accept-language': 'it-CH,it;q=0.9' });
    expectError(r, 404, 'unknown_tenant', t('it', 'errors.unknown_tenant'));
  });
});

describe('POST /api/chat: portal tokens', () => {
  it('accepts a valid token of the tenant', async () => {
    const token = await portalToken('atupri-demo-anna', 'atupri');
    const r = await chat(app, { tenant: 'atupri', lang: 'fr', message: 'bonjour' }, token);
    expect(r.status).toBe(200);
  });

  it.each([
    ['a malformed token', async () => 'not.a.jwt'],
    ['a token that is not a JWT at all', async () => 'garbage'],
    ['an expired token', async () => portalToken('atupri-demo-anna', 'atupri', { expiresIn: -60 })],
    ['a badly signed token', async () => portalToken('atupri-demo-anna', 'atupri', { secret: `${TOKEN_SECRET}-other` })],
    ['a token of the other tenant', async () => portalToken('kpt-demo-marie', 'kpt')],
  ])('refuses %s with 401 invalid_token', async (_what, make) => {
    const r = await chat(app, { tenant: 'atupri', lang: 'fr', message: 'bonjour' }, await make());
    expectError(r, 401, 'invalid_token', t('fr', 'errors.invalid_token'));
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const r = await chat(app, { tenant: 'atupri', lang: 'de', message: 'Hallo' }, undefined, { authorization: 'Basic dXNlcjpwYXNz' });
    expectError(r, 401, 'invalid_token', t('de', 'errors.invalid_token'));
  });

  it('refuses a token without an expiry', async () => {
    const { sign } = await import('hono/jwt');
    const token = await sign({ sub: 'atupri-demo-anna', tenant: 'atupri' }, TOKEN_SECRET, 'HS256');
    expectError(await chat(app, { tenant: 'atupri', lang: 'fr', message: 'bonjour' }, token), 401, 'invalid_token');
  });
});
