import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app.ts';
import { buildChatApp, choiceIds, Visitor, type ChatApp } from '../helpers/chat.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const { app, store } = testApp;
const t = (key: string, vars?: Record<string, unknown>) => testApp.library().t('fr', key, vars);

describe('contact form in the conversation', () => {
  it('collects name, e-mail, topic and message, sends them with the transcript and gives a reference', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    const people = await v.say("je veux parler à quelqu'un");
    expect(people.reply.kind).toBe('escalate');

    const name = await v.press('contact-form');
    expect(name.reply.flow).toEqual({ id: 'contact', step: 'name' });
    expect(name.reply.text).toBe(t('flows:contact.name'));

    const email = await v.say('Marie Exemple');
    expect(email.reply.flow?.step).toBe('email');
    expect(email.reply.input).toEqual({ kind: 'email' });

    const bad = await v.say('marie.exemple@');
    expect(bad.reply.flow?.step).toBe('email');
    // The refusal is said alone: the question is still on screen just above.
    expect(bad.reply.text).toBe(t('flows:errors.email'));

    const number = await v.say('marie.exemple@example.ch');
    expect(number.reply.flow?.step).toBe('number');
    expect(number.reply.text).toBe(t('flows:contact.number.contractNumber'));
    expect(choiceIds(number)).toContain('skip');

    const topic = await v.press('skip');
    expect(topic.reply.flow?.step).toBe('topic');
    expect(choiceIds(topic)).toEqual(['topic-login', 'topic-registration', 'topic-coverage', 'topic-documents', 'topic-invoices', 'topic-other', 'back', 'cancel']);

    const message = await v.press('topic-login');
    expect(message.reply.flow?.step).toBe('message');
    expect(message.reply.input).toEqual({ kind: 'textarea' });

    const text = "Je n'arrive plus à me connecter depuis hier soir, le code n'arrive pas.";
    const confirm = await v.say(text);
    expect(confirm.reply.flow?.step).toBe('confirm');
    expect(confirm.reply.text).toContain('Nom\u00a0: Marie Exemple');
    expect(confirm.reply.text).toContain('E-mail\u00a0: marie.exemple@example.ch');
    expect(confirm.reply.text).toContain('Numéro\u00a0: –');
    expect(confirm.reply.text).toContain('Sujet\u00a0: Connexion');
    expect(confirm.reply.text).toContain(`Message\u00a0: ${text}`);

    const sent = await v.press('send');
    expect(sent.reply.kind).toBe('flow');
    expect(sent.reply.flow).toEqual({ id: 'contact', step: 'sent' });
    const reference = /référence\s:\s(\S+)\./.exec(sent.reply.text)?.[1];
    expect(reference).toMatch(/^D-[0-9A-F]{8}$/);
    // KPT's editors promise an answer within two working days (support.responseTime in tenant.yaml).
    expect(sent.reply.text).toBe(t('flows:contact.sentWithin', { reference, within: t('flows:contact.within.workingDays', { count: 2 }) }));
    expect(sent.reply.text).toContain('Nous vous répondrons par e-mail dans un délai de 2 jours ouvrables.');

    const request = await store.getContactRequest(reference!);
    expect(request).toMatchObject({
      reference,
      tenant: 'kpt',
      lang: 'fr',
      conversationId: v.id,
      name: 'Marie Exemple',
      email: 'marie.exemple@example.ch',
      customerNumber: null,
      topic: 'login',
      message: text,
    });
    const said = request!.transcript.filter((m) => m.role === 'visitor').map((m) => m.text);
    expect(said).toEqual(expect.arrayContaining(["je veux parler à quelqu'un", 'Marie Exemple', 'marie.exemple@', text]));
    // the pressed buttons are kept with their labels
    expect(said).toContain(t('chat:choices.contactForm', { tenant: 'kpt' }));
    expect(request!.transcript.some((m) => m.role === 'assistant' && m.kind === 'escalate')).toBe(true);
  });

  it('keeps a customer number when one is given', async () => {
    const v = new Visitor(app, 'atupri', 'fr');
    await v.say("je veux parler à quelqu'un");
    await v.press('contact-form');
    await v.say('Anna Muster');
    await v.say('anna.muster@example.ch');
    const topic = await v.say('756.123.456');
    expect(topic.reply.flow?.step).toBe('topic');
    await v.press('topic-coverage');
    await v.say('Je voudrais changer ma franchise pour 2027.');
    const sent = await v.press('send');
    const reference = /référence\s:\s(\S+)\./.exec(sent.reply.text)?.[1];
    expect(await store.getContactRequest(reference!)).toMatchObject({ tenant: 'atupri', customerNumber: '756.123.456', topic: 'coverage' });
  });

  it('asks again for a name that is not one', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    await v.say("je veux parler à quelqu'un");
    await v.press('contact-form');
    const r = await v.say('4');
    expect(r.reply.flow?.step).toBe('name');
    expect(r.reply.text.startsWith(t('flows:errors.name'))).toBe(true);
  });

  it('sends nothing when the visitor cancels before sending', async () => {
    const before = (await store.listContactRequests('kpt', 100)).length;
    const v = new Visitor(app, 'kpt', 'fr');
    await v.say("je veux parler à quelqu'un");
    await v.press('contact-form');
    await v.say('Marie Exemple');
    await v.say('marie.exemple@example.ch');
    await v.press('skip');
    await v.press('topic-other');
    await v.say('Une question sur mes documents.');
    const r = await v.press('cancel');
    expect(r.reply.text).toBe(t('chat:cancelled'));
    expect((await store.listContactRequests('kpt', 100)).length).toBe(before);
  });
});

