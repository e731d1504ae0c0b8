/** Where the chat names a page, a form, a phone line or an e-mail address, the visitor can open it. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../helpers/app.ts';

const testApp = buildApp();
afterAll(() => testApp.dispose());
const { app } = testApp;

async function chat(body: Record<string, string>) {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as { conversationId: string; reply: { kind: string; text: string; choices: { id: string; label: string; url?: string }[] } };
}

async function htmx(path: string, fields: Record<string, string>) {
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', 'hx-request': 'true' },
    body: new URLSearchParams(fields).toString(),
  });
  expect(res.status).toBe(200);
  return res.text();
}

describe('links in the chat', () => {
  it('an answer keeps the address of the form it names, and the chat page links it', async () => {
    const r = await chat({ tenant: 'atupri', lang: 'fr', message: 'Comment désactiver myAtupri ?' });
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.text).toContain('formulaire de contact (https://www.atupri.ch/kontakt)');
    const html = await htmx('/atupri/fr/chat', { message: 'Comment désactiver myAtupri ?' });
    expect(html).toContain('<a href="https://www.atupri.ch/kontakt" target="_blank" rel="noopener noreferrer">https://www.atupri.ch/kontakt</a>');
  });

  it('the contact options link the phone line of the language and the e-mail address', async () => {
    const html = await htmx('/kpt/fr/chat', { message: "je veux parler à quelqu'un" });
    expect(html).toContain('<a href="tel:+41800815416">0800 815 416</a>');
    expect(html).toContain('<a href="mailto:websupport@kpt.ch">websupport@kpt.ch</a>');
  });

  it('a flow step that sends the visitor to people offers to call or write', async () => {
    const start = await chat({ tenant: 'kpt', lang: 'de', message: 'Ich kann mich nicht einloggen' });
    expect(start.reply.kind).toBe('flow');
    const other = await chat({ tenant: 'kpt', lang: 'de', conversationId: start.conversationId, choice: 'number' });
    expect(other.reply.choices).toEqual(
      expect.arrayContaining([
        { id: 'call', label: '0800 815 415 anrufen', url: 'tel:+41800815415' },
        { id: 'write', label: 'E-Mail an websupport@kpt.ch', url: 'mailto:websupport@kpt.ch' },
      ]),
    );
  });

  it('escapes what is around the links', async () => {
    const html = await htmx('/kpt/fr/chat', { message: '<b>websupport@kpt.ch</b>' });
    expect(html).not.toContain('<b>');
  });
});
