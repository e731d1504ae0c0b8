import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, choiceIds, Visitor } from '../helpers/chat.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const { app, store } = testApp;
const t = (lang: 'fr' | 'de' | 'it', key: string, vars?: Record<string, unknown>) => testApp.library().t(lang, key, vars);
const outbox = async (tenant: string) => await store.listOutbox(tenant, 1000);
/** KPT's contract number as its tenant.yaml describes it, in the texts that show it. */
const KPT_NUMBER = { example: 'KPT12345678', format: 'KPT suivi de huit chiffres' };

async function atProblem(tenant: 'atupri' | 'kpt', lang: 'fr' | 'de' | 'it' = 'fr') {
  const v = new Visitor(app, tenant, lang);
  const opening = { atupri: { fr: 'problème de connexion' }, kpt: { fr: "je n'arrive pas à me connecter au CPTnet", de: 'Ich kann mich nicht ins KPTnet einloggen', it: 'non riesco ad accedere al CPTnet' } } as const;
  const r = await v.say((opening[tenant] as Record<string, string>)[lang]!);
  expect(r.reply.kind).toBe('flow');
  expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'problem' });
  return v;
}

describe('login-trouble: the first question', () => {
  it('offers the lost code card only on KPT', async () => {
    const kpt = await atProblem('kpt');
    expect(choiceIds(kpt.last!)).toEqual(['password', 'code', 'number', 'card', 'other', 'cancel']);
    expect(kpt.last!.reply.text).toBe(t('fr', 'flows:login-trouble.problem.contractNumber', { portal: 'CPTnet', ...KPT_NUMBER }));
    expect(kpt.last!.reply.text).toContain('(KPT suivi de huit chiffres, p. ex. KPT12345678)');
    const atupri = await atProblem('atupri');
    expect(choiceIds(atupri.last!)).toEqual(['password', 'code', 'number', 'other', 'cancel']);
    expect(atupri.last!.reply.text).toBe(t('fr', 'flows:login-trouble.problem.emailOrInsuredNumber', { portal: 'myAtupri' }));
  });

  it('asks what the problem is when the visitor only says they cannot log in (myAtupri)', async () => {
    const v = new Visitor(app, 'atupri', 'fr');
    const r = await v.say("je n'arrive pas à me connecter");
    expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'problem' });
  });

  it('enters at the password step when the visitor says they forgot it', async () => {
    const v = new Visitor(app, 'atupri', 'fr');
    const r = await v.say("j'ai oublié mon mot de passe");
    expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'password' });
    expect(r.reply.input).toEqual({ kind: 'text' });
  });
});

describe('login-trouble: forgotten password', () => {
  it('asks again after an invalid identifier, then sends a reset link to a known account', async () => {
    const v = await atProblem('atupri');
    const ask = await v.press('password');
    expect(ask.reply.flow).toEqual({ id: 'login-trouble', step: 'password' });
    expect(ask.reply.text).toBe(t('fr', 'flows:login-trouble.password.emailOrInsuredNumber'));

    const wrong = await v.say('abc');
    expect(wrong.reply.kind).toBe('flow');
    expect(wrong.reply.flow).toEqual({ id: 'login-trouble', step: 'password' });
    expect(wrong.reply.text.startsWith(t('fr', 'flows:errors.identifier'))).toBe(true);

    const before = (await outbox('atupri')).length;
    const sent = await v.say('anna.muster@example.ch');
    expect(sent.reply.flow).toEqual({ id: 'login-trouble', step: 'reset-sent' });
    expect(sent.reply.text).toBe(t('fr', 'flows:login-trouble.resetSent'));
    const mails = (await outbox('atupri')).slice(0, (await outbox('atupri')).length - before);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ channel: 'email', recipient: 'anna.muster@example.ch', subject: 'Password reset' });
    // the login link opens the portal rather than sending a message
    const login = sent.reply.choices.find((c) => c.id === 'open-login');
    expect(login?.url).toBe('https://my.atupri.ch/login');
  });

  it('accepts the insured number with dots as identifier', async () => {
    const v = await atProblem('atupri');
    await v.press('password');
    const before = (await outbox('atupri')).length;
    const sent = await v.say('756.123.456');
    expect(sent.reply.flow?.step).toBe('reset-sent');
    expect((await outbox('atupri')).length).toBe(before + 1);
  });

  it('says exactly the same for an unknown account, and sends nothing', async () => {
    const v = await atProblem('atupri');
    await v.press('password');
    const before = (await outbox('atupri')).length;
    const sent = await v.say('personne.inconnue@example.ch');
    expect(sent.reply.flow).toEqual({ id: 'login-trouble', step: 'reset-sent' });
    expect(sent.reply.text).toBe(t('fr', 'flows:login-trouble.resetSent'));
    expect((await outbox('atupri')).length).toBe(before);

    const known = await atProblem('atupri');
    await known.press('password');
    const knownSent = await known.say('anna.muster@example.ch');
    expect({ ...knownSent.reply }).toEqual({ ...sent.reply });
  });

  it('wants a KPT contract number on KPT, not an e-mail', async () => {
    const v = await atProblem('kpt');
    await v.press('password');
    const wrong = await v.say('marie@gmail.com');
    expect(wrong.reply.flow?.step).toBe('password');
    expect(wrong.reply.text.startsWith(t('fr', 'flows:errors.contractNumber', KPT_NUMBER))).toBe(true);
    expect(wrong.reply.text).toContain('KPT suivi de huit chiffres, p. ex. KPT12345678');
    const sent = await v.say('kpt 1234 5678');
    expect(sent.reply.flow?.step).toBe('reset-sent');
    expect((await outbox('kpt'))[0]).toMatchObject({ channel: 'email', recipient: 'marie.exemple@example.ch' });
  });

  it('goes to people when the reset did not help', async () => {
    const v = await atProblem('atupri');
    await v.press('password');
    await v.say('anna.muster@example.ch');
    const r = await v.press('still-stuck');
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'nothing-helped' });
    expect(r.reply.contact?.phone).toBe('031 555 09 11');
  });
});

