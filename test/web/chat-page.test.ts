import { afterAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../helpers/app.ts';
import { buildChatApp } from '../helpers/chat.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const { app } = testApp;
const t = (lang: 'fr' | 'de' | 'it', key: string, vars?: Record<string, unknown>) => testApp.library().t(lang, key, vars);

const ORIGIN = 'http://localhost';

async function postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { res, html: await res.text() };
}

const htmx = (path: string, fields: Record<string, string>) => postForm(path, fields, { 'hx-request': 'true' });

/** The conversation id of the out-of-band form of a fragment. */
function oobConversationId(html: string): string {
  const form = /<form id="chat-form"[^>]*hx-swap-oob="true"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  expect(form, 'an out-of-band chat form').not.toBeNull();
  const id = /name="conversationId" value="([^"]*)"/.exec(form![1]!)?.[1];
  expect(id).toBeTruthy();
  return id!;
}

const choiceButtons = (html: string) => [...html.matchAll(/<button type="submit" name="choice" value="([^"]*)">([^<]*)<\/button>/g)].map((m) => ({ id: m[1]!, label: m[2]! }));

describe('GET /:tenant/:lang/chat', () => {
  it('renders the chat page with its form', async () => {
    const res = await app.request('/kpt/fr/chat');
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<html lang="fr">');
    expect(html).toMatch(/<form id="chat-form"[^>]*method="post" action="\/kpt\/fr\/chat"/);
    expect(html).toContain('hx-post="/kpt/fr/chat"');
    expect(html).toMatch(/<input id="chat-input" name="message" type="text"/);
    expect(html).toContain('name="conversationId" value=""');
    expect(html).toContain(escapeHtml(t('fr', 'chat:intro', { tenant: 'kpt' })));
  });

  it('answers 404 for an unknown tenant or language', async () => {
    expect((await app.request('/nope/fr/chat')).status).toBe(404);
    expect((await app.request('/kpt/en/chat')).status).toBe(404);
  });

  it('ignores an unknown conversation id', async () => {
    const res = await app.request('/kpt/fr/chat?c=does-not-exist');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('name="conversationId" value=""');
  });
});

describe('POST /:tenant/:lang/chat with htmx', () => {
  it("returns the visitor's message, the reply, its choices and the form out of band with the conversation id", async () => {
    const question = "Qu'est-ce qu'une carte de code ?";
    const { res, html } = await htmx('/kpt/fr/chat', { message: question });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).not.toMatch(/<!doctype|<html/i);
    expect(html).toMatch(new RegExp(`<li class="msg visitor">.*${escapeHtml(question).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</li>`));
    expect(html).toContain('data-kind="answer"');
    const entry = testApp.library().content.tenants.get('kpt')!.entries.fr.find((e) => e.id === 'login-code-card')!;
    // (the portal's name in the answer links to its login page)
    expect(html.replace(/<\/?a[^>]*>/g, '')).toContain(escapeHtml(entry.text));
    expect(html).toContain('href="/kpt/fr/faq/login-code-card"');
    expect(choiceButtons(html).map((b) => b.id)).toEqual(expect.arrayContaining(['helpful:login-code-card', 'not-helpful:login-code-card']));
    const id = oobConversationId(html);
    expect((await testApp.store.getConversation(id))?.tenant).toBe('kpt');
    // the choice buttons post to the same conversation
    expect(html).toMatch(new RegExp(`<li class="msg-choices">[\\s\\S]*name="conversationId" value="${id}"`));
  });

  it('continues the conversation named in the form, and a pressed choice shows its label', async () => {
    const first = await htmx('/kpt/fr/chat', { message: "je n'arrive pas à me connecter au CPTnet" });
    const id = oobConversationId(first.html);
    expect(first.html).toContain('data-kind="flow"');
    expect(choiceButtons(first.html)).toContainEqual({ id: 'password', label: escapeHtml(t('fr', 'flows:login-trouble.choices.password')) });

    const pressed = await htmx('/kpt/fr/chat', { conversationId: id, choice: 'password' });
    expect(pressed.res.status).toBe(200);
    expect(pressed.html).toContain(`<li class="msg visitor"><span class="sr-only">${t('fr', 'chat:you')}\u00a0: </span>${escapeHtml(t('fr', 'flows:login-trouble.choices.password'))}</li>`);
    expect(pressed.html).toContain(escapeHtml(t('fr', 'flows:login-trouble.password.contractNumber', { example: 'KPT12345678', format: 'KPT suivi de huit chiffres' })));
    expect(oobConversationId(pressed.html)).toBe(id);
    const state = (await testApp.store.getConversation(id))!.state;
    expect(state.flow?.step).toBe('password');
  });

  it('switches the input to an e-mail field when the step asks for one', async () => {
    const first = await htmx('/kpt/fr/chat', { message: "je veux parler à quelqu'un" });
    const id = oobConversationId(first.html);
    await htmx('/kpt/fr/chat', { conversationId: id, choice: 'contact-form' });
    const email = await htmx('/kpt/fr/chat', { conversationId: id, message: 'Marie Exemple' });
    expect(email.html).toMatch(/<input id="chat-input" name="message" type="email"/);
  });

  it('escapes HTML typed by the visitor', async () => {
    const evil = '<img src=x onerror=alert(1)><script>alert("x")</script>';
    const { res, html } = await htmx('/kpt/fr/chat', { message: evil });
    expect(res.status).toBe(200);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(escapeHtml(evil));
    // and in the transcript after a reload
    const id = oobConversationId(html);
    const { html: page } = await postForm('/kpt/fr/chat/resume?embed=1', { conversationId: id });
    expect(page).not.toContain('<img src=x');
    expect(page).toContain(escapeHtml(evil));
  });

  it('answers an empty message with 204 and nothing to swap', async () => {
    const { res, html } = await htmx('/kpt/fr/chat', { message: '   ' });
    expect(res.status).toBe(204);
    expect(html).toBe('');
  });

  it('starts afresh (HX-Redirect) for a conversation that no longer exists', async () => {
    const { res } = await htmx('/kpt/fr/chat', { conversationId: 'gone', message: 'bonjour' });
    expect(res.status).toBe(204);
    expect(res.headers.get('hx-redirect')).toBe('/kpt/fr/chat');
  });
});

