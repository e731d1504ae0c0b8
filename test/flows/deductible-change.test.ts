import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatApp, choiceIds, portalToken, Visitor } from '../helpers/chat.ts';

const tr = (app: ReturnType<typeof buildChatApp>, key: string, vars?: Record<string, unknown>) => app.library().t('fr', `flows:deductible-change.${key}`, { portal: 'myAtupri', ...vars });
const amounts = (ids: string[]) => ids.filter((id) => id.startsWith('amount-')).map((id) => Number(id.slice('amount-'.length)));

describe('deductible-change: anonymous visitor', () => {
  let now = new Date('2026-11-21T10:00:00+01:00');
  const testApp = buildChatApp({ now: () => now });
  afterAll(() => testApp.dispose());

  it('gives the portal steps, the dates and a login link', async () => {
    now = new Date('2026-11-21T10:00:00+01:00');
    const v = new Visitor(testApp.app, 'atupri', 'fr');
    const r = await v.say('je veux modifier ma franchise');
    expect(r.reply.kind).toBe('flow');
    expect(r.reply.flow).toEqual({ id: 'deductible-change', step: 'anonymous' });
    const note = tr(testApp, 'bothPossible', { effective: '1er janvier 2027', decreaseDeadline: '30 novembre 2026', increaseDeadline: '31 décembre 2026' });
    expect(r.reply.text).toBe(tr(testApp, 'anonymous', { effective: '1er janvier 2027', deadlineNote: note }));
    expect(r.reply.choices).toEqual([{ id: 'open-login', label: 'Ouvrir la connexion myAtupri', url: 'https://my.atupri.ch/login' }]);
  });

  it('says on 1 December that only an increase is still possible', async () => {
    now = new Date('2026-12-01T09:00:00+01:00');
    const v = new Visitor(testApp.app, 'atupri', 'fr');
    const r = await v.say('je veux modifier ma franchise');
    expect(r.reply.flow?.step).toBe('anonymous');
    expect(r.reply.text).toContain('Le délai pour une baisse (le 30 novembre 2026) est passé');
    expect(r.reply.text).toContain('1er janvier 2027');
  });

  it('is not offered by KPT, which has no deductible flow: the question gets an answer or people instead', async () => {
    const v = new Visitor(testApp.app, 'kpt', 'fr');
    const r = await v.say('je veux modifier ma franchise');
    expect(r.reply.flow?.id ?? null).not.toBe('deductible-change');
  });
});

describe('deductible-change: signed in', () => {
  const testApp = buildChatApp({ now: new Date('2026-11-21T10:00:00+01:00') });
  afterAll(() => testApp.dispose());
  let anna: string;
  beforeAll(async () => {
    anna = await portalToken('atupri-demo-anna', 'atupri');
  });

  it('shows the current amount, offers the other legal amounts, confirms and changes it', async () => {
    const v = new Visitor(testApp.app, 'atupri', 'fr', anna);
    const choose = await v.say('je veux modifier ma franchise');
    expect(choose.reply.flow).toEqual({ id: 'deductible-change', step: 'choose' });
    expect(choose.reply.text).toContain('Votre franchise actuelle est de CHF 300.');
    expect(choose.reply.text).toContain('1er janvier 2027');
    // 300 is the lowest adult amount: nothing lower to offer, the same amount is not offered either
    expect(amounts(choiceIds(choose))).toEqual([500, 1000, 1500, 2000, 2500]);
    expect(choose.reply.choices.find((c) => c.id === 'amount-1500')?.label).toBe('CHF 1500');

    const confirm = await v.press('amount-1500');
    expect(confirm.reply.flow?.step).toBe('confirm');
    expect(confirm.reply.text).toBe(tr(testApp, 'confirmIncrease', { current: 'CHF 300', wanted: 'CHF 1500', effective: '1er janvier 2027' }));
    expect(choiceIds(confirm)).toEqual(['confirm', 'back', 'cancel']);

    const done = await v.press('confirm');
    expect(done.reply.kind).toBe('flow');
    expect(done.reply.flow).toEqual({ id: 'deductible-change', step: 'done' });
    const recorded = (await testApp.store.listActions('atupri', 100)).filter((a) => a.action === 'deductible-change');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.subject).toBe('atupri-demo-anna');
    const result = recorded[0]!.result as { ok: true; reference: string; details: Record<string, unknown> };
    expect(result.details).toEqual({ before: 300, after: 1500, effective: '2027-01-01' });
    expect(done.reply.text).toBe(tr(testApp, 'done', { wanted: 'CHF 1500', effective: '1er janvier 2027', reference: result.reference }));
    expect((await testApp.store.listOutbox('atupri', 10))[0]).toMatchObject({ channel: 'letter', recipient: 'Anna Muster', subject: 'Deductible change' });

    // a new conversation knows the new amount
    const again = new Visitor(testApp.app, 'atupri', 'fr', anna);
    const next = await again.say('je veux modifier ma franchise');
    expect(next.reply.text).toContain('Votre franchise actuelle est de CHF 1500.');
    expect(amounts(choiceIds(next))).toEqual([300, 500, 1000, 2000, 2500]);
  });

  it("offers a child's legal amounts to a child", async () => {
    const luca = await portalToken('atupri-demo-luca', 'atupri');
    const v = new Visitor(testApp.app, 'atupri', 'fr', luca);
    const r = await v.say('je veux modifier ma franchise');
    expect(r.reply.text).toContain('Votre franchise actuelle est de CHF 0.');
    expect(amounts(choiceIds(r))).toEqual([100, 200, 300, 400, 500, 600]);
  });

  it('goes back from the confirmation to the amounts', async () => {
    const v = new Visitor(testApp.app, 'atupri', 'fr', anna);
    await v.say('je veux modifier ma franchise');
    await v.press('amount-2000');
    const back = await v.press('back');
    expect(back.reply.flow?.step).toBe('choose');
    expect(amounts(choiceIds(back)).length).toBeGreaterThan(0);
  });
});