describe('login-trouble: code not received', () => {
  it('gives the checks, then resends the code to the mobile on file', async () => {
    const v = await atProblem('kpt');
    const checks = await v.press('code');
    expect(checks.reply.flow).toEqual({ id: 'login-trouble', step: 'code-checks' });
    expect(checks.reply.text).toBe(t('fr', 'flows:login-trouble.codeChecks.contractNumber'));
    expect(choiceIds(checks)).toEqual(['resend', 'solved', 'still-stuck', 'back', 'cancel']);
    const ask = await v.press('resend');
    expect(ask.reply.flow?.step).toBe('resend-ask');
    const before = (await outbox('kpt')).length;
    const sent = await v.say('KPT12345678');
    expect(sent.reply.flow).toEqual({ id: 'login-trouble', step: 'code-sent' });
    expect(sent.reply.text).toBe(t('fr', 'flows:login-trouble.codeSent'));
    const sms = (await outbox('kpt')).slice(0, (await outbox('kpt')).length - before);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ channel: 'sms', recipient: '0787654321' });
    expect(sms[0]!.body).toMatch(/\d{6}/);
  });

  it('ends kindly when the checks solved it', async () => {
    const v = await atProblem('atupri');
    await v.press('code');
    const r = await v.press('solved');
    expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'solved' });
    expect(r.reply.text).toBe(t('fr', 'flows:login-trouble.solved'));
    // the flow is over: no navigation left
    expect(choiceIds(r)).not.toContain('cancel');
  });
});

describe('login-trouble: lost code card (KPT)', () => {
  it('orders a new card by post', async () => {
    const v = await atProblem('kpt');
    const ask = await v.press('card');
    expect(ask.reply.flow?.step).toBe('card');
    expect(ask.reply.text).toBe(t('fr', 'flows:login-trouble.card', KPT_NUMBER));
    expect(ask.reply.text).toContain('(p. ex. KPT12345678)');
    const before = (await outbox('kpt')).length;
    const done = await v.say('KPT 1234 5678');
    expect(done.reply.flow).toEqual({ id: 'login-trouble', step: 'card-ordered' });
    expect(done.reply.text).toBe(t('fr', 'flows:login-trouble.cardOrdered'));
    const letters = (await outbox('kpt')).slice(0, (await outbox('kpt')).length - before);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ channel: 'letter', recipient: 'Marie Exemple', subject: 'New code card' });
  });
});

describe('login-trouble: forgotten number', () => {
  it.each([
    ['fr', '0800 815 416'],
    ['de', '0800 815 415'],
    ['it', '0800 815 417'],
  ] as const)('gives the KPT web support line of the language (%s)', async (lang, phone) => {
    const v = await atProblem('kpt', lang);
    const r = await v.press('number');
    // The flow's own answer is web support: a flow step that shows the contact details.
    expect(r.reply.kind).toBe('flow');
    expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'forgot-number' });
    expect(r.lang).toBe(lang);
    expect(r.reply.contact?.phone).toBe(phone);
    expect(r.reply.text).toContain(phone);
    // the other languages' lines are not offered
    for (const other of ['0800 815 415', '0800 815 416', '0800 815 417'].filter((p) => p !== phone)) expect(r.reply.text).not.toContain(other);
    expect(choiceIds(r)).toContain('contact-form');
  });
});

describe('login-trouble: nothing helped', () => {
  it('gives the contact options with the opening hours', async () => {
    const v = await atProblem('kpt');
    const r = await v.press('other');
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'nothing-helped' });
    expect(r.reply.text.startsWith(t('fr', 'flows:login-trouble.nothingHelped'))).toBe(true);
    expect(r.reply.text).toContain('0800 815 416');
    expect(r.reply.text).toContain('du lundi au vendredi de 8\u00a0h à 17\u00a0h');
    expect(r.reply.contact).toMatchObject({ phone: '0800 815 416', email: 'websupport@kpt.ch' });
  });
});
