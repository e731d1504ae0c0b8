/**
 * For the browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser), the real
 * server on 127.0.0.1 with a content copy whose tenants allow the test's host pages, host pages served from
 * other origins (http://localhost:<port>), an axe-core scan and screenshots under test-results/.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { buildApp, ROOT, type TestApp } from './app.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
// On CI a missing browser is a failure, not a quiet skip.
if (!hasChromium && process.env.CI === 'true') throw new Error(`Browser tests need ${CHROMIUM} on CI (CI=true). Install it with: apt-get install -y chromium`);
if (!hasChromium) console.warn(`Browser tests skipped: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);

export const RESULTS = join(ROOT, 'test-results');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

export type Assistant = { origin: string; app: TestApp; contentDir: string; close(): Promise<void> };

/**
 * The real application, served on 127.0.0.1 (port 0), reading a copy of the shipped content in which every
 * tenant also allows `extraOrigins` to embed it. The shipped content is never touched.
 */
export async function startAssistant(extraOrigins: string[], env: Record<string, string> = {}): Promise<Assistant> {
  const contentDir = mkdtempSync(join(tmpdir(), 'widget-content-'));
  cpSync(join(ROOT, 'content'), contentDir, { recursive: true });
  for (const tenant of readdirSync(contentDir)) {
    const file = join(contentDir, tenant, 'tenant.yaml');
    if (!existsSync(file)) continue;
    const yaml = readFileSync(file, 'utf8');
    const edited = yaml.replace(/^(\s+)allowedOrigins:\n/m, (line, indent: string) => line + extraOrigins.map((o) => `${indent}  - ${o}\n`).join(''));
    if (edited === yaml) throw new Error(`browser helper: no embed.allowedOrigins list in ${file}`);
    writeFileSync(file, edited);
  }
  const app = buildApp({ CONTENT_DIR: contentDir, ...env });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server));
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    app,
    contentDir,
    async close() {
      await close(server);
      app.dispose();
      rmSync(contentDir, { recursive: true, force: true });
    },
  };
}

export type HostSite = { origin: string; close(): Promise<void> };

/**
 * A host site of another origin (http://localhost:<port>, while the assistant is on 127.0.0.1): `page`
 * returns the HTML of a path, or undefined for a 404. Pages carry no CSP, like many real host sites.
 */
export async function startHostSite(page: (path: string) => string | undefined): Promise<HostSite> {
  const server = createServer((req, res) => {
    const html = page(new URL(req.url ?? '/', 'http://localhost').pathname);
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, close: () => close(server) };
}

/** A plain, accessible host page around some markup (the widget's script tag). */
export function hostPage(body: string, head = ''): string {
  return `<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Portail de test</title>
  <link rel="icon" href="data:,">
  <!-- Rough host styles: the launcher in its shadow root must not care. -->
  <style>body { font: 18px Georgia, serif; margin: 2rem; } button { background: #c00 !important; font-size: 30px; } iframe { border: 5px dashed #c00; }</style>
  ${head}
</head>
<body>
  <header><a href="/">Accueil du portail</a></header>
  <main>
    <h1>Mon compte</h1>
    <p>Une page du portail de l'assureur, d'une autre origine que l'assistant.</p>
  </main>
  ${body}
</body>
</html>`;
}

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] };

/**
 * Runs axe-core in a page or frame (injected from node_modules; the page's context needs bypassCSP when
 * the page forbids inline script) and returns the serious and critical violations.
 */
export async function seriousViolations(target: Page | Frame, options: Record<string, unknown> = {}): Promise<AxeViolation[]> {
  await target.addScriptTag({ path: AXE_PATH });
  const violations = await target.evaluate(async (opts) => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'], ...opts });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, options);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Writes a full-viewport screenshot to test-results/<name>.png (an artefact for people, not compared). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
