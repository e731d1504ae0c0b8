/**
 * The widget end to end in headless Chromium: a host page of another origin embeds it, a visitor asks,
 * runs a flow, reloads and finds the conversation; the JS API and the postMessage protocol; the
 * embedding policy refusing origins outside the allowlist.
 */
import { sign } from 'hono/jwt';
import type { Browser, BrowserContext, ConsoleMessage, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, hostPage, launchBrowser, startAssistant, startHostSite, type Assistant, type HostSite } from '../helpers/browser.ts';

const SECRET = 'browser-test-secret';
const STORAGE_KEY = 'help-assistant:kpt:conversation';

describe.skipIf(!hasChromium)('widget in a host page of another origin', { timeout: 60_000 }, () => {
  let browser: Browser;
  let assistant: Assistant;
  let host: HostSite; // in the allowlist
  let stranger: HostSite; // not in it
  let token: string;
  const contexts: BrowserContext[] = [];

  const tag = (attrs = 'data-tenant="kpt" data-lang="fr"') => `<script src="${assistant.origin}/widget.js" ${attrs} async></script>`;

  beforeAll(async () => {
    host = await startHostSite((path) => {
      switch (path) {
        case '/':
          return hostPage(tag());
        case '/twice':
          return hostPage(tag() + tag('data-tenant="kpt" data-lang="de"'));
        case '/unknown':
          return hostPage(tag('data-tenant="nope" data-lang="fr"'));
        case '/signed-in':
          return hostPage(tag(`data-tenant="kpt" data-lang="fr" data-token="${token}"`));
        case '/no-storage':
          // Storage blocked (privacy settings, sandboxing): reading it throws.
          return hostPage(
            tag(),
            `<script>Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });</script>`,
          );
        default:
          return undefined;
      }
    });
    stranger = await startHostSite((path) => {
      if (path === '/') return hostPage(tag());
      if (path === '/raw-frame') return hostPage(`<iframe title="Assistant" src="${assistant.origin}/kpt/fr/chat?embed=1"></iframe>`);
      return undefined;
    });
    assistant = await startAssistant([host.origin], { PORTAL_TOKEN_SECRET: SECRET });
    token = await sign({ sub: 'kpt-demo-marie', tenant: 'kpt', exp: Math.floor(Date.now() / 1000) + 3600 }, SECRET, 'HS256');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([assistant?.close(), host?.close(), stranger?.close()]);
  });

  async function visit(url: string): Promise<{ page: Page; warnings: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    const warnings: string[] = [];
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
    });
    await page.goto(url);
    return { page, warnings };
  }

  /** The launcher: named after the assistant while closed, "Fermer" (close) while open. */
  const launcher = (page: Page, name?: string) => (name ? page.getByRole('button', { name }) : page.locator('help-assistant').locator('#l'));
  const chat = (page: Page): FrameLocator => page.frameLocator('help-assistant iframe');
  const chatFrame = (page: Page) => page.frames().find((f) => f.url().startsWith(`${assistant.origin}/kpt/`))!;
  const replies = (frame: FrameLocator) => frame.locator('#chat-log .msg.assistant[data-kind]');

  /** Types a message in the chat and waits for the assistant's reply; returns its text. */
  async function ask(frame: FrameLocator, text: string): Promise<string> {
    // Typing before htmx has wired the form would make a plain post: wait for the page to be complete.
    await expect.poll(() => frame.locator('html').evaluate(() => document.readyState)).toBe('complete');
    const before = await replies(frame).count();
    await frame.locator('#chat-input').fill(text);
    await frame.locator('#chat-input').press('Enter');
    await expect.poll(() => replies(frame).count(), { timeout: 10_000 }).toBe(before + 1);
    return replies(frame).last().innerText();
  }

  async function openWidget(page: Page): Promise<FrameLocator> {
    await launcher(page).click();
    const frame = chat(page);
    await frame.locator('#chat-input').waitFor();
    return frame;
  }

  /** Which element of the widget's shadow root has focus (its id), or what else has it. */
  const focusInWidget = (page: Page) =>
    page.evaluate(() => {
      const active = document.activeElement;
      if (active?.tagName !== 'HELP-ASSISTANT') return `outside:${active?.tagName}`;
      const inner = active.shadowRoot!.activeElement;
      return inner ? `${inner.tagName}#${inner.id}` : 'none';
    });

  it('puts one labelled launcher on the page, isolated from the host styles', async () => {
    const { page, warnings } = await visit(`${host.origin}/`);
    const button = launcher(page);
    await button.waitFor();
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    // The host page paints every button red; the launcher keeps the tenant colour.
    expect(await button.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(0, 60, 113)');
    expect(await page.locator('help-assistant iframe').count()).toBe(0); // nothing loads before it is opened
    expect(warnings).toEqual([]);
  });

  it('opens the chat, moves focus into it and answers a question', async () => {
    const { page } = await visit(`${host.origin}/`);
    const frame = await openWidget(page);
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('true');
    const iframe = page.locator('help-assistant iframe');
    expect(await iframe.getAttribute('title')).toBe('Assistant CPTnet');
    const src = (await iframe.getAttribute('src'))!;
    expect(src).toBe(`${assistant.origin}/kpt/fr/chat?embed=1&host=${encodeURIComponent(host.origin)}`);
    await expect.poll(() => chatFrame(page).evaluate(() => document.activeElement?.id)).toBe('chat-input');

    const answer = await ask(frame, "Qu'est-ce qu'une carte de code ?");
    expect(answer).toContain('100');
    expect(await frame.locator('#chat-log').getAttribute('aria-live')).toBe('polite');
    // The conversation id went to the host page's own storage; focus stays in the chat for the next question.
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).toMatch(/\S/);
    await expect.poll(() => chatFrame(page).evaluate(() => document.activeElement?.id)).toBe('chat-input');
  });

  it('runs the start of a flow with choice buttons', async () => {
    const { page } = await visit(`${host.origin}/`);
    const frame = await openWidget(page);
    await ask(frame, 'Problème de connexion');
    const choices = frame.locator('#chat-log .choices button');
    await expect.poll(() => choices.count()).toBeGreaterThan(1);
    expect(await choices.allInnerTexts()).toContain('Mot de passe oublié');
    expect(await replies(frame).last().getAttribute('data-kind')).toBe('flow');
  });

  it('finds the conversation again after the host page reloads', async () => {
    const { page } = await visit(`${host.origin}/`);
    let frame = await openWidget(page);
    await ask(frame, "Qu'est-ce qu'une carte de code ?");
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).toMatch(/\S/);
    const id = (await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY))!;

    await page.reload();
    frame = await openWidget(page);
    // The id reaches the frame by postMessage, never in its address.
    expect(await page.locator('help-assistant iframe').getAttribute('src')).not.toContain(id);
    await expect.poll(() => frame.locator('#chat-log .msg.visitor').count()).toBe(1);
    expect(await frame.locator('#chat-log .msg.visitor').allInnerTexts()).toEqual([expect.stringContaining("Qu'est-ce qu'une carte de code ?")]);
    expect(await frame.locator('#chat-form [name=conversationId]').inputValue()).toBe(id);
    // The conversation goes on from there.
    await ask(frame, 'Problème de connexion');
    expect(await frame.locator('#chat-log .msg.visitor').count()).toBe(2);

    // A new conversation, started inside the frame, replaces the stored one and keeps the protocol.
    await frame.getByRole('link', { name: 'Nouvelle conversation' }).click();
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).toBeNull();
    expect(chatFrame(page).url()).toBe(`${assistant.origin}/kpt/fr/chat?embed=1&new=1&host=${encodeURIComponent(host.origin)}`);
    await ask(frame, "Qu'est-ce qu'une carte de code ?");
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).toMatch(/\S/);
    expect(await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).not.toBe(id);
  });

  it("never lets a link with someone else's conversation id read what the visitor types", async () => {
    // The attacker starts a conversation of their own and sends its address to the victim.
    const api = (body: Record<string, unknown>) =>
      fetch(`${assistant.origin}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'kpt', lang: 'fr', ...body }) });
    const id = ((await (await api({ message: 'bonjour' })).json()) as { conversationId: string }).conversationId;
    const link = `${assistant.origin}/kpt/fr/chat?embed=1&c=${id}`;
    const context = await browser.newContext();
    contexts.push(context);
    const victim = await context.newPage();
    await victim.goto(link);
    await victim.locator('#chat-input').fill('Mon e-mail est victime@example.ch');
    await victim.locator('#chat-input').press('Enter');
    await expect.poll(() => victim.locator('#chat-log .msg.assistant[data-kind]').count()).toBeGreaterThan(0);
    expect(await victim.locator('#chat-form [name=conversationId]').inputValue()).not.toBe(id);
    // What the attacker can read: a fresh page, and their own conversation without the victim's words.
    expect(await (await fetch(link)).text()).not.toContain('victime@example.ch');
    const turn = await api({ conversationId: id, message: 'je veux parler à quelqu’un' });
    expect(JSON.stringify(await turn.json())).not.toContain('victime');
  });

  it('works, without continuity, when the host page storage throws', async () => {
    const { page, warnings } = await visit(`${host.origin}/no-storage`);
    const frame = await openWidget(page);
    expect(await ask(frame, "Qu'est-ce qu'une carte de code ?")).toContain('100');
    expect(warnings).toEqual([]);
  });

  it('closes on Escape inside the chat and gives focus back to the launcher', async () => {
    const { page } = await visit(`${host.origin}/`);
    const frame = await openWidget(page);
    await expect.poll(() => chatFrame(page).evaluate(() => document.activeElement?.id)).toBe('chat-input');
    await frame.locator('#chat-input').press('Escape');
    await expect.poll(() => launcher(page).getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('help-assistant iframe').isVisible()).toBe(false);
    expect(await focusInWidget(page)).toBe('BUTTON#l');

    // Reopening by keyboard, then the close button.
    await page.keyboard.press('Enter');
    await expect.poll(() => launcher(page).getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => chatFrame(page).evaluate(() => document.activeElement?.id)).toBe('chat-input');
    // Open, the launcher is a close button too.
    expect(await launcher(page).textContent()).toContain('Fermer');
    await page.locator('help-assistant').locator('#x').click();
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
    expect(await focusInWidget(page)).toBe('BUTTON#l');
    expect(await launcher(page).textContent()).toContain('Assistant CPTnet');
  });

  // Retried: on a loaded machine the focus handed to the reloaded chat after setLanguage now and then does
  // not arrive (seen in about one run in ten; the cause is not found yet). A real break fails every try.
  it('offers open, close, setLanguage and an escalation event', { retry: 2 }, async () => {
    const { page } = await visit(`${host.origin}/`);
    await launcher(page).waitFor();
    await page.evaluate(() => {
      const w = window as unknown as { HelpAssistant: { on(t: string, fn: (d: unknown) => void): void }; seen: unknown[] };
      w.seen = [];
      window.addEventListener('help-assistant:escalated', (e) => w.seen.push(['event', (e as CustomEvent).detail]));
      w.HelpAssistant.on('escalated', (d) => w.seen.push(['on', d]));
    });
    const api = (call: string) => page.evaluate((c) => (window as unknown as Record<string, Record<string, (a?: string) => void>>).HelpAssistant![c]!('de'), call);

    await api('open');
    const frame = chat(page);
    await frame.locator('#chat-input').waitFor();
    await api('close');
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');

    await api('setLanguage');
    await launcher(page, 'Assistent KPTnet').click();
    expect(await page.locator('help-assistant iframe').getAttribute('src')).toContain('/kpt/de/chat?embed=1');
    await expect.poll(() => frame.locator('html').getAttribute('lang')).toBe('de');
    // The reloaded chat has said it is ready and the widget has handed it the focus, as after any opening.
    await expect.poll(() => frame.locator('#chat-input').evaluate((el) => document.activeElement === el), { timeout: 10_000 }).toBe(true);

    await ask(frame, 'Ich möchte mit jemandem sprechen');
    expect(await replies(frame).last().getAttribute('data-kind')).toBe('escalate');
    const seen = () => page.evaluate(() => (window as unknown as { seen: unknown[] }).seen);
    await expect.poll(seen).toHaveLength(2);
    const id = await page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY);
    expect(await seen()).toEqual([
      ['on', { tenant: 'kpt', conversationId: id }],
      ['event', { tenant: 'kpt', conversationId: id }],
    ]);
  });

  it('does nothing more when included twice', async () => {
    const { page, warnings } = await visit(`${host.origin}/twice`);
    // Either tag may run first (both are async); the other one stands back.
    await page.getByRole('button', { name: /^(Assistant CPTnet|Assistent KPTnet)$/ }).waitFor();
    await page.waitForLoadState('load');
    expect(await page.locator('help-assistant').count()).toBe(1);
    expect(await page.getByRole('button', { name: /^(Assistant CPTnet|Assistent KPTnet)$/ }).count()).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('refuses an unknown tenant with a console warning and no launcher', async () => {
    const { page, warnings } = await visit(`${host.origin}/unknown`);
    await page.waitForLoadState('load');
    await expect.poll(() => warnings).toEqual([expect.stringContaining('HelpAssistant: unknown tenant "nope"')]);
    expect(await page.locator('help-assistant').count()).toBe(0);
    expect(await page.evaluate(() => 'HelpAssistant' in window)).toBe(false);
  });

  /** Records the POSTs of a page and the host's tokeninvalid events. */
  async function watchTokens(page: Page) {
    const posts: { url: string; body: string }[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push({ url: r.url(), body: r.postData() ?? '' });
    });
    const renewals: unknown[] = [];
    await page.exposeFunction('renewal', (d: unknown) => renewals.push(d));
    await page.evaluate(() => window.addEventListener('help-assistant:tokeninvalid', (e) => (window as unknown as { renewal(d: unknown): void }).renewal((e as CustomEvent).detail)));
    const sentToken = () => new URLSearchParams(posts.at(-1)!.body).get('token');
    return { posts, renewals, sentToken };
  }
  const setToken = (page: Page, t: string) => page.evaluate((v) => (window as unknown as { HelpAssistant: { setToken(t: string): void } }).HelpAssistant.setToken(v), t);

  it('passes the portal token by postMessage into the form posts, never in a URL', async () => {
    const { page } = await visit(`${host.origin}/signed-in`);
    const { posts, renewals, sentToken } = await watchTokens(page);
    const frame = await openWidget(page);
    expect(await page.locator('help-assistant iframe').getAttribute('src')).not.toContain(token);
    expect(await ask(frame, "Qu'est-ce qu'une carte de code ?")).toContain('100');
    expect(sentToken()).toBe(token);
    expect(posts.every((p) => !p.url.includes(token))).toBe(true);
    expect(renewals).toEqual([]);
  });

  it('keeps answering a visitor whose token is refused, and tells the portal to renew it', async () => {
    const { page } = await visit(`${host.origin}/`);
    const { renewals, sentToken } = await watchTokens(page);
    const frame = await openWidget(page);
    await ask(frame, 'Problème de connexion');
    await setToken(page, 'expired.or.forged');
    expect(await ask(frame, "Qu'est-ce qu'une carte de code ?")).toContain('100');
    expect(sentToken()).toBe('expired.or.forged');
    await expect.poll(() => renewals).toEqual([{ tenant: 'kpt' }]);
    // The refused token is dropped on both sides until the portal sets a new one.
    await ask(frame, 'Problème de connexion');
    expect(sentToken()).toBeNull();
  });

  it("starts afresh, still in the widget, when a signed-in person's token is refused", async () => {
    const { page } = await visit(`${host.origin}/signed-in`);
    const { renewals } = await watchTokens(page);
    const frame = await openWidget(page);
    await ask(frame, "Qu'est-ce qu'une carte de code ?");
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).toMatch(/\S/);

    // That person's conversation is not for an anonymous visitor: the frame reloads an empty chat.
    await setToken(page, 'expired.or.forged');
    await frame.locator('#chat-input').fill('Problème de connexion');
    await frame.locator('#chat-input').press('Enter');
    await expect.poll(() => renewals).toEqual([{ tenant: 'kpt' }]);
    await expect.poll(() => page.evaluate((k) => localStorage.getItem(k), STORAGE_KEY)).toBeNull();
    expect(chatFrame(page).url()).toBe(`${assistant.origin}/kpt/fr/chat?embed=1&new=1&host=${encodeURIComponent(host.origin)}`);
    expect(await frame.locator('#chat-log .msg.visitor').count()).toBe(0);
    expect(await ask(frame, 'Problème de connexion')).toBeTruthy();
  });

  it('uses the whole screen of a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${host.origin}/`);
    await openWidget(page);
    const box = await page.locator('help-assistant [role=dialog]').boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 390, height: 844 });
  });

  describe('on a host origin outside the allowlist', () => {
    it('shows no launcher and says why in the console', async () => {
      const { page, warnings } = await visit(`${stranger.origin}/`);
      await page.waitForLoadState('load');
      await expect.poll(() => warnings.join('\n')).toContain(`${stranger.origin} is not in the embed.allowedOrigins of "kpt"`);
      expect(await page.locator('help-assistant').count()).toBe(0);
    });

    it('gets no chat in a frame: frame-ancestors blocks it', async () => {
      const { page, warnings } = await visit(`${stranger.origin}/raw-frame`);
      await page.waitForLoadState('load');
      const frame = page.frames().find((f) => f !== page.mainFrame())!;
      expect(frame).toBeDefined();
      const forms = await frame.locator('#chat-form').count().catch(() => 0);
      expect(forms).toBe(0);
      await expect.poll(() => warnings.join('\n')).toMatch(/frame-ancestors/);
    });

    it('cannot read the JSON API, while an allowed origin can', async () => {
      const call = (page: Page) =>
        page.evaluate(async (origin) => {
          const results: string[] = [];
          try {
            const r = await fetch(`${origin}/api/search?tenant=kpt&lang=fr&q=carte%20de%20code`);
            results.push(`search ${r.status} ${((await r.json()) as { results: unknown[] }).results.length > 0}`);
          } catch (e) {
            results.push(`search ${(e as Error).name}`);
          }
          try {
            const r = await fetch(`${origin}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'kpt', lang: 'fr', message: 'bonjour' }) });
            results.push(`chat ${r.status}`);
          } catch (e) {
            results.push(`chat ${(e as Error).name}`);
          }
          return results;
        }, assistant.origin);
      const { page: refused } = await visit(`${stranger.origin}/`);
      expect(await call(refused)).toEqual(['search TypeError', 'chat TypeError']);
      const { page: allowed } = await visit(`${host.origin}/`);
      expect(await call(allowed)).toEqual(['search 200 true', 'chat 200']);
    });
  });
});
