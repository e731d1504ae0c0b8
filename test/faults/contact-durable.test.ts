/** POST /api/actions/contact-request keeps the request itself (not only the action), with the conversation when named. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, turn } from '../helpers/chat.ts';

const t = buildChatApp();
afterAll(() => t.dispose());

const contact = (params: Record<string, unknown>, key: string, tenant = 'atupri') =>
  t.app.request('/api/actions/contact-request', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ tenant, lang: 'de', params }),
  });

const form = { name: 'Anna Muster', email: 'anna.muster@example.ch', topic: 'invoices', message: 'Meine Rechnung stimmt nicht.' };

describe('contact requests through /api/actions', () => {
  it('stores the request under its reference, once per idempotency key', async () => {
    const res = await contact(form, 'durable-contact-0001');
    expect(res.status).toBe(200);
    const { reference } = (await res.json()) as { reference: string };
    const stored = await t.store.getContactRequest(reference);
    expect(stored).toMatchObject({ reference, tenant: 'atupri', lang: 'de', conversationId: null, ...form, customerNumber: null, transcript: [] });

    const again = await contact(form, 'durable-contact-0001');
    expect(((await again.json()) as { reference: string }).reference).toBe(reference);
    expect((await t.store.listContactRequests('atupri')).filter((r) => r.email === form.email)).toHaveLength(1);
  });

  it('attaches the transcript of a conversation of the same tenant, and only of that tenant', async () => {
    const chat = await turn(t.app, { tenant: 'atupri', lang: 'de', message: 'Wie ändere ich meine Franchise?' });
    const res = await contact({ ...form, conversationId: chat.conversationId }, 'durable-contact-0002');
    const { reference } = (await res.json()) as { reference: string };
    const stored = (await t.store.getContactRequest(reference))!;
    expect(stored.conversationId).toBe(chat.conversationId);
    expect(stored.transcript.map((m) => m.role)).toEqual(['visitor', 'assistant']);
    expect(stored.transcript[0]!.text).toBe('Wie ändere ich meine Franchise?');

    // Another tenant's conversation id is not followed.
    const other = await contact({ ...form, conversationId: chat.conversationId }, 'durable-contact-0003', 'kpt');
    const kept = (await t.store.getContactRequest(((await other.json()) as { reference: string }).reference))!;
    expect(kept.conversationId).toBeNull();
    expect(kept.transcript).toEqual([]);
  });

  it('keeps one request per chat contact form, with the conversation', async () => {
    const before = (await t.store.listContactRequests('kpt')).length;
    let r = await turn(t.app, { tenant: 'kpt', lang: 'fr', message: 'je veux parler à un conseiller' });
    const say = async (input: { message: string } | { choice: string }) =>
      (r = await turn(t.app, { tenant: 'kpt', lang: 'fr', conversationId: r.conversationId, ...input }));
    await say({ choice: 'contact-form' });
    await say({ message: 'Marie Exemple' });
    await say({ message: 'marie.exemple@example.ch' });
    await say({ choice: 'skip' });
    await say({ choice: 'topic-login' });
    await say({ message: 'Je ne peux plus me connecter.' });
    await say({ choice: 'send' });
    const reference = /D-[0-9A-F]{8}/.exec(r.reply.text)![0];
    expect(await t.store.listContactRequests('kpt')).toHaveLength(before + 1);
    const stored = (await t.store.getContactRequest(reference))!;
    expect(stored.conversationId).toBe(r.conversationId);
    expect(stored.transcript.length).toBeGreaterThan(5);
  });
});
