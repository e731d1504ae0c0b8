/**
 * The chat as a visitor meets it, through the public surface: buttons of older replies, "resume" offered
 * once, suggestions when the chat opens, inputs that fit the step, refused values said as field errors,
 * and links to the portal's login page.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, choiceIds, Visitor } from '../helpers/chat.ts';
import { escapeHtml } from '../helpers/app.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const { app } = testApp;
const t = (key: string, vars?: Record<string, unknown>) => testApp.library().t('fr', key, vars);

async function htmx(path: string, fields: Record<string, string>) {
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', 'hx-request': 'true' },
    body: new URLSearchParams(fields).toString(),
  });
  return res.text();
}
const conversationOf = (html: string) => /<form id="chat-form"[\s\S]*?name="conversationId" value="([^"]+)"/.exec(html)![1]!;
const chatInput = (html: string) => /<(?:input|textarea) id="chat-input"[^>]*>/.exec(html)![0];

describe('buttons of an older reply', () => {
  it('"Cela m\'a aidé" pressed later still records the feedback and shows its label, never its id', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    const answer = await v.say("Qu'est-ce qu'une carte de code ?");
    expect(choiceIds(answer)).toContain('helpful:login-code-card');
    await v.say('Comment trouver mes documents ?');
    const before = (await testApp.store.feedback('kpt', '2000-01-01T00:00:00Z')).length;
    const late = await v.send('helpful:login-code-card');
    expect(late.reply.text).toBe(t('chat:feedback.thanks'));
    expect((await testApp.store.feedback('kpt', '2000-01-01T00:00:00Z')).length).toBe(before + 1);
    const transcript = (await testApp.store.transcript(v.id!)).filter((m) => m.role === 'visitor').map((m) => m.text);
    expect(transcript.at(-1)).toBe(t('chat:choices.helpful'));
  });

  it('a button that meant something only where the conversation was is named as an old button', async () => {
    const html = await htmx('/kpt/fr/chat', { message: "je n'arrive pas à me connecter au CPTnet" });
    const id = conversationOf(html);
    await htmx('/kpt/fr/chat', { conversationId: id, choice: 'cancel' });
    const stale = await htmx('/kpt/fr/chat', { conversationId: id, choice: 'password' });
    expect(stale).toContain(`<li class="msg visitor"><span class="sr-only">${t('chat:you')}\u00a0: </span>${escapeHtml(t('chat:oldChoice'))}</li>`);
    expect(stale).not.toMatch(/<li class="msg visitor">[^<]*<span[^>]*>[^<]*<\/span>password</);
  });
});

describe('"resume" after a detour', () => {
  const startAndDetour = async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    await v.say("je n'arrive pas à me connecter au CPTnet");
    const detour = await v.say("Qu'est-ce qu'une carte de code ?");
    expect(choiceIds(detour)).toContain('resume');
    return v;
  };

  it('is offered once: the next question leaves the flow', async () => {
    const v = await startAndDetour();
    const next = await v.say('Comment trouver mes documents ?');
    expect(choiceIds(next)).not.toContain('resume');
    const later = await v.say("Qu'est-ce qu'une carte de code ?");
    expect(choiceIds(later)).not.toContain('resume');
  });

  it('stays through feedback on the detour answer', async () => {
    const v = await startAndDetour();
    const thanks = await v.press('helpful:login-code-card');
    expect(choiceIds(thanks)).toContain('resume');
  });

  it('is gone after asking for a person', async () => {
    const v = await startAndDetour();
    const people = await v.say("je veux parler à quelqu'un");
    expect(people.reply.kind).toBe('escalate');
    expect(choiceIds(people)).not.toContain('resume');
    const after = await v.say("Qu'est-ce qu'une carte de code ?");
    expect(choiceIds(after)).not.toContain('resume');
  });

  it('is gone once another flow starts', async () => {
    const v = await startAndDetour();
    const again = await v.say("je veux passer à l'assurance online");
    expect(again.reply.flow?.id).toBe('online-insurance-join');
    expect(choiceIds(again)).not.toContain('resume');
    // The login flow left behind is not offered again later either.
    const later = await v.say("Qu'est-ce qu'une carte de code ?");
    expect(choiceIds(later)).not.toContain('resume');
  });
});

describe('a message that is nothing we know', () => {
  it('gets "I did not understand" with contact, never a lone "none of these"', async () => {
    const r = await new Visitor(app, 'kpt', 'fr').say('asdf qwer');
    expect(r.reply.kind).toBe('clarify');
    expect(choiceIds(r)).not.toContain('none');
    expect(choiceIds(r)).toContain('contact');
  });
});

describe('the chat when it opens', () => {
  it("suggests the editors' questions in the page's language, as buttons that ask them", async () => {
    // A fresh service: nothing asked yet.
    const fresh = buildChatApp();
    try {
      const html = await (await fresh.app.request('/kpt/de/chat')).text();
      const entries = fresh.library().content.tenants.get('kpt')!.entries.de;
      const ids = fresh.library().content.tenants.get('kpt')!.tenant.suggestions!;
      expect(ids.length).toBeGreaterThanOrEqual(3);
      const buttons = [...html.matchAll(/<button type="submit" name="message" value="([^"]*)">/g)].map((m) => m[1]);
      expect(buttons).toEqual(ids.slice(0, 4).map((id) => escapeHtml(entries.find((e) => e.id === id)!.question)));
    } finally {
      fresh.dispose();
    }
  });

  it('puts what people asked most in the last weeks first', async () => {
    const own = buildChatApp();
    try {
      for (let i = 0; i < 3; i++) await new Visitor(own.app, 'kpt', 'fr').say("Combien de temps les documents restent-ils dans l'archive ?");
      const logged = (await own.store.questions('kpt', '2000-01-01T00:00:00Z')).filter((q) => q.outcome === 'answer').map((q) => q.entryId);
      expect(logged.length).toBe(3);
      const html = await (await own.app.request('/kpt/fr/chat')).text();
      const first = /<button type="submit" name="message" value="([^"]*)">/.exec(html)![1];
      const entry = own.library().content.tenants.get('kpt')!.entries.fr.find((e) => e.id === logged[0])!;
      expect(first).toBe(escapeHtml(entry.question));
    } finally {
      own.dispose();
    }
  });

  it('a suggestion pressed is asked as a question', async () => {
    const entry = testApp.library().content.tenants.get('kpt')!.entries.fr.find((e) => e.id === 'login-forgot-password')!;
    const html = await htmx('/kpt/fr/chat', { conversationId: '', message: entry.question });
    expect(html).toContain(`${escapeHtml(entry.question)}</li>`);
  });
});

describe('the message box fits the step', () => {
  it('asks for a name with autocomplete=name and its own placeholder, then an e-mail with the e-mail keyboard', async () => {
    const first = await htmx('/kpt/fr/chat', { message: "je veux parler à quelqu'un" });
    const id = conversationOf(first);
    expect(chatInput(first)).toContain(`placeholder="${escapeHtml(t('chat:placeholder'))}"`);
    expect(chatInput(first)).toContain('enterkeyhint="send"');
    const name = await htmx('/kpt/fr/chat', { conversationId: id, choice: 'contact-form' });
    expect(chatInput(name)).toContain('autocomplete="name"');
    expect(chatInput(name)).toContain(`placeholder="${escapeHtml(t('chat:placeholders.name'))}"`);
    const email = await htmx('/kpt/fr/chat', { conversationId: id, message: 'Marie Exemple' });
    expect(chatInput(email)).toMatch(/type="email"/);
    expect(chatInput(email)).toContain('autocomplete="email"');
    expect(chatInput(email)).toContain('inputmode="email"');
    expect(chatInput(email)).toContain(`placeholder="${escapeHtml(t('chat:placeholders.email'))}"`);
  });

  it('says a refused value as an error the field points to, without repeating the question', async () => {
    const first = await htmx('/kpt/fr/chat', { message: "je veux parler à quelqu'un" });
    const id = conversationOf(first);
    await htmx('/kpt/fr/chat', { conversationId: id, choice: 'contact-form' });
    await htmx('/kpt/fr/chat', { conversationId: id, message: 'Marie Exemple' });
    const refused = await htmx('/kpt/fr/chat', { conversationId: id, message: 'pas-une-adresse' });
    const error = /<li class="msg assistant error" data-kind="flow" tabindex="-1" id="(err-\w+)" data-error="true">([\s\S]*?)<\/li>/.exec(refused);
    expect(error, 'an error reply').not.toBeNull();
    expect(error![2]!.replace(/<\/?a[^>]*>/g, '')).toContain(escapeHtml(t('flows:errors.email')));
    expect(error![2]!).not.toContain(escapeHtml(t('flows:contact.email')));
    expect(chatInput(refused)).toContain('aria-invalid="true"');
    expect(chatInput(refused)).toContain(`aria-describedby="${error![1]}"`);
    // a good value clears the error
    const ok = await htmx('/kpt/fr/chat', { conversationId: id, message: 'marie@example.ch' });
    expect(chatInput(ok)).not.toContain('aria-invalid');
  });

  it('the message step is a multi-line box with the Enter hint', async () => {
    const first = await htmx('/kpt/fr/chat', { message: "je veux parler à quelqu'un" });
    const id = conversationOf(first);
    await htmx('/kpt/fr/chat', { conversationId: id, choice: 'contact-form' });
    await htmx('/kpt/fr/chat', { conversationId: id, message: 'Marie Exemple' });
    await htmx('/kpt/fr/chat', { conversationId: id, message: 'marie@example.ch' });
    await htmx('/kpt/fr/chat', { conversationId: id, choice: 'skip' });
    const message = await htmx('/kpt/fr/chat', { conversationId: id, choice: 'topic-other' });
    expect(chatInput(message)).toMatch(/^<textarea/);
    expect(chatInput(message)).toContain('aria-describedby="chat-hint"');
    expect(message).toContain(`<p id="chat-hint" class="chat-hint">${escapeHtml(t('chat:enterHint'))}</p>`);
  });
});

describe('links in replies', () => {
  it("links the portal's name to its login page, once", async () => {
    const html = await htmx('/atupri/fr/chat', { message: "Qu'est-ce que myAtupri ?" });
    const login = testApp.library().content.tenants.get('atupri')!.tenant.urls.login!;
    expect(html).toContain(`<a href="${login}" target="_blank" rel="noopener noreferrer">myAtupri</a>`);
    expect(html.split(`<a href="${login}"`).length).toBe(2);
  });

  it('writes phone numbers as tel: links in international form', async () => {
    const html = await htmx('/kpt/fr/chat', { message: "je veux parler à quelqu'un" });
    expect(html).toMatch(/<a href="tel:\+41800815416">0800 815 416<\/a>/);
  });
});
