import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpBackend } from '../../src/actions/http.ts';
import type { AccountView, ActionBackend, ActionRequest, ActionResult } from '../../src/actions/types.ts';
import { buildChatApp, chat, choiceIds, portalToken, Visitor } from '../helpers/chat.ts';

const deductibleChanges = async (app: ReturnType<typeof buildChatApp>) => (await app.store.listActions('atupri', 100)).filter((a) => a.action === 'deductible-change');
const deductibleLetters = async (app: ReturnType<typeof buildChatApp>) => (await app.store.listOutbox('atupri', 100)).filter((m) => m.subject === 'Deductible change');

async function atDeductibleConfirm(app: ReturnType<typeof buildChatApp>, amount = 1000) {
  const v = new Visitor(app.app, 'atupri', 'fr', await portalToken('atupri-demo-anna', 'atupri'));
  await v.say('je veux modifier ma franchise');
  const confirm = await v.press(`amount-${amount}`);
  expect(confirm.reply.flow?.step).toBe('confirm');
  return v;
}

describe('account changes happen exactly once', () => {
  const testApp = buildChatApp();
  afterAll(() => testApp.dispose());

  it('records one change when the confirm button is sent twice in a row', async () => {
    const v = await atDeductibleConfirm(testApp, 1000);
    const first = await v.send('confirm');
    expect(first.reply.flow?.step).toBe('done');
    const second = await v.send('confirm');
    expect(second.reply.kind).toBe('clarify');
    expect(second.reply.text).toBe(testApp.library().t('fr', 'chat:stale'));
    expect(await deductibleChanges(testApp)).toHaveLength(1);
    expect(await deductibleLetters(testApp)).toHaveLength(1);
  });

  it('records one change when the confirm button is sent twice at the same moment (double click)', async () => {
    const v = await atDeductibleConfirm(testApp, 2000);
    const body = { tenant: 'atupri', lang: 'fr', conversationId: v.id!, choice: 'confirm' };
    const token = v.token!;
    const before = (await deductibleChanges(testApp)).length;
    const [a, b] = await Promise.all([chat(testApp.app, body, token), chat(testApp.app, body, token)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await deductibleChanges(testApp)).toHaveLength(before + 1);
    expect(await deductibleLetters(testApp)).toHaveLength(before + 1);
    // both answers name the same reference: there was one change
    const refs = [a, b].map((r) => /Référence\s:\s(\S+)\./.exec(r.body.reply.text)?.[1]).filter(Boolean);
    expect(refs.length).toBeGreaterThan(0);
    expect(new Set(refs).size).toBe(1);
  });

  it('needs a signed-in person: without a token the flow gives the portal steps, never the change', async () => {
    const v = new Visitor(testApp.app, 'atupri', 'fr');
    const r = await v.say('je veux modifier ma franchise');
    expect(r.reply.flow?.step).toBe('anonymous');
    const stale = await v.send('amount-500');
    expect(stale.reply.kind).toBe('clarify');
    const forged = await v.send('confirm');
    expect(forged.reply.kind).toBe('clarify');
    expect((await deductibleChanges(testApp)).every((a) => a.subject === 'atupri-demo-anna')).toBe(true);
  });
});

describe('who an account change is for', () => {
  const testApp = buildChatApp();
  afterAll(() => testApp.dispose());

  it("does not apply a change confirmed in another person's conversation", async () => {
    const v = await atDeductibleConfirm(testApp, 500);
    const luca = await portalToken('atupri-demo-luca', 'atupri');
    await chat(testApp.app, { tenant: 'atupri', lang: 'fr', conversationId: v.id!, choice: 'confirm' }, luca);
    expect((await deductibleChanges(testApp)).filter((a) => a.subject === 'atupri-demo-luca')).toEqual([]);
  });
});

/** A backend whose reads work and whose actions fail the way it is told to. */
function failingBackend(mode: { perform: 'throw' | 'ok'; account?: 'throw' | 'ok' }): ActionBackend & { calls: ActionRequest[] } {
  const calls: ActionRequest[] = [];
  return {
    calls,
    async account(): Promise<AccountView | undefined> {
      if (mode.account === 'throw') throw new Error('account backend down');
      return { adult: true, deductible: 300, accidentCover: true, onlineInsurance: false };
    },
    async perform(req): Promise<ActionResult> {
      calls.push(req);
      if (mode.perform === 'throw') throw new Error('ECONNRESET');
      return { ok: true, reference: `R-${calls.length}` };
    },
  };
}

describe('a failing action backend', () => {
  const mode: { perform: 'throw' | 'ok'; account?: 'throw' | 'ok' } = { perform: 'throw' };
  const backend = failingBackend(mode);
  const testApp = buildChatApp({ backend });
  afterAll(() => testApp.dispose());

  it('apologises and gives the contact options when a change fails (no 5xx)', async () => {
    const v = await atDeductibleConfirm(testApp, 1500);
    const r = await chat(testApp.app, { tenant: 'atupri', lang: 'fr', conversationId: v.id!, choice: 'confirm' }, v.token);
    expect(r.status).toBe(200);
    expect(r.body.reply.kind).toBe('escalate');
    expect(r.body.reply.flow).toEqual({ id: 'deductible-change', step: 'failed' });
    expect(r.body.reply.text.startsWith(testApp.library().t('fr', 'flows:common.unavailable'))).toBe(true);
    expect(r.body.reply.text).toContain('031 555 09 11');
    expect(r.body.reply.contact).toMatchObject({ phone: '031 555 09 11' });
    expect(r.body.reply.choices.map((c: { id: string }) => c.id)).toContain('contact-form');
    // nothing is recorded, so the same change can be tried again later
    expect(await deductibleChanges(testApp)).toEqual([]);
  });

  it('apologises when a password reset cannot be sent', async () => {
    const v = new Visitor(testApp.app, 'atupri', 'fr');
    await v.say("j'ai oublié mon mot de passe");
    const r = await v.say('anna.muster@example.ch');
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.flow?.step).toBe('failed');
    expect(choiceIds(r)).toContain('contact-form');
  });

  it('tells the visitor when the contact request cannot be sent, without losing the conversation', async () => {
    const v = new Visitor(testApp.app, 'kpt', 'fr');
    await v.say("je veux parler à quelqu'un");
    await v.press('contact-form');
    await v.say('Marie Exemple');
    await v.say('marie.exemple@example.ch');
    await v.press('skip');
    await v.press('topic-other');
    await v.say('Une question sur mes documents.');
    const r = await v.press('send');
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.flow).toEqual({ id: 'contact', step: 'failed' });
    expect(r.reply.text.startsWith(testApp.library().t('fr', 'flows:contact.failed'))).toBe(true);
    expect(r.reply.contact?.phone).toBe('0800 815 416');
    expect(await testApp.store.listContactRequests('kpt', 10)).toEqual([]);
  });

  it('performs the change once the backend is back, and records only the success', async () => {
    const v = await atDeductibleConfirm(testApp, 2500);
    mode.perform = 'throw';
    const failed = await v.press('confirm');
    expect(failed.reply.flow?.step).toBe('failed');
    mode.perform = 'ok';
    try {
      const again = await atDeductibleConfirm(testApp, 2500);
      const done = await again.press('confirm');
      expect(done.reply.flow?.step).toBe('done');
      expect(await deductibleChanges(testApp)).toHaveLength(1);
    } finally {
      mode.perform = 'throw';
    }
  });

  it('apologises, not 500, when reading the account fails', async () => {
    mode.account = 'throw';
    try {
      const token = await portalToken('atupri-demo-anna', 'atupri');
      const r = await chat(testApp.app, { tenant: 'atupri', lang: 'fr', message: 'je veux modifier ma franchise' }, token);
      expect(r.status).toBe(200);
      expect(r.body.reply.kind).toBe('escalate');
    } finally {
      mode.account = 'ok';
    }
  });
});

