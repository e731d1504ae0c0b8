/**
 * Contact requests need no account, so a new e-mail address per request passed the per-account limit and
 * each one was kept a year. They are now counted per client address and per conversation, from the API
 * and from the chat's contact form alike, and the visitor is told so in their language.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, type TestApp } from '../helpers/app.ts';
import { Visitor } from '../helpers/chat.ts';

const apps: TestApp[] = [];
afterAll(async () => {
  for (const t of apps) await t.dispose();
});
const fresh = () => {
  const t = buildApp({ TRUST_PROXY: 'true', RATE_LIMIT_EXEMPT: 'none' });
  apps.push(t);
  return t;
};

/** The app as seen from one client address (behind the trusted proxy). */
const from = (t: TestApp, address: string) => ({
  request: (input: string, init: RequestInit = {}) => t.app.request(input, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-forwarded-for': address } }),
});

const contact = (client: ReturnType<typeof from>, i: number, extra: Record<string, unknown> = {}, lang = 'fr') =>
  client.request('/api/actions/contact-request', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `contact-spam-${i}-${Math.random()}` },
    body: JSON.stringify({ tenant: 'kpt', lang, params: { name: 'Eva Exemple', email: `eva.${i}@example.ch`, topic: 'Primes', message: 'Merci de me rappeler.', ...extra } }),
  });

describe('contact requests from one client address', () => {
  it('are taken ten an hour, then refused with 429 in the visitor’s language, a new e-mail each time or not', async () => {
    const t = fresh();
    const spammer = from(t, '203.0.113.50');
    for (let i = 0; i < 10; i++) expect((await contact(spammer, i)).status).toBe(200);
    const refused = await contact(spammer, 10, {}, 'de');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/^Zu viele Anfragen/);
    expect(await t.store.listContactRequests('kpt')).toHaveLength(10);
    // Someone else is not held up by it.
    expect((await contact(from(t, '198.51.100.7'), 11)).status).toBe(200);
  });
});

describe('contact requests in one conversation', () => {
  /** Goes through the chat's contact form once, and returns the reply to "send". */
  const sendForm = async (v: Visitor, n: number) => {
    await v.say("je veux parler à quelqu'un");
    await v.press('contact-form');
    await v.say('Marie Exemple');
    await v.say(`marie.${n}@example.ch`);
    await v.press('skip');
    await v.press('topic-login');
    await v.say("Je n'arrive plus à me connecter depuis hier soir.");
    return v.press('send');
  };

  it('are taken three an hour in the chat, then the visitor is told their requests are with support', async () => {
    const t = fresh();
    const v = new Visitor(from(t, '203.0.113.60'), 'kpt', 'fr');
    for (let n = 0; n < 3; n++) expect((await sendForm(v, n)).reply.flow?.step).toBe('sent');
    const fourth = await sendForm(v, 3);
    expect(fourth.reply.flow?.step).toBe('limited');
    expect(fourth.reply.text).toContain('plusieurs demandes en peu de temps');
    // The way to people stays open: the reply leads to the phone line.
    expect(fourth.reply.kind).toMatch(/flow|escalate/);
    expect(await t.store.listContactRequests('kpt')).toHaveLength(3);
  });

  it('are counted by conversation through the API too, whatever the address', async () => {
    const t = fresh();
    const v = new Visitor(from(t, '203.0.113.70'), 'kpt', 'fr');
    await v.say('bonjour');
    const conversationId = v.id!;
    for (let i = 0; i < 3; i++) expect((await contact(from(t, `192.0.2.${i + 1}`), i, { conversationId })).status).toBe(200);
    expect((await contact(from(t, '192.0.2.9'), 9, { conversationId })).status).toBe(429);
  });
});
