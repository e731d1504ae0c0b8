/**
 * The editors' sign-in in a real browser: the token is typed into a form, never seen again in an address,
 * a link or script-readable cookie; the pages are reached by the session cookie alone; sign-out ends it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, seriousViolations, startAssistant, type Assistant } from '../helpers/browser.ts';

const TOKEN = 'editor token for the browser, long enough';

describe.skipIf(!hasChromium)('editor sign-in in the browser', { timeout: 60_000 }, () => {
  let browser: Browser;
  let assistant: Assistant;

  beforeAll(async () => {
    assistant = await startAssistant(['http://localhost:9'], { EDITOR_TOKEN: TOKEN });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await assistant?.close();
  });

  it('signs in with the form, browses the pages by cookie, and signs out', async () => {
    const context = await browser.newContext({ bypassCSP: true, locale: 'fr-CH' });
    const page = await context.newPage();
    const visited: string[] = [];
    page.on('request', (r) => visited.push(r.url()));

    const first = await page.goto(`${assistant.origin}/editor/insights?tenant=kpt`);
    expect(first?.status()).toBe(401);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Jeton de rédaction').fill(TOKEN);
    await Promise.all([page.waitForURL(`${assistant.origin}/editor/insights?tenant=kpt`), page.getByRole('button', { name: 'Se connecter' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Analyses\u00a0: kpt');

    // The session is not readable by scripts, and no address ever carried the token.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'editor_session', httpOnly: true, sameSite: 'Strict', path: '/editor' });
    await Promise.all([page.waitForURL(`${assistant.origin}/editor/status`), page.getByRole('link', { name: 'État', exact: true }).click()]);
    expect(await page.locator('h1').textContent()).toBe('État du contenu');
    await Promise.all([page.waitForURL(/\/editor\/insights\?tenant=/), page.locator('main').getByRole('link', { name: 'analyses' }).first().click()]);
    for (const url of visited) expect(url).not.toContain(encodeURIComponent(TOKEN).slice(0, 10));
    expect(await page.content()).not.toContain(TOKEN);

    await Promise.all([page.waitForURL(`${assistant.origin}/editor/sign-in`), page.getByRole('button', { name: 'Se déconnecter' }).click()]);
    expect((await page.goto(`${assistant.origin}/editor/status`))?.status()).toBe(401);
    await context.close();
  });
});