describe('an action backend that times out', () => {
  // The insurer's API never answers: the http backend gives up after its timeout (and one retry).
  const hangingFetch: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    });
  const backend = createHttpBackend({ baseUrl: 'http://insurer.invalid', token: 'x', timeoutMs: 50, fetch: hangingFetch, logger: pino({ level: 'silent' }) });
  const testApp = buildChatApp({ backend });
  afterAll(() => testApp.dispose());

  it('apologises with the contact options when the account cannot be read in time', async () => {
    const token = await portalToken('atupri-demo-anna', 'atupri');
    const started = Date.now();
    const r = await chat(testApp.app, { tenant: 'atupri', lang: 'fr', message: 'je veux modifier ma franchise' }, token);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.status).toBe(200);
    expect(r.body.reply.kind).toBe('escalate');
    expect(r.body.reply.flow).toEqual({ id: 'deductible-change', step: 'failed' });
    expect(r.body.reply.text.startsWith(testApp.library().t('fr', 'flows:common.unavailable'))).toBe(true);
  });

  it('apologises when a password reset times out', async () => {
    const v = new Visitor(testApp.app, 'kpt', 'fr');
    await v.say("j'ai oublié mon mot de passe");
    const r = await v.say('KPT12345678');
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.flow?.step).toBe('failed');
    expect(r.reply.contact?.phone).toBe('0800 815 416');
  });
});
