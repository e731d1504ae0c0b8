import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, chat, turn } from '../helpers/chat.ts';

// Saturday 21 November 2026: the support lines are closed; the tests move the clock where they need it.
let now = new Date('2026-11-21T10:00:00+01:00');
const testApp = buildChatApp({ now: () => now });
afterAll(() => testApp.dispose());
const { app } = testApp;
const t = (lang: 'fr' | 'de' | 'it', key: string, vars?: Record<string, unknown>) => testApp.library().t(lang, key, vars);
const entry = (tenant: string, lang: 'fr' | 'de' | 'it', id: string) => testApp.library().content.tenants.get(tenant)!.entries[lang].find((e) => e.id === id)!;

describe('chat routing: FAQ answers', () => {
  it('answers an FAQ question with the entry text and the entry as source', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', message: "Qu'est-ce qu'une carte de code ?" });
    const e = entry('kpt', 'fr', 'login-code-card');
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.text).toBe(e.text);
    expect(r.reply.sources).toEqual([{ id: 'login-code-card', title: e.question, url: '/kpt/fr/faq/login-code-card' }]);
    expect(r.reply.flow).toBeNull();
  });

  it('links sources to FAQ pages that exist, and offers the flow that does what the answer describes', async () => {
    const r = await turn(app, { tenant: 'atupri', lang: 'fr', message: "Jusqu'à quand puis-je demander une franchise plus basse ?" });
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.sources[0]!.id).toBe('coverage-deductible');
    expect(r.reply.choices[0]).toEqual({ id: 'flow:deductible-change', label: t('fr', 'flows:deductible-change.title') });
    const page = await app.request(r.reply.sources[0]!.url);
    expect(page.status).toBe(200);
  });

  it('offers feedback buttons with an answer', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', message: "Qu'est-ce qu'une carte de code ?" });
    expect(r.reply.choices.map((c) => c.id)).toEqual(expect.arrayContaining(['helpful:login-code-card', 'not-helpful:login-code-card']));
  });

  it('answers in German from the German entries', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'de', message: 'Was ist eine Codekarte?' });
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.sources[0]!.id).toBe('login-code-card');
    expect(r.reply.text).toBe(entry('kpt', 'de', 'login-code-card').text);
    expect(r.reply.sources[0]!.url).toBe('/kpt/de/faq/login-code-card');
  });
});

describe('chat routing: out of scope', () => {
  it.each([
    ['kpt', 'fr', 'Quelle est la météo demain ?'],
    ['atupri', 'fr', 'Quelle est la météo demain ?'],
    ['kpt', 'fr', 'xqzv blorp frumble'],
    ['atupri', 'fr', 'asdfgh qwertz yxcvb'],
    ['kpt', 'fr', 'Qui a gagné le match de football hier soir ?'],
    ['atupri', 'fr', 'Donnez-moi une recette de fondue moitié-moitié'],
    ['kpt', 'de', 'Wie wird das Wetter morgen?'],
    ['atupri', 'it', 'Chi ha vinto la partita di calcio ieri?'],
  ])('never answers %s/%s "%s" with confidence', async (tenant, lang, message) => {
    const r = await turn(app, { tenant, lang, message });
    expect(['clarify', 'escalate']).toContain(r.reply.kind);
    expect(r.reply.sources).toEqual([]);
  });

  it('says it did not understand and offers a way to contact support', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'Quelle est la météo demain ?' });
    expect(r.reply.kind).toBe('clarify');
    expect(r.reply.text).toBe(t('fr', 'chat:outOfScope', { tenant: 'kpt' }));
    expect(r.reply.choices).toEqual([{ id: 'contact', label: t('fr', 'chat:choices.contact', { tenant: 'kpt' }) }]);
  });

  it('offers people after the second message in a row it does not understand', async () => {
    const first = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'xqzv blorp frumble' });
    expect(first.reply.kind).toBe('clarify');
    const second = await turn(app, { tenant: 'kpt', lang: 'fr', conversationId: first.conversationId, message: 'plonk zorg wibble' });
    expect(second.reply.kind).toBe('escalate');
    expect(second.reply.text.startsWith(t('fr', 'chat:clarify.giveUp'))).toBe(true);
    expect(second.reply.text).toContain('0800 815 416');
  });

  it('gives the contact options when the offered contact is pressed', async () => {
    const first = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'Quelle est la météo demain ?' });
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', conversationId: first.conversationId, choice: 'contact' });
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.contact?.phone).toBe('0800 815 416');
  });
});

