import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, escapeHtml, type TestApp } from '../helpers/app.ts';

let app: TestApp;
beforeAll(() => {
  app = buildApp();
});
afterAll(() => app.dispose());

const ENTRY = '/kpt/fr/faq/login-code-card';
const since = '2000-01-01T00:00:00.000Z';

async function post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await app.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { res, html: await res.text() };
}
const page = async (path: string) => (await app.app.request(path)).text();
const rows = async () => await app.store.feedback('kpt', since);

describe('help page: "was this answer helpful?"', () => {
  it('asks under every answer, in the page language, with a plain form that posts to the entry', async () => {
    for (const [path, question] of [
      ['/kpt/fr/faq/login-code-card', 'Cette réponse vous a-t-elle aidé\u202f?'],
      ['/kpt/de/faq/login-code-card', 'War diese Antwort hilfreich?'],
      ['/atupri/it/faq/portal-what-is', 'Questa risposta le è stata utile?'],
    ] as const) {
      const html = await page(path);
      expect(html).toContain(escapeHtml(question));
      expect(html).toContain(`<form method="post" action="${path}/feedback" hx-post="${path}/feedback" hx-target="#feedback" hx-swap="outerHTML">`);
      expect(html).toMatch(/<button type="submit" name="helpful" value="yes"[^>]*>/);
      expect(html).toMatch(/<button type="submit" name="helpful" value="no"[^>]*>/);
    }
  });

  it('stores "helpful" and redirects back to the answer with thanks (post/redirect/get)', async () => {
    const before = (await rows()).length;
    const { res } = await post(`${ENTRY}/feedback`, { helpful: 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${ENTRY}?feedback=thanks#feedback`);
    expect((await rows()).slice(before)).toEqual([expect.objectContaining({ tenant: 'kpt', lang: 'fr', entryId: 'login-code-card', helpful: true, reason: null, source: 'page' })]);
    expect(await page(`${ENTRY}?feedback=thanks`)).toContain('Merci pour votre retour\u202f!');
  });

  it('asks why after "not helpful", and stores the reason given', async () => {
    const before = (await rows()).length;
    const no = await post(`${ENTRY}/feedback`, { helpful: 'no' });
    expect(no.res.headers.get('location')).toBe(`${ENTRY}?feedback=why#feedback`);
    const why = await page(`${ENTRY}?feedback=why`);
    expect(why).toContain(escapeHtml("Merci de nous le dire. Qu'est-ce qui n'allait pas\u202f?"));
    expect(why).toContain(`name="reason" value="not_related"`);
    expect(why).toContain(escapeHtml("La réponse n'a rien à voir avec ma question"));
    expect(why).toContain(`name="reason" value="did_not_answer"`);
    expect(why).toContain(escapeHtml('La réponse ne répond pas à ma question'));

    const reason = await post(`${ENTRY}/feedback`, { helpful: 'no', reason: 'did_not_answer' });
    expect(reason.res.headers.get('location')).toBe(`${ENTRY}?feedback=sorry#feedback`);
    expect((await rows()).slice(before).map((r) => [r.helpful, r.reason])).toEqual([
      [false, null],
      [false, 'did_not_answer'],
    ]);
  });

  it('answers an htmx post with the next state of the box only', async () => {
    const { res, html } = await post('/kpt/de/faq/login-code-card/feedback', { helpful: 'no' }, { 'hx-request': 'true' });
    expect(res.status).toBe(200);
    expect(html.trim().startsWith('<section id="feedback"')).toBe(true);
    expect(html).not.toContain('<html');
    expect(html).toContain('Danke für den Hinweis. Was hat nicht gepasst?');
    const done = await post('/kpt/de/faq/login-code-card/feedback', { helpful: 'no', reason: 'not_related' }, { 'hx-request': 'true' });
    expect(done.html).toContain('Danke, wir verbessern diese Antwort.');
    expect(done.html).not.toContain('<form');
  });

  it('refuses a post from another site (CSRF) and stores nothing', async () => {
    const before = (await rows()).length;
    const { res } = await post(`${ENTRY}/feedback`, { helpful: 'no' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await rows()).toHaveLength(before);
  });

  it('refuses an invalid form and an unknown entry, and stores nothing', async () => {
    const before = (await rows()).length;
    expect((await post(`${ENTRY}/feedback`, { helpful: 'maybe' })).res.status).toBe(400);
    expect((await post(`${ENTRY}/feedback`, { helpful: 'no', reason: 'boring' })).res.status).toBe(400);
    expect((await post('/kpt/fr/faq/no-such-entry/feedback', { helpful: 'yes' })).res.status).toBe(404);
    expect((await post('/nope/fr/faq/login-code-card/feedback', { helpful: 'yes' })).res.status).toBe(404);
    expect(await rows()).toHaveLength(before);
  });

  it('ignores a feedback query it does not know', async () => {
    const html = await page(`${ENTRY}?feedback=%3Cscript%3E`);
    expect(html).toContain(escapeHtml('Cette réponse vous a-t-elle aidé\u202f?'));
    expect(html).not.toContain('<script>');
  });
});