describe('POST /:tenant/:lang/chat without JavaScript', () => {
  it('redirects (303) to the newest reply, keeps the conversation in an HttpOnly cookie and out of the address', async () => {
    const { res } = await postForm('/kpt/fr/chat', { message: "je n'arrive pas à me connecter au CPTnet" });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toBe('/kpt/fr/chat#latest');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^chat_conversation=[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/kpt\//);
    const id = /^chat_conversation=([\w-]+)/.exec(cookie)![1]!;

    const page = await app.request('/kpt/fr/chat', { headers: { cookie: `chat_conversation=${id}` } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(escapeHtml("je n'arrive pas à me connecter au CPTnet"));
    expect(html.replace(/<\/?a[^>]*>/g, '')).toContain(escapeHtml(t('fr', 'flows:login-trouble.problem.contractNumber', { portal: 'CPTnet', example: 'KPT12345678', format: 'KPT suivi de huit chiffres' })));
    expect(choiceButtons(html).map((b) => b.id)).toEqual(['password', 'code', 'number', 'card', 'other', 'cancel']);
    expect(html).toContain(`name="conversationId" value="${id}"`);
    expect(html).toContain(escapeHtml(t('fr', 'chat:newConversation')));
    // the newest reply is where the redirect lands
    expect(html).toMatch(/<li class="msg assistant" id="latest" tabindex="-1">/);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    // the same address without the cookie (a shared link, another person) shows no conversation
    const other = await (await app.request('/kpt/fr/chat')).text();
    expect(other).not.toContain(escapeHtml("je n'arrive pas à me connecter au CPTnet"));
    // nor does the id in the address of the plain page
    const guessed = await (await app.request(`/kpt/fr/chat?c=${id}`)).text();
    expect(guessed).not.toContain(escapeHtml("je n'arrive pas à me connecter au CPTnet"));
  });

  it('starts a new conversation by forgetting the cookie', async () => {
    const res = await app.request('/kpt/fr/chat?new=1', { headers: { cookie: 'chat_conversation=abc' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/kpt/fr/chat');
    expect(res.headers.get('set-cookie')).toMatch(/^chat_conversation=;.*Max-Age=0/i);
  });

  it('takes a pressed choice button by form post', async () => {
    const first = await postForm('/kpt/fr/chat', { message: "je n'arrive pas à me connecter au CPTnet" });
    const id = /^chat_conversation=([\w-]+)/.exec(first.res.headers.get('set-cookie')!)![1]!;
    const pressed = await postForm('/kpt/fr/chat', { conversationId: id, choice: 'card' });
    expect(pressed.res.status).toBe(303);
    expect(pressed.res.headers.get('location')).toBe('/kpt/fr/chat#latest');
    const html = await (await app.request('/kpt/fr/chat', { headers: { cookie: `chat_conversation=${id}` } })).text();
    expect(html).toContain(escapeHtml(t('fr', 'flows:login-trouble.choices.card')));
    expect(html).toContain(escapeHtml(t('fr', 'flows:login-trouble.card', { example: 'KPT12345678', format: 'KPT suivi de huit chiffres' })));
    expect((await testApp.store.getConversation(id))!.state.flow?.step).toBe('card');
  });

  it("answers the frame's plain post with the page on the conversation: no cookie, no id in an address", async () => {
    const { res, html } = await postForm('/kpt/fr/chat?embed=1', { message: "Qu'est-ce qu'une carte de code ?" });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(html).toContain(escapeHtml("Qu'est-ce qu'une carte de code ?"));
    expect(html).toMatch(/name="conversationId" value="[\w-]+"/);
    expect(html).not.toMatch(/[?&]c=/);
  });
});

describe('a conversation stays with the browser it was issued to (conversation fixation)', () => {
  const started = async () => {
    // The attacker starts a conversation and knows its id.
    const { html } = await htmx('/kpt/fr/chat?embed=1', { message: 'bonjour' });
    return oobConversationId(html);
  };

  it('never adopts an id from the address, embedded or not', async () => {
    const id = await started();
    for (const path of [`/kpt/fr/chat?embed=1&c=${id}`, `/kpt/fr/chat?embed=1&host=http%3A%2F%2Flocalhost&c=${id}`, `/kpt/fr/chat?c=${id}`]) {
      const html = await (await app.request(path)).text();
      expect(html, path).not.toContain(id);
      expect(html, path).not.toContain('class="msg visitor"');
      expect(html, path).toMatch(/name="conversationId" value=""/);
    }
  });

  it("refuses to take a conversation up again from another site's form post", async () => {
    const id = await started();
    const { res, html } = await postForm('/kpt/fr/chat/resume?embed=1', { conversationId: id }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(html).not.toContain(id);
  });

  it('takes it up again from its own frame, and a fresh page for an unknown id', async () => {
    const id = await started();
    const { res, html } = await postForm('/kpt/fr/chat/resume?embed=1', { conversationId: id });
    expect(res.status).toBe(200);
    expect(html).toContain(`name="conversationId" value="${id}"`);
    const unknown = await postForm('/kpt/fr/chat/resume?embed=1', { conversationId: 'x'.repeat(22) });
    expect(unknown.res.status).toBe(200);
    expect(unknown.html).toMatch(/name="conversationId" value=""/);
  });
});

describe('POST /:tenant/:lang/chat from another site', () => {
  it('refuses a cross-site form post with a friendly 403 page and no conversation', async () => {
    const questions = async () => (await testApp.store.questions('kpt', '2000-01-01T00:00:00Z')).length;
    const before = await questions();
    const { res, html } = await postForm('/kpt/fr/chat', { message: 'bonjour' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toMatch(/^<!doctype html>/i);
    const csrfTexts = (['fr', 'de', 'it'] as const).map((l) => escapeHtml(t(l, 'errors.csrf')));
    expect(csrfTexts.some((s) => html.includes(s))).toBe(true);
    expect(html).not.toMatch(/Error:|\/src\/|node_modules/);
    // the message never reached the assistant
    expect(await questions()).toBe(before);
    // the same post from the page itself is taken
    await postForm('/kpt/fr/chat', { message: 'bonjour' });
    expect(await questions()).toBe(before + 1);
  });

  it('refuses a cross-site htmx post as well', async () => {
    const { res } = await postForm('/kpt/fr/chat', { message: 'bonjour' }, { origin: 'https://evil.example', 'hx-request': 'true' });
    expect(res.status).toBe(403);
  });

  it('refuses in the language and for the tenant of the chat page', async () => {
    const { html } = await postForm('/kpt/fr/chat', { message: 'bonjour' }, { origin: 'https://evil.example' });
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain(escapeHtml(t('fr', 'errors.csrf')));
    expect(html).not.toContain('myAtupri');
  });
});
