import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, portalToken, turn, Visitor, type ChatApp } from '../helpers/chat.ts';

describe('conversations survive a restart', () => {
  let first: ChatApp | undefined;
  let second: ChatApp | undefined;
  afterAll(() => {
    first?.close();
    second?.close();
    if (first) rmSync(first.dataDir, { recursive: true, force: true });
  });

  it('continues a flow with the same conversationId after the app is composed again on the same DATA_DIR', async () => {
    first = buildChatApp();
    const v = new Visitor(first.app, 'atupri', 'fr');
    await v.say('créer un compte myAtupri');
    await v.press('existing');
    await v.press('adult');
    const email = await v.say('756123456');
    expect(email.reply.flow?.step).toBe('email');
    const id = v.id!;
    await first.close();

    second = buildChatApp({ dataDir: first.dataDir });
    const mobile = await turn(second.app, { tenant: 'atupri', lang: 'fr', conversationId: id, message: 'anna.muster@example.ch' });
    expect(mobile.conversationId).toBe(id);
    expect(mobile.reply.flow).toEqual({ id: 'registration', step: 'mobile' });
    // "back" still knows the steps visited before the restart
    const back = await turn(second.app, { tenant: 'atupri', lang: 'fr', conversationId: id, choice: 'back' });
    expect(back.reply.flow?.step).toBe('email');
    const confirm = await turn(second.app, { tenant: 'atupri', lang: 'fr', conversationId: id, message: 'anna.muster@example.ch' });
    expect(confirm.reply.flow?.step).toBe('mobile');
    const summary = await turn(second.app, { tenant: 'atupri', lang: 'fr', conversationId: id, message: '079 123 45 67' });
    // the insured number typed before the restart is still in the flow's data
    expect(summary.reply.text).toContain('756123456');

    // the chat page shows the whole transcript, from before and after the restart
    const html = await (
      await second.app.request('http://localhost/atupri/fr/chat/resume?embed=1', { method: 'POST', headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' }, body: `conversationId=${id}` })
    ).text();
    expect(html).toContain('créer un compte myAtupri');
    expect(html).toContain('756123456');
    expect((await second.store.transcript(id)).filter((m) => m.role === 'visitor').map((m) => m.text)).toEqual([
      'créer un compte myAtupri',
      second.library().t('fr', 'flows:registration.choices.existing'),
      second.library().t('fr', 'flows:registration.choices.adult'),
      '756123456',
      'anna.muster@example.ch',
      second.library().t('fr', 'chat:choices.back'),
      'anna.muster@example.ch',
      '079 123 45 67',
    ]);
  });

  it('keeps a demo account change across a restart', async () => {
    const a = buildChatApp();
    const token = await portalToken('atupri-demo-anna', 'atupri');
    const v = new Visitor(a.app, 'atupri', 'fr', token);
    await v.say('je veux modifier ma franchise');
    await v.press('amount-2000');
    await v.press('confirm');
    await a.close();
    const b = buildChatApp({ dataDir: a.dataDir });
    try {
      const r = await new Visitor(b.app, 'atupri', 'fr', token).say('je veux modifier ma franchise');
      expect(r.reply.text).toContain('Votre franchise actuelle est de CHF 2000.');
      expect((await b.store.listActions('atupri', 10)).filter((x) => x.action === 'deductible-change')).toHaveLength(1);
    } finally {
      b.dispose();
    }
  });
});

