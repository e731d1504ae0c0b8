/**
 * Accessibility of the help page and the widget in headless Chromium: axe-core scans (no serious or
 * critical violation), the widget by keyboard alone, and desktop and phone screenshots in test-results/.
 */
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, hostPage, launchBrowser, screenshot, seriousViolations, startAssistant, startHostSite, type Assistant, type HostSite } from '../helpers/browser.ts';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!hasChromium)('accessibility of the help page and the widget', { timeout: 60_000 }, () => {
  let browser: Browser;
  let assistant: Assistant;
  let host: HostSite;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    host = await startHostSite((path) => {
      if (path === '/') return hostPage(`<script src="${assistant.origin}/widget.js" data-tenant="kpt" data-lang="fr" async></script>`);
      // For the scan's own check: a button nobody can name.
      if (path === '/broken') return hostPage('<button type="button"></button>');
      return undefined;
    });
    assistant = await startAssistant([host.origin]);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([assistant?.close(), host?.close()]);
  });

  /** A fresh visitor; `bypassCSP` lets axe be injected into our pages, which forbid inline script. */
  async function newPage(viewport = DESKTOP, bypassCSP = false): Promise<Page> {
    const context = await browser.newContext({ viewport, bypassCSP, ...(viewport === PHONE ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
    contexts.push(context);
    return context.newPage();
  }

  const chat = (page: Page): FrameLocator => page.frameLocator('help-assistant iframe');
  const chatFrame = (page: Page) => page.frames().find((f) => f.url().startsWith(`${assistant.origin}/kpt/`))!;
  const replies = (frame: FrameLocator) => frame.locator('#chat-log .msg.assistant[data-kind]');
  const focusInWidget = (page: Page) =>
    page.evaluate(() => {
      const active = document.activeElement;
      return active?.tagName === 'HELP-ASSISTANT' ? `${active.shadowRoot!.activeElement?.tagName}#${active.shadowRoot!.activeElement?.id}` : `outside:${active?.tagName}`;
    });
  const focusInChat = (page: Page) => chatFrame(page).evaluate(() => `${document.activeElement?.tagName}:${document.activeElement?.id || document.activeElement?.textContent}`);

  async function openAndAsk(page: Page, question: string): Promise<FrameLocator> {
    await page.goto(`${host.origin}/`);
    await page.getByRole('button', { name: 'Assistant CPTnet' }).click();
    const frame = chat(page);
    // Typing before htmx has wired the form would make a plain post: wait for the page to be complete.
    await expect.poll(() => frame.locator('html').evaluate(() => document.readyState)).toBe('complete');
    await frame.locator('#chat-input').fill(question);
    await frame.locator('#chat-input').press('Enter');
    await replies(frame).first().waitFor();
    return frame;
  }

  const describeViolations = (vs: Awaited<ReturnType<typeof seriousViolations>>) => vs.map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`).join('\n');

  it('has a scan that does catch a serious violation', async () => {
    const page = await newPage();
    await page.goto(`${host.origin}/broken`);
    expect((await seriousViolations(page)).map((v) => v.id)).toContain('button-name');
  });

  it('finds no serious or critical violation on the help page', async () => {
    const page = await newPage(DESKTOP, true);
    await page.goto(`${assistant.origin}/kpt/fr/`);
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('finds no serious or critical violation on a host page with the widget open, nor inside the chat', async () => {
    const page = await newPage(DESKTOP, true);
    const frame = await openAndAsk(page, 'Problème de connexion');
    await frame.locator('#chat-log .choices button').first().waitFor();
    // The host document with the launcher and the panel (shadow DOM included); the cross-origin frame on its own.
    const outside = await seriousViolations(page, { iframes: false });
    expect(outside, describeViolations(outside)).toEqual([]);
    const inside = await seriousViolations(chatFrame(page));
    expect(inside, describeViolations(inside)).toEqual([]);
  });

  it('is usable by keyboard alone', async () => {
    const page = await newPage();
    await page.goto(`${host.origin}/`);
    await page.getByRole('button', { name: 'Assistant CPTnet' }).waitFor();
    // Tab from the top of the page to the launcher.
    for (let i = 0; i < 5 && (await focusInWidget(page)) !== 'BUTTON#l'; i++) await page.keyboard.press('Tab');
    expect(await focusInWidget(page)).toBe('BUTTON#l');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusInChat(page)).toBe('INPUT:chat-input');

    await page.keyboard.type("Qu'est-ce qu'une carte de code ?");
    await page.keyboard.press('Enter');
    const frame = chat(page);
    await expect.poll(() => replies(frame).count()).toBe(1);
    expect(await replies(frame).last().innerText()).toContain('100');
    // The form was replaced by the answer's; focus is in the new field, ready for the next question.
    await expect.poll(() => focusInChat(page)).toBe('INPUT:chat-input');

    // Back to the answer's buttons and press one.
    await page.keyboard.press('Shift+Tab');
    expect(await focusInChat(page)).toBe("BUTTON:Cela ne m'a pas aidé");
    await page.keyboard.press('Enter');
    await expect.poll(() => replies(frame).count()).toBe(2);

    await page.keyboard.press('Escape');
    await expect.poll(() => focusInWidget(page)).toBe('BUTTON#l');
    expect(await page.getByRole('button', { name: 'Assistant CPTnet' }).getAttribute('aria-expanded')).toBe('false');
  });

  it('writes desktop and phone screenshots of the open widget', async () => {
    const desktop = await newPage(DESKTOP);
    await openAndAsk(desktop, "Qu'est-ce qu'une carte de code ?");
    const panel = await desktop.locator('help-assistant [role=dialog]').boundingBox();
    expect(panel!.width).toBe(400);
    expect(panel!.x + panel!.width).toBeLessThanOrEqual(DESKTOP.width);
    await screenshot(desktop, 'widget-desktop');

    const phone = await newPage(PHONE);
    await openAndAsk(phone, "Qu'est-ce qu'une carte de code ?");
    expect(await phone.locator('help-assistant [role=dialog]').boundingBox()).toEqual({ x: 0, y: 0, ...PHONE });
    await screenshot(phone, 'widget-phone');

    const closed = await newPage(PHONE);
    await closed.goto(`${host.origin}/`);
    await closed.getByRole('button', { name: 'Assistant CPTnet' }).waitFor();
    await screenshot(closed, 'widget-phone-closed');
  });
});
