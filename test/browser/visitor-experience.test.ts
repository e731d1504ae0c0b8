/**
 * The help centre and the chat as a visitor meets them in Chromium, on a desktop and a phone: the search's
 * history, the chat while it waits and after it answers, old buttons, Enter to send, the first screen,
 * axe scans, and screenshots in test-results/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, hostPage, launchBrowser, screenshot, seriousViolations, startAssistant, startHostSite, type Assistant, type HostSite } from '../helpers/browser.ts';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!hasChromium)('the visitor in the browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  let assistant: Assistant;
  let host: HostSite;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    host = await startHostSite((path) =>
      path === '/documents' ? hostPage(`<script src="${assistant.origin}/widget.js" data-tenant="kpt" data-lang="fr" data-topic="documents" async></script>`) : undefined,
    );
    assistant = await startAssistant([host.origin]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.close()));
    await browser?.close();
    await Promise.all([assistant?.close(), host?.close()]);
  });

  async function newPage(viewport = DESKTOP, options: { bypassCSP?: boolean; javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport, ...options, ...(viewport === PHONE ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    (page as Page & { errors?: string[] }).errors = errors;
    return page;
  }
  const ready = (page: Page) => expect.poll(() => page.evaluate(() => document.readyState)).toBe('complete');
  const describeViolations = (vs: Awaited<ReturnType<typeof seriousViolations>>) => vs.map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`).join('\n');

  /** Holds the chat's posts back for a moment, so what shows while waiting can be seen. */
  async function slowChat(page: Page, ms = 700) {
    await page.route('**/chat*', async (route) => {
      if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, ms));
      await route.continue();
    });
  }

  it('search: typing adds no history entry, submitting adds one, and Back shows the whole page', async () => {
    const page = await newPage();
    await page.goto(`${assistant.origin}/kpt/fr/`);
    await ready(page);
    const start = await page.evaluate(() => history.length);
    await page.locator('#q').pressSequentially('mot de', { delay: 30 });
    await page.waitForTimeout(400);
    await page.locator('#q').pressSequentially(' passe', { delay: 30 });
    await expect.poll(() => decodeURIComponent(page.url()).replace(/\+/g, ' ')).toContain('/kpt/fr/search?q=mot de passe');
    await page.locator('#results li').first().waitFor();
    expect(await page.evaluate(() => history.length)).toBe(start);
    await page.locator('#q').fill('carte de code');
    await page.locator('#q').press('Enter');
    await expect.poll(() => page.evaluate(() => history.length)).toBe(start + 1);
    await expect.poll(() => decodeURIComponent(page.url()).replace(/\+/g, ' ')).toContain('q=carte de code');
    await page.goBack();
    await expect.poll(() => decodeURIComponent(page.url()).replace(/\+/g, ' ')).toContain('q=mot de passe');
    // The whole page, once: header, search box and results, not a bare fragment.
    await expect.poll(() => page.locator('header.top').count()).toBe(1);
    expect(await page.locator('#q').count()).toBe(1);
    expect(await page.locator('h1').count()).toBe(1);
  });

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`help page and FAQ page (${name}): the assistant on the first screen, no serious axe finding, no console error`, async () => {
      const page = await newPage(viewport, { bypassCSP: true });
      await page.goto(`${assistant.origin}/kpt/fr/`);
      const ask = page.locator('.ask-first a');
      const box = (await ask.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      // The header keeps its title off the top edge and every language visible.
      const brand = (await page.locator('.brand').boundingBox())!;
      expect(brand.y).toBeGreaterThanOrEqual(4);
      for (const l of await page.locator('.langs a').all()) {
        const b = (await l.boundingBox())!;
        expect(b.x + b.width).toBeLessThanOrEqual(viewport.width);
      }
      await screenshot(page, `help-page-${name}`);
      const violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await page.goto(`${assistant.origin}/kpt/fr/faq/login-code-card`);
      await screenshot(page, `faq-page-${name}`);
      const onEntry = await seriousViolations(page);
      expect(onEntry, describeViolations(onEntry)).toEqual([]);
      expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    });
  }

  it('htmx loads when the visitor first reaches for the page; words typed before it are searched', async () => {
    const page = await newPage(PHONE);
    await page.goto(`${assistant.origin}/kpt/fr/`);
    await ready(page);
    // Loaded, shown and scrollable without htmx having run.
    expect(await page.evaluate(() => 'htmx' in window)).toBe(false);
    // Fetched into the cache only after the page's load, not alongside what the first screen needs; not run.
    const prefetched = () =>
      page.evaluate(() => {
        const load = (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd;
        return performance.getEntriesByType('resource').filter((e) => e.name.includes('/static/htmx.min.js')).map((e) => e.startTime >= load);
      });
    await expect.poll(prefetched).toEqual([true]);
    expect(await page.evaluate(() => 'htmx' in window)).toBe(false);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    // Typed at once, before htmx has loaded: the words are searched as soon as it has, in this page.
    await page.locator('#q').pressSequentially('carte de codes', { delay: 5 });
    await expect.poll(() => page.evaluate(() => 'htmx' in window)).toBe(true);
    await expect.poll(() => decodeURIComponent(page.url()).replace(/\+/g, ' ')).toContain('/kpt/fr/search?q=carte de codes');
    await expect.poll(() => page.locator('#results a').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
  });

  it('a suggestion pressed before htmx has loaded is sent through htmx, not as a page reload', async () => {
    const page = await newPage(PHONE);
    await page.goto(`${assistant.origin}/kpt/fr/chat`);
    await ready(page);
    expect(await page.evaluate(() => 'htmx' in window)).toBe(false);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const posts: (string | undefined)[] = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.headers()['hx-request']); });
    const first = page.locator('.suggestions button').first();
    const question = (await first.textContent())!.trim();
    await first.click();
    await expect.poll(() => page.locator('#chat-log .msg.assistant[data-kind]').count()).toBe(1);
    await expect.poll(() => page.locator('#chat-log .msg.visitor').last().textContent()).toContain(question);
    expect(posts).toEqual(['true']);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
  });

  it('a form held for htmx is sent the plain way when htmx cannot be loaded', async () => {
    const page = await newPage();
    await page.route('**/static/htmx.min.js*', (route) => route.abort());
    await page.goto(`${assistant.origin}/kpt/fr/chat`);
    await ready(page);
    const first = page.locator('.suggestions button').first();
    const question = (await first.textContent())!.trim();
    await first.click();
    // Post, redirect, and the plain page with the question and its reply.
    await expect.poll(() => page.locator('#chat-log .msg.visitor').count()).toBe(1);
    expect((await page.locator('#chat-log .msg.visitor').textContent())!).toContain(question);
    expect(await page.locator('#latest').count()).toBe(1);
  });

  it('the assistant is reached from the help page by keyboard within a few Tab presses', async () => {
    const page = await newPage();
    await page.goto(`${assistant.origin}/kpt/fr/`);
    let presses = 0;
    for (; presses < 12; presses++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.closest('.ask-first') != null)) break;
    }
    expect(presses).toBeLessThan(12);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/kpt\/fr\/chat$/);
  });

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`chat (${name}): echo, typing indicator and a disabled button while waiting, then the reply in view`, async () => {
      const page = await newPage(viewport, { bypassCSP: true });
      await slowChat(page);
      await page.goto(`${assistant.origin}/kpt/fr/chat`);
      await ready(page);
      // It opens with suggestions.
      expect(await page.locator('.suggestions button').count()).toBeGreaterThanOrEqual(3);
      await screenshot(page, `chat-open-${name}`);
      // A few turns, so that the reply would land below the fold on a phone.
      for (const q of ["Qu'est-ce qu'une carte de code ?", 'Comment trouver mes documents ?', "Combien de temps les documents restent-ils dans l'archive ?"]) {
        await page.locator('#chat-input').fill(q);
        await page.locator('#chat-input').press('Enter');
        await expect.poll(() => page.locator('#chat-log .msg.visitor.pending').textContent()).toBe(q);
        expect(await page.locator('#chat-log .msg.typing').isVisible()).toBe(true);
        expect(await page.locator('#chat-form button[type=submit]').isDisabled()).toBe(true);
        await page.locator('#chat-log .msg.typing').waitFor({ state: 'detached' });
        expect(await page.locator('#chat-log .msg.visitor.pending').count()).toBe(0);
        expect(await page.locator('#chat-log .msg.visitor').last().textContent()).toContain(q);
        expect(await page.locator('#chat-form button[type=submit]').isDisabled()).toBe(false);
        // The new reply starts in view.
        const reply = page.locator('#chat-log .msg.assistant[data-kind]').last();
        await expect.poll(async () => {
          const b = (await reply.boundingBox())!;
          return b.y >= 0 && b.y < viewport.height;
        }).toBe(true);
      }
      await screenshot(page, `chat-${name}`);
      const violations = await seriousViolations(page);
      expect(violations, describeViolations(violations)).toEqual([]);
      expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    });
  }

  it('chat: older choices are switched off when a new reply comes, and a pressed choice focuses its reply', async () => {
    const page = await newPage();
    await page.goto(`${assistant.origin}/kpt/fr/chat`);
    await ready(page);
    await page.locator('#chat-input').fill("Qu'est-ce qu'une carte de code ?");
    await page.locator('#chat-input').press('Enter');
    await page.locator('#chat-log .msg.assistant[data-kind]').first().waitFor();
    const helpful = page.getByRole('button', { name: "Cela m'a aidé" });
    await page.locator('#chat-input').fill('Combien de temps mes documents restent-ils dans les archives ?');
    await page.locator('#chat-input').press('Enter');
    await expect.poll(() => page.locator('#chat-log .msg.assistant[data-kind]').count()).toBe(2);
    expect(await helpful.first().isDisabled()).toBe(true);
    // The newest reply's buttons work, and the reply they bring is focused.
    await page.getByRole('button', { name: "Cela m'a aidé" }).last().click();
    await expect.poll(() => page.locator('#chat-log .msg.assistant[data-kind]').count()).toBe(3);
    await expect.poll(() => page.evaluate(() => document.activeElement?.matches('#chat-log .msg.assistant[data-kind]:last-of-type') ?? false)).toBe(true);
    expect(await page.locator('#chat-log .msg.visitor').last().textContent()).toContain("Cela m'a aidé");
  });

  it('chat: Enter sends from the message box, Shift+Enter adds a line; a refused e-mail marks the field', async () => {
    const page = await newPage();
    await page.goto(`${assistant.origin}/kpt/fr/chat`);
    await ready(page);
    const say = async (text: string) => {
      const before = await page.locator('#chat-log .msg.assistant[data-kind]').count();
      await page.locator('#chat-input').fill(text);
      await page.locator('#chat-input').press('Enter');
      await expect.poll(() => page.locator('#chat-log .msg.assistant[data-kind]').count(), { message: `a reply to "${text}"` }).toBe(before + 1);
    };
    const press = async (name: string) => {
      const before = await page.locator('#chat-log .msg.assistant[data-kind]').count();
      await page.getByRole('button', { name }).last().click();
      await expect.poll(() => page.locator('#chat-log .msg.assistant[data-kind]').count()).toBe(before + 1);
    };
    await say("je veux parler à quelqu'un");
    await press('Écrire au support web');
    expect(await page.locator('#chat-input').getAttribute('autocomplete')).toBe('name');
    await say('Marie Exemple');
    await say('pas-une-adresse');
    expect(await page.locator('#chat-input').getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await page.locator('#chat-input').getAttribute('aria-describedby'))!;
    expect(await page.locator(`#${describedBy}`).getAttribute('class')).toContain('error');
    await screenshot(page, 'chat-field-error-desktop');
    await say('marie@example.ch');
    await press('Passer');
    await press('Autre');
    expect(await page.locator('#chat-input').evaluate((e) => e.tagName)).toBe('TEXTAREA');
    await page.locator('#chat-input').pressSequentially('Première ligne');
    await page.locator('#chat-input').press('Shift+Enter');
    await page.locator('#chat-input').pressSequentially('deuxième ligne');
    expect(await page.locator('#chat-input').inputValue()).toBe('Première ligne\ndeuxième ligne');
    const before = await page.locator('#chat-log .msg.assistant[data-kind]').count();
    await page.locator('#chat-input').press('Enter');
    await expect.poll(() => page.locator('#chat-log .msg.assistant[data-kind]').count()).toBe(before + 1);
    expect(await page.locator('#chat-log .msg.visitor').last().textContent()).toContain('Première ligne\ndeuxième ligne');
  });

  it('chat without JavaScript: the address never holds the conversation, and the page lands on the newest reply', async () => {
    const page = await newPage(PHONE, { javaScriptEnabled: false });
    await page.goto(`${assistant.origin}/kpt/fr/chat`);
    for (const q of ["Qu'est-ce qu'une carte de code ?", 'Comment trouver mes documents ?', "je veux parler à quelqu'un"]) {
      await page.locator('#chat-input').fill(q);
      await page.locator('#chat-form button[type=submit]').click();
      await page.waitForLoadState('load');
    }
    expect(page.url()).toBe(`${assistant.origin}/kpt/fr/chat#latest`);
    const latest = (await page.locator('#latest').boundingBox())!;
    expect(latest.y).toBeLessThan(PHONE.height);
    expect(latest.y + 20).toBeGreaterThan(0);
    expect(await page.locator('#chat-log .msg.visitor').count()).toBe(3);
    await screenshot(page, 'chat-no-js-phone');
    // The cookie holds the conversation, out of reach of scripts.
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'chat_conversation')?.httpOnly).toBe(true);
  });

  for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`widget (${name}): the host page's topic gives the suggestions; open, the launcher is the close button`, async () => {
      const page = await newPage(viewport);
      await page.goto(`${host.origin}/documents`);
      const launcher = page.locator('help-assistant').locator('#l');
      await launcher.click();
      const frame = page.frameLocator('help-assistant iframe');
      await frame.locator('.suggestions button').first().waitFor();
      const categories = new Map(assistant.app.library().content.tenants.get('kpt')!.entries.fr.map((e) => [e.question, e.category]));
      const suggested = await frame.locator('.suggestions button').allTextContents();
      expect(suggested.length).toBeGreaterThanOrEqual(3);
      for (const q of suggested) expect(categories.get(q)).toBe('documents');
      if (viewport === DESKTOP) {
        expect(await launcher.getAttribute('aria-expanded')).toBe('true');
        expect(await launcher.textContent()).toContain('Fermer');
        await screenshot(page, `widget-open-${name}`);
        await launcher.click();
        expect(await launcher.getAttribute('aria-expanded')).toBe('false');
        expect(await launcher.textContent()).toContain('Assistant CPTnet');
      } else {
        await screenshot(page, `widget-open-${name}`);
      }
    });
  }
});
