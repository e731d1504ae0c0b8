import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, choiceIds, Visitor } from '../helpers/chat.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const { app, store } = testApp;
const t = (key: string, vars?: Record<string, unknown>) => testApp.library().t('fr', `flows:registration.${key}`, { portal: 'myAtupri', ...vars });
const newMessages = async (before: number) => (await store.listOutbox('atupri', 1000)).slice(0, (await store.listOutbox('atupri', 1000)).length - before);

async function atSituation() {
  const v = new Visitor(app, 'atupri', 'fr');
  const r = await v.say('créer un compte myAtupri');
  expect(r.reply.flow).toEqual({ id: 'registration', step: 'situation' });
  expect(r.reply.text).toBe(t('situation'));
  expect(choiceIds(r)).toEqual(['new-client', 'existing', 'link-expired', 'activation', 'cancel']);
  return v;
}

describe('registration: new client', () => {
  it('explains the e-mail link and wishes good luck when it works', async () => {
    const v = await atSituation();
    const r = await v.press('new-client');
    expect(r.reply.flow).toEqual({ id: 'registration', step: 'new-client' });
    expect(r.reply.text).toBe(t('newClient'));
    expect(r.reply.text).toContain('5\u00a0jours');
    const end = await v.press('done');
    expect(end.reply.flow).toEqual({ id: 'registration', step: 'good-luck' });
    expect(end.reply.text).toBe(t('goodLuck'));
    expect(choiceIds(end)).toEqual([]);
  });

  it('moves on to registering again when the link expired', async () => {
    const v = await atSituation();
    await v.press('new-client');
    const r = await v.press('expired');
    expect(r.reply.flow).toEqual({ id: 'registration', step: 'age' });
  });
});

describe('registration: existing client', () => {
  it('collects insured number, e-mail and mobile, then starts the registration', async () => {
    const v = await atSituation();
    const age = await v.press('existing');
    expect(age.reply.flow?.step).toBe('age');
    expect(age.reply.text).toBe(t('age'));

    const number = await v.press('adult');
    expect(number.reply.flow?.step).toBe('insured-number');
    expect(number.reply.input).toEqual({ kind: 'text' });

    const badNumber = await v.say('numéro ABC');
    expect(badNumber.reply.flow?.step).toBe('insured-number');
    expect(badNumber.reply.text.startsWith(testApp.library().t('fr', 'flows:errors.insuredNumber'))).toBe(true);

    const email = await v.say('756.123.456');
    expect(email.reply.flow?.step).toBe('email');
    expect(email.reply.input).toEqual({ kind: 'email' });

    const mobile = await v.say('anna.muster@example.ch');
    expect(mobile.reply.flow?.step).toBe('mobile');
    expect(mobile.reply.input).toEqual({ kind: 'tel' });

    const badMobile = await v.say('031 555 09 11');
    expect(badMobile.reply.flow?.step).toBe('mobile');
    expect(badMobile.reply.text.startsWith(testApp.library().t('fr', 'flows:errors.mobile'))).toBe(true);

    const confirm = await v.say('079 123 45 67');
    expect(confirm.reply.flow?.step).toBe('confirm');
    expect(confirm.reply.text).toBe(t('confirm', { insuredNumber: '756123456', email: 'anna.muster@example.ch', mobile: '0791234567' }));

    const before = (await store.listOutbox('atupri', 1000)).length;
    const started = await v.press('send');
    expect(started.reply.flow).toEqual({ id: 'registration', step: 'started' });
    expect(started.reply.text).toBe(t('started'));
    const sent = await newMessages(before);
    expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'letter']);
    expect(sent.find((m) => m.channel === 'email')?.recipient).toBe('anna.muster@example.ch');
    expect((await store.listActions('atupri', 100)).filter((a) => a.action === 'start-registration')).toHaveLength(1);
  });

  it('also takes the path when the registration link expired', async () => {
    const v = await atSituation();
    const r = await v.press('link-expired');
    expect(r.reply.flow?.step).toBe('age');
  });

  it('stops kindly for a minor', async () => {
    const v = await atSituation();
    await v.press('existing');
    const r = await v.press('minor');
    expect(r.reply.flow).toEqual({ id: 'registration', step: 'minor' });
    expect(r.reply.text).toBe(t('minor'));
    expect(r.reply.text).toContain('18\u00a0ans');
    expect(choiceIds(r)).toEqual([]);
  });
});

describe('registration: activation link', () => {
  it('sends a new activation link', async () => {
    const v = await atSituation();
    const ask = await v.press('activation');
    expect(ask.reply.flow?.step).toBe('activation');
    expect(ask.reply.text).toBe(t('activation'));
    expect(ask.reply.input).toEqual({ kind: 'email' });
    const bad = await v.say('anna.muster@');
    expect(bad.reply.flow?.step).toBe('activation');
    expect(bad.reply.text.startsWith(testApp.library().t('fr', 'flows:errors.email'))).toBe(true);
    const before = (await store.listOutbox('atupri', 1000)).length;
    const done = await v.say('anna.muster@example.ch');
    expect(done.reply.flow).toEqual({ id: 'registration', step: 'activation-sent' });
    expect(done.reply.text).toBe(t('activationSent'));
    expect(await newMessages(before)).toMatchObject([{ channel: 'email', recipient: 'anna.muster@example.ch', subject: 'myAtupri activation' }]);
  });

  it('enters at the activation step when the visitor says the activation link is no longer valid', async () => {
    const v = new Visitor(app, 'atupri', 'fr');
    const r = await v.say("le lien d'activation n'est plus valable");
    expect(r.reply.flow).toEqual({ id: 'registration', step: 'activation' });
  });
});
