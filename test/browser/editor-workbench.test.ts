/**
 * The editors' workbench in a real browser, as an editor uses it without a terminal: find the week's
 * biggest content gap on the insights page, try one of its questions, read which file and line to change,
 * change it (live reload picks it up), see the assistant answer, and see the answered share move in the
 * chart's numbers; all of it in the editor's language, under the pages' CSP, axe-clean, with screenshots.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, RESULTS, screenshot, seriousViolations, startAssistant, type Assistant } from '../helpers/browser.ts';

const TOKEN = 'editor token for the workbench, long enough';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const GAP = "où sont passés mes décomptes de l'année passée";
const DAY = 86_400_000;

describe.skipIf(!hasChromium)("the editors' workbench in the browser", { timeout: 120_000 }, () => {
  let browser: Browser;
  let assistant: Assistant;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    assistant = await startAssistant(['http://localhost:9'], { EDITOR_TOKEN: TOKEN, WATCH_CONTENT: 'true' });
    browser = await launchBrowser();
    // Last week's traffic: the gap asked five times, a refusal, a few answers.
    const store = assistant.app.store;
    const at = (ago: number) => new Date(Date.now() - ago).toISOString();
    const pending: Promise<unknown>[] = [];
    const log = (question: string, outcome: 'answer' | 'unanswered' | 'out_of_scope' | 'clarify', ago: number) =>
      pending.push(store.logQuestion({ tenant: 'kpt', lang: 'fr', question, outcome, entryId: null, topic: null, source: 'chat', at: at(ago) }));
    for (const [i, wording] of [GAP, GAP, "Où sont passés mes décomptes de l'année passée ?", "ou sont passes mes decomptes de l'annee passee", "OÙ SONT PASSÉS MES DÉCOMPTES DE L'ANNÉE PASSÉE"].entries()) log(wording, 'unanswered', 3 * DAY + i * 60_000);
    log('réduction', 'clarify', 3 * DAY);
    log('raconte moi une blague', 'out_of_scope', 2 * DAY);
    log("Qu'est-ce qu'une carte de code ?", 'answer', 3 * DAY);
    log('attestation fiscale', 'answer', 2 * DAY);
    await store.addSuggestion({ tenant: 'kpt', lang: 'fr', entryId: 'login-code-card', phrasing: 'la carte avec les codes a disparu', at: at(DAY) });
    await Promise.all(pending);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await assistant?.close();
  });

  /** A signed-in editor; `bypassCSP` only where axe is injected (the pages forbid inline script). */
  async function editor(viewport = DESKTOP, bypassCSP = true, locale = 'fr-CH'): Promise<Page> {
    const context = await browser.newContext({ viewport, bypassCSP, locale, ...(viewport === PHONE ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${assistant.origin}/editor/sign-in?next=${encodeURIComponent('/editor/insights?tenant=kpt&since=7d')}`);
    await page.locator('#editor-token').fill(TOKEN);
    await Promise.all([page.waitForURL(/\/editor\/insights\?/), page.locator('main button[type=submit]').click()]);
    return page;
  }

  it('shows the insights under the CSP without a refused resource, in the editor language', async () => {
    const page = await editor(DESKTOP, false, 'de-CH');
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused/.test(m.text())) refused.push(m.text());
    });
    await page.reload();
    expect(await page.locator('h1').textContent()).toBe('Auswertungen: kpt');
    expect(await page.locator('svg.chart').count()).toBe(3);
    expect(refused).toEqual([]);
    // The switch: Italian, remembered for the next page.
    await Promise.all([page.waitForURL(/ui=it/), page.getByRole('link', { name: 'Italiano' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Analisi: kpt');
    await Promise.all([page.waitForURL(/\/editor\/try$/), page.getByRole('link', { name: 'Provare una domanda' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Provare una domanda');
  });

  it('leads from the biggest gap to the file and line to change, and shows the change work', async () => {
    const page = await editor();
    // The week's biggest content gap comes first, with its count and a link to try it.
    const first = page.locator('#gaps tbody tr').first();
    expect((await first.locator('td').first().textContent())?.trim()).toBe('5');
    expect(await seriousViolations(page)).toEqual([]);
    await page.locator('#trends details summary').click();
    await page.screenshot({ path: join(RESULTS, 'editor-insights-desktop.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/editor\/try\?/), first.getByRole('link').first().click()]);
    expect(await page.locator('h1').textContent()).toBe('Tester une question');
    expect(await page.locator('#try-q').inputValue()).toBe(GAP);
    await expect.poll(() => page.locator('.preview').getAttribute('data-kind')).not.toBe('answer');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(RESULTS, 'editor-try-desktop.png'), fullPage: true });

    // The editor picks the entry that should answer, and copies the proposed line where the page says.
    const row = page.locator('table.candidates tbody tr', { has: page.locator('code', { hasText: 'faq:documents-find' }) });
    const where = (await row.locator('td').last().locator('code').first().textContent())!;
    const [, file, line] = /^(.+):(\d+)$/.exec(where)!;
    const add = (await row.locator('pre.copy').textContent())!;
    expect(add).toBe(`  - ${GAP}`);
    const lines = readFileSync(file!, 'utf8').split('\n');
    lines.splice(Number(line) - 1, 0, add);
    writeFileSync(file!, lines.join('\n'));

    // Live reload retrains the understanding: trying again, the assistant now answers from that entry.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('.preview').getAttribute('data-kind');
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe('answer');
    expect(await page.locator('#decision-h + p').textContent()).toContain("L'assistant répond avec l'entrée");
    expect(resolve(file!)).toBe(join(assistant.contentDir, 'kpt/faq/documents-find.fr.md'));

    // Visitors ask it again today: the answered share of today is in the chart's numbers and above the gap's day.
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${assistant.origin}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'kpt', lang: 'fr', message: GAP }) });
      expect(((await res.json()) as { reply: { kind: string } }).reply.kind).toBe('answer');
    }
    await page.goto(`${assistant.origin}/editor/insights?tenant=kpt&since=7d`);
    const shares = await page.locator('#trends tbody tr').evaluateAll((rows) => rows.map((r) => r.querySelectorAll('td')[2]?.textContent ?? ''));
    expect(shares.at(-1)).toBe('100\u202f%');
    expect(shares.filter((s) => s !== '–').slice(0, -1).map((s) => Number.parseFloat(s.replace(',', '.')))).toEqual([100 / 7, 50].map((x) => Math.round(x * 10) / 10));
    expect(await page.locator('#chart-shares-desc').textContent()).toContain('100\u202f% à la fin');
  });

  it('is usable on a phone, axe-clean', async () => {
    const page = await editor(PHONE);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'editor-insights-phone');
    await page.goto(`${assistant.origin}/editor/try?tenant=kpt&lang=fr&q=${encodeURIComponent('je ne reçois pas le code SMS')}`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'editor-try-phone');
  });
});