describe('deductible-change: deadlines (Europe/Zurich)', () => {
  let now = new Date('2026-11-21T10:00:00+01:00');
  const testApp = buildChatApp({ now: () => now });
  afterAll(() => testApp.dispose());
  let anna: string;

  beforeAll(async () => {
    anna = await portalToken('atupri-demo-anna', 'atupri');
    // Anna starts from CHF 1500, so that both directions exist.
    const res = await testApp.app.request('/api/actions/deductible-change', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${anna}`, 'idempotency-key': 'deadline-setup-1500' },
      body: JSON.stringify({ tenant: 'atupri', lang: 'fr', params: { amount: 1500 } }),
    });
    expect(res.status).toBe(200);
  });

  const start = async () => {
    const v = new Visitor(testApp.app, 'atupri', 'fr', anna);
    const r = await v.say('je veux modifier ma franchise');
    expect(r.reply.flow?.step).toBe('choose');
    return v;
  };

  it('still offers a decrease on 30 November at 23:59', async () => {
    now = new Date('2026-11-30T23:59:00+01:00');
    const v = await start();
    expect(amounts(choiceIds(v.last!))).toEqual([300, 500, 1000, 2000, 2500]);
    expect(v.last!.reply.text).toContain(tr(testApp, 'bothPossible', { effective: '1er janvier 2027', decreaseDeadline: '30 novembre 2026', increaseDeadline: '31 décembre 2026' }));
  });

  it('offers only increases from 1 December and says the decrease deadline passed', async () => {
    now = new Date('2026-12-01T00:00:00+01:00');
    const v = await start();
    expect(amounts(choiceIds(v.last!))).toEqual([2000, 2500]);
    expect(v.last!.reply.text).toContain('Le délai pour une baisse (le 30 novembre 2026) est passé');
    expect(v.last!.reply.text).toContain('seule une hausse est encore possible, jusqu\'au 31 décembre 2026');
  });

  it('does not apply a decrease offered on 30 November but pressed on 1 December', async () => {
    now = new Date('2026-11-30T23:58:00+01:00');
    const v = await start();
    expect(choiceIds(v.last!)).toContain('amount-500');
    now = new Date('2026-12-01T00:01:00+01:00');
    const r = await v.send('amount-500');
    expect(r.reply.flow?.step).toBe('choose');
    expect(amounts(choiceIds(r))).toEqual([2000, 2500]);
  });

  it('refuses a decrease confirmed after midnight and offers people', async () => {
    now = new Date('2026-11-30T23:59:00+01:00');
    const v = await start();
    await v.press('amount-500');
    now = new Date('2026-12-01T00:00:30+01:00');
    const r = await v.press('confirm');
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.flow).toEqual({ id: 'deductible-change', step: 'failed' });
    expect(r.reply.text.startsWith(testApp.library().t('fr', 'flows:common.rejected'))).toBe(true);
    expect(choiceIds(r)).toContain('contact-form');
    // the amount did not change
    const again = await start();
    expect(again.last!.reply.text).toContain('Votre franchise actuelle est de CHF 1500.');
    expect((await testApp.store.listActions('atupri', 100)).filter((a) => a.action === 'deductible-change' && (a.result as { ok: boolean }).ok)).toHaveLength(1);
  });

  it('still takes an increase on 31 December, effective 1 January 2027', async () => {
    now = new Date('2026-12-31T23:30:00+01:00');
    const v = await start();
    await v.press('amount-2500');
    expect(v.last!.reply.text).toBe(tr(testApp, 'confirmIncrease', { current: 'CHF 1500', wanted: 'CHF 2500', effective: '1er janvier 2027' }));
    const done = await v.press('confirm');
    expect(done.reply.flow?.step).toBe('done');
    expect(done.reply.text).toContain('CHF 2500 dès le 1er janvier 2027');
    // at the highest amount after the decrease deadline, nothing is left to choose
    const after = await start();
    expect(after.last!.reply.text).toContain('Aucune autre franchise');
    expect(amounts(choiceIds(after.last!))).toEqual([]);
  });
});