describe('chat routing: people', () => {
  it('gives the French KPT line with its opening hours to "je veux parler à quelqu\'un"', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', message: "je veux parler à quelqu'un" });
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.text).toContain('0800 815 416');
    expect(r.reply.text).toContain('du lundi au vendredi de 8\u00a0h à 17\u00a0h');
    expect(r.reply.text).toContain('websupport@kpt.ch');
    expect(r.reply.contact).toEqual({ phone: '0800 815 416', hours: 'du lundi au vendredi de 8\u00a0h à 17\u00a0h', openNow: false, email: 'websupport@kpt.ch' });
    expect(r.reply.choices.map((c) => c.id)).toContain('contact-form');
  });

  it.each([
    ['de', 'Ich möchte mit jemandem sprechen', '0800 815 415', 'Montag bis Freitag'],
    ['it', 'voglio parlare con qualcuno', '0800 815 417', 'da lunedì a venerdì'],
  ])('gives the KPT line of the visitor language (%s)', async (lang, message, phone, days) => {
    const r = await turn(app, { tenant: 'kpt', lang, message });
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.contact?.phone).toBe(phone);
    expect(r.reply.text).toContain(phone);
    expect(r.reply.contact?.hours?.toLowerCase()).toContain(days.toLowerCase());
  });

  it('says the line is closed on a Saturday and open on a Monday morning', async () => {
    now = new Date('2026-11-21T10:00:00+01:00');
    const saturday = await turn(app, { tenant: 'kpt', lang: 'fr', message: "je veux parler à quelqu'un" });
    expect(saturday.reply.contact?.openNow).toBe(false);
    expect(saturday.reply.text).toContain(t('fr', 'chat:contact.closedNow'));
    now = new Date('2026-11-23T10:00:00+01:00');
    try {
      const monday = await turn(app, { tenant: 'kpt', lang: 'fr', message: "je veux parler à quelqu'un" });
      expect(monday.reply.contact?.openNow).toBe(true);
      expect(monday.reply.text).toContain(t('fr', 'chat:contact.openNow'));
    } finally {
      now = new Date('2026-11-21T10:00:00+01:00');
    }
  });
});

describe('chat routing: small talk', () => {
  it.each([
    ['merci', 'thanks'],
    ['merci beaucoup', 'thanks'],
    ['bonjour', 'greeting'],
    ['bonne journée', 'goodbye'],
    ['à bientôt', 'goodbye'],
  ])('answers "%s" with small talk (%s)', async (message, intent) => {
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', message });
    expect(r.reply.kind).toBe('smalltalk');
    expect(r.reply.text).toBe(t('fr', `chat:smalltalk.${intent}`, { tenant: 'kpt' }));
    expect(r.reply.sources).toEqual([]);
  });

  it('answers "au revoir" with small talk, not with an FAQ entry (KPT)', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'au revoir' });
    expect(r.reply.kind).toBe('smalltalk');
    expect(r.reply.text).toBe(t('fr', 'chat:smalltalk.goodbye', { portal: 'CPTnet' }));
  });

  it('does not take a real question that starts with a greeting for small talk', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', message: "Bonjour, qu'est-ce qu'une carte de code ?" });
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.sources[0]!.id).toBe('login-code-card');
  });
});

describe('chat routing: language', () => {
  it.each([
    ['fr', 'Comment trouver mes documents dans le CPTnet ?'],
    ['de', 'Ich habe mein Passwort vergessen, was kann ich tun?'],
    ['it', 'Ho dimenticato la password, cosa devo fare?'],
  ])('detects %s from the message when no language is named', async (lang, message) => {
    const r = await turn(app, { tenant: 'kpt', message });
    expect(r.lang).toBe(lang);
    for (const s of r.reply.sources) expect(s.url).toMatch(new RegExp(`^/kpt/${lang}/`));
    for (const c of r.reply.choices) expect(c.label).not.toBe('');
  });

  it('answers a message confidently in another language in that language, and says so in the page language', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'Was ist eigentlich eine Codekarte und wozu brauche ich sie?' });
    expect(r.lang).toBe('de');
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.text.startsWith(t('fr', 'chat:switched', { language: t('fr', 'chat:languages.de') }))).toBe(true);
    expect(r.reply.text).toContain(entry('kpt', 'de', 'login-code-card').text);
  });

  it('answers three words clearly in another language in it, counting question words for their own language only', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'de', message: 'come funziona CPTnet' });
    expect(r.lang).toBe('it');
    const german = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'Codekarte verloren, hilfe' });
    expect(german.lang).toBe('de');
  });

  it('keeps the named language for a short message that could be either', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'fr', message: 'Codekarte?' });
    expect(r.lang).toBe('fr');
    if (r.reply.kind === 'answer') expect(r.reply.text).toBe(entry('kpt', 'fr', r.reply.sources[0]!.id).text);
  });

  it('falls back to Accept-Language, then to the tenant default, for a message in no language', async () => {
    // digits only: nothing to detect a language from
    const viaHeader = await chat(app, { tenant: 'kpt', message: '12345678' }, undefined, { 'accept-language': 'it-CH,it;q=0.9' });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.lang).toBe('it');
    const viaDefault = await chat(app, { tenant: 'kpt', message: '12345678' });
    expect(viaDefault.body.lang).toBe(testApp.library().content.tenants.get('kpt')!.tenant.defaultLanguage);
  });

  it('keeps the conversation language for a message in no language', async () => {
    const first = await turn(app, { tenant: 'kpt', message: 'Ho dimenticato la password, cosa devo fare?' });
    expect(first.lang).toBe('it');
    const next = await turn(app, { tenant: 'kpt', conversationId: first.conversationId, message: '???' });
    expect(next.lang).toBe('it');
  });
});
