/**
 * A reply in another language than the page's (a German question on the French chat page) is marked
 * with lang="de", so screen readers pronounce it in German; the note about the switch and the
 * "Assistant:" label stay in the page's language. With htmx and on the plain page after a reload.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../helpers/app.ts';
import { buildChatApp } from '../helpers/chat.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const { app } = testApp;
const t = (lang: 'fr' | 'de' | 'it', key: string, vars?: Record<string, unknown>) => testApp.library().t(lang, key, vars);

const ORIGIN = 'http://localhost';
const GERMAN = 'Was ist eigentlich eine Codekarte und wozu brauche ich sie?';
const FRENCH = "Qu'est-ce qu'une carte de codes et à quoi sert-elle ?";

async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { res, html: await res.text() };
}

/** The assistant's replies (not the greeting, hints or sources line: only replies are labelled for screen readers). */
const replies = (html: string) =>
  [...html.matchAll(/<li class="msg assistant[^"]*"[^>]*>[\s\S]*?<\/li>/g)].map((m) => m[0]).filter((li) => li.includes('<span class="sr-only"'));
const openTag = (li: string) => /^<li[^>]*>/.exec(li)![0];

const note = (page: 'fr' | 'de' | 'it', reply: 'fr' | 'de' | 'it') => t(page, 'chat:switched', { language: t(page, `chat:languages.${reply}`) });

describe('a reply in another language than the page carries lang="xx"', () => {
  it('on the htmx fragment: the reply element in German, its note and label in French', async () => {
    const { res, html } = await post('/kpt/fr/chat', { message: GERMAN, conversationId: '' }, { 'hx-request': 'true' });
    expect(res.status).toBe(200);
    const [reply] = replies(html);
    expect(openTag(reply!)).toMatch(/ lang="de"/);
    expect(reply).toContain(`<span class="sr-only" lang="fr">${escapeHtml(t('fr', 'chat:assistant'))}`);
    expect(reply).toContain(`<span lang="fr">${escapeHtml(note('fr', 'de'))}</span>`);
    // The German answer itself follows, inside the German element, and the note is not said twice.
    expect(reply).toContain('Codekarte');
    expect(reply!.split(escapeHtml(note('fr', 'de'))).length).toBe(2);
    // Its choices (in German) say so too.
    const choices = /<li class="msg-choices"[^>]*>/.exec(html);
    if (choices) expect(choices[0]).toContain('lang="de"');
  });

  it('leaves a reply in the page language unmarked', async () => {
    const { html } = await post('/kpt/fr/chat', { message: FRENCH, conversationId: '' }, { 'hx-request': 'true' });
    const [reply] = replies(html);
    expect(openTag(reply!)).not.toMatch(/ lang=/);
    expect(reply).toContain(`<span class="sr-only">${escapeHtml(t('fr', 'chat:assistant'))}`);
    expect(reply).not.toContain(escapeHtml(note('fr', 'de')));
  });

  it('on the plain page after a post without JavaScript, message by message', async () => {
    const first = await post('/kpt/fr/chat', { message: FRENCH, conversationId: '' });
    expect(first.res.status).toBe(303);
    const cookie = first.res.headers.get('set-cookie')!.split(';')[0]!;
    const id = decodeURIComponent(cookie.split('=')[1]!);
    const second = await post('/kpt/fr/chat', { message: GERMAN, conversationId: id }, { cookie });
    expect(second.res.status).toBe(303);

    const page = await (await app.request('/kpt/fr/chat', { headers: { cookie } })).text();
    expect(page).toContain('<html lang="fr">');
    const [french, german] = replies(page);
    expect(openTag(french!)).not.toMatch(/ lang=/);
    // The newest reply, where the plain page lands, is the German one.
    expect(openTag(german!)).toMatch(/ lang="de"/);
    expect(openTag(german!)).toContain('id="latest"');
    expect(german).toContain(`<span lang="fr">${escapeHtml(note('fr', 'de'))}</span>`);
  });

  it('the same conversation shown on the German page: the note in French, the German reply unmarked', async () => {
    const first = await post('/kpt/fr/chat', { message: GERMAN, conversationId: '' });
    const cookie = first.res.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await app.request('/kpt/de/chat', { headers: { cookie } })).text();
    const [reply] = replies(page);
    expect(openTag(reply!)).not.toMatch(/ lang=/);
    expect(reply).toContain(`<span lang="fr">${escapeHtml(note('fr', 'de'))}</span>`);
  });
});
