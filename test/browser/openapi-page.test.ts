/**
 * The API reference pages in headless Chromium: readable without script under the site's CSP (nothing
 * blocked, no console error), every operation reachable from the list, and no serious axe violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, screenshot, seriousViolations, startAssistant, type Assistant } from '../helpers/browser.ts';

describe.skipIf(!hasChromium)('the API reference pages in a browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  let assistant: Assistant;

  beforeAll(async () => {
    assistant = await startAssistant(['http://localhost:1']);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await assistant?.close();
  });

  async function open(path: string, bypassCSP = false): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: bypassCSP, bypassCSP });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('requestfailed', (r) => problems.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
    await page.goto(`${assistant.origin}${path}`);
    return { page, problems };
  }

  it.each(['/openapi', '/openapi/backend'])('%s reads with script off, loads only its own stylesheet, and links every operation', async (path) => {
    const { page, problems } = await open(path);
    expect(problems).toEqual([]);
    // The stylesheet applied: the header has the brand colour.
    expect(await page.locator('header.top').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(47, 79, 111)');
    const links = await page.locator('nav[aria-label="Operations"] a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).hash));
    expect(links.length).toBeGreaterThan(3);
    for (const hash of links) expect(await page.locator(hash).count(), hash).toBe(1);
    await screenshot(page, `openapi${path.replace(/\//g, '-')}`);
  });

  it.each(['/openapi', '/openapi/backend'])('%s has no serious accessibility violation', async (path) => {
    const { page } = await open(path, true);
    expect(await seriousViolations(page)).toEqual([]);
  });
});