/** Asks for a person in the page's language and sends the contact form; returns the confirmation. */
async function sendContact(chat: ChatApp['app'], tenant: string, lang: 'fr' | 'de' | 'it') {
  const v = new Visitor(chat, tenant, lang);
  const ask = { fr: "je veux parler à quelqu'un", de: 'Ich möchte mit jemandem sprechen', it: 'Vorrei parlare con una persona' }[lang];
  expect((await v.say(ask)).reply.kind).toBe('escalate');
  await v.press('contact-form');
  await v.say('Marie Exemple');
  await v.say('marie.exemple@example.ch');
  await v.press('skip');
  await v.press('topic-other');
  await v.say({ fr: 'Une question sur mes documents.', de: 'Eine Frage zu meinen Dokumenten.', it: 'Una domanda sui miei documenti.' }[lang]);
  const sent = await v.press('send');
  expect(sent.reply.flow).toEqual({ id: 'contact', step: 'sent' });
  return sent.reply.text;
}

describe('the contact confirmation says when support answers (support.responseTime, an editor setting)', () => {
  it('in working days, in each language, as the shipped tenants set it', async () => {
    expect(await sendContact(app, 'atupri', 'fr')).toMatch(/Nous vous répondrons par e-mail dans un délai de 2 jours ouvrables\.$/);
    expect(await sendContact(app, 'kpt', 'de')).toMatch(/Wir antworten Ihnen innert 2 Arbeitstagen per E-Mail\.$/);
    expect(await sendContact(app, 'atupri', 'it')).toMatch(/Le risponderemo per e-mail entro 2 giorni lavorativi\.$/);
  });

  describe('with other settings', () => {
    // A copy of the shipped content: KPT answers within hours, Atupri's editors have set no time.
    const contentDir = mkdtempSync(join(tmpdir(), 'contact-response-time-'));
    cpSync(join(ROOT, 'content'), contentDir, { recursive: true });
    const edit = (file: string, from: string, to: string) => {
      const path = join(contentDir, file);
      const text = readFileSync(path, 'utf8');
      if (!text.includes(from)) throw new Error(`${file}: "${from}" not found`);
      writeFileSync(path, text.replace(from, to));
    };
    edit('kpt/tenant.yaml', 'responseTime: { workingDays: 2 }', 'responseTime: { hours: 24 }');
    edit('atupri/tenant.yaml', 'responseTime: { workingDays: 2 }', '');
    const other = buildChatApp({ env: { CONTENT_DIR: contentDir } });
    afterAll(() => {
      other.dispose();
      rmSync(contentDir, { recursive: true, force: true });
    });

    it('in hours', async () => {
      expect(await sendContact(other.app, 'kpt', 'fr')).toMatch(/Nous vous répondrons par e-mail dans un délai de 24 heures\.$/);
      expect(await sendContact(other.app, 'kpt', 'it')).toMatch(/Le risponderemo per e-mail entro 24 ore\.$/);
    });

    it('promises no time when none is set', async () => {
      const text = await sendContact(other.app, 'atupri', 'de');
      expect(text).toMatch(/Wir antworten Ihnen per E-Mail\.$/);
      expect(text).not.toMatch(/innert/);
    });
  });
});
