/**
 * npm run lighthouse [-- --runs 3 --url http://127.0.0.1:3000 --tenant atupri --lang fr --desktop --baseline --save /tmp/lh]
 * Lighthouse (mobile unless --desktop) on the help page, an FAQ page and the chat page; prints the four
 * scores of each run and, per page, the best and the median. Without --url it starts the server itself
 * (a temporary DATA_DIR, the shipped content) and stops it at the end. Chromium: CHROME_PATH, else
 * /usr/bin/chromium. Exit 1 when accessibility, best practices or SEO fall below 100 in a run, or when
 * no run of a page reaches 100 in performance (CPU-time metrics swing on a busy machine: several runs).
 * --save writes each run's report and trace, and prints the long tasks that counted as blocking time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { cliArgs } from './cli.ts';

const USAGE = `npm run lighthouse [-- options]
  --url <origin>      a running server (default: start one on a free port with a temporary DATA_DIR)
  --runs <n>          runs per page (default 3)
  --tenant <id>       the tenant whose pages are measured (default atupri)
  --lang <fr|de|it>   their language (default fr)
  --faq <entry id>    the FAQ page (default the first entry of the help page)
  --desktop           desktop settings instead of mobile
  --baseline          also measure a blank page, to see what the machine's load alone costs
  --save <dir>        write each run's report (<page>-<run>.report.json) and trace (.trace.json, for the
                      DevTools performance panel) there, and print the long tasks of each run`;

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
type Scores = Record<(typeof CATEGORIES)[number], number>;

const { args, option } = cliArgs(USAGE);
const runs = Math.max(1, Number(option('runs') ?? 3) || 3);
const tenant = option('tenant') ?? 'atupri';
const lang = option('lang') ?? 'fr';
const desktop = args.includes('--desktop');
const saveDir = option('save');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

async function startServer(): Promise<{ origin: string; child: ChildProcess; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'lighthouse-data-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WATCH_CONTENT: 'false', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`lighthouse: the server stopped at start (exit ${child.exitCode})`);
    const ok = await fetch(`${origin}/readyz`).then((r) => r.ok, () => false);
    if (ok) return { origin, child, dataDir };
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill('SIGTERM');
  throw new Error('lighthouse: the server did not become ready within 120 s');
}

/** The first FAQ page the help page links to, so the measured entry follows the content. */
async function firstFaq(origin: string): Promise<string> {
  const html = await (await fetch(`${origin}/${tenant}/${lang}/`)).text();
  const m = new RegExp(`href="(/${tenant}/${lang}/faq/[a-z0-9-]+)"`).exec(html);
  if (!m) throw new Error(`lighthouse: no FAQ link on /${tenant}/${lang}/`);
  return m[1]!;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
};

/** A page with nothing on it but what the audits ask for, on a free port. */
async function serveBlankPage(): Promise<{ url: string; close: () => Promise<void> }> {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Blank page</title><meta name="description" content="A blank page, to measure the machine"><link rel="icon" href="data:,"></head>' +
    '<body><h1>Blank page</h1><p>Nothing to load.</p></body></html>';
  const server = createHttpServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    else if (req.url === '/robots.txt') res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function main() {
  const own = option('url') ? undefined : await startServer();
  const origin = (option('url') ?? own!.origin).replace(/\/$/, '');
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-background-networking'],
  });
  // Stopped half-way (Ctrl+C): leave neither the browser nor the server running.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      chrome.kill();
      own?.child.kill('SIGTERM');
      process.exit(130);
    });
  }
  let failed = false;
  // --baseline: a blank page served here, measured alongside, shows what this machine's load alone costs.
  const blank = args.includes('--baseline') ? await serveBlankPage() : undefined;
  try {
    const faq = option('faq') ? `/${tenant}/${lang}/faq/${option('faq')}` : await firstFaq(origin);
    const pages = [
      { name: 'help page', url: `${origin}/${tenant}/${lang}/`, judged: true },
      { name: 'FAQ page', url: origin + faq, judged: true },
      { name: 'chat page', url: `${origin}/${tenant}/${lang}/chat`, judged: true },
      ...(blank ? [{ name: 'blank page', url: blank.url, judged: false }] : []),
    ];
    console.log(`Lighthouse ${desktop ? 'desktop' : 'mobile'}, ${runs} run${runs === 1 ? '' : 's'} per page, ${origin}`);
    const config = desktop ? (await import('lighthouse/core/config/desktop-config.js')).default : undefined;
    const all = new Map(pages.map((p) => [p, [] as (Scores & { tbt: number })[]]));
    // Page after page within each round, so a busy spell of the machine does not fall on one page only.
    for (let i = 0; i < runs; i++) {
      for (const page of pages) {
        const result = await lighthouse(page.url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: [...CATEGORIES] }, config);
        if (!result) throw new Error('lighthouse: no result');
        const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((result.lhr.categories[c]?.score ?? 0) * 100)])) as Scores;
        const a = result.lhr.audits;
        all.get(page)!.push({ ...scores, tbt: Math.round(a['total-blocking-time']?.numericValue ?? 0) });
        const metric = (id: string) => a[id]?.displayValue ?? '-';
        if (saveDir) {
          mkdirSync(saveDir, { recursive: true });
          const base = join(saveDir, `${page.name.replace(/\W+/g, '-')}-${i + 1}`);
          writeFileSync(`${base}.report.json`, JSON.stringify(result.lhr));
          writeFileSync(`${base}.trace.json`, JSON.stringify(result.artifacts.Trace));
        }
        console.log(
          `${page.name.padEnd(10)} run ${i + 1}: performance ${scores.performance}, accessibility ${scores.accessibility}, best practices ${scores['best-practices']}, SEO ${scores.seo}` +
            `  (FCP ${metric('first-contentful-paint')}, LCP ${metric('largest-contentful-paint')}, TBT ${metric('total-blocking-time')}, CLS ${metric('cumulative-layout-shift')})`,
        );
        if (saveDir) {
          // Lighthouse's simulated tasks (4× the CPU time seen): only those after first contentful paint count.
          const fcp = Math.round(a['first-contentful-paint']?.numericValue ?? 0);
          const items = (a['long-tasks']?.details as { items?: { url: string; startTime: number; duration: number }[] } | undefined)?.items ?? [];
          const tasks = [...items].sort((x, y) => x.startTime - y.startTime).map((t) => `${t.url.replace(origin, '')} at ${Math.round(t.startTime)} ms: ${Math.round(t.duration)} ms`);
          console.log(`    long tasks (FCP ${fcp} ms): ${tasks.join('; ') || 'none'}`);
        }
        // What cost points other than performance, so it can be fixed rather than guessed at.
        for (const c of CATEGORIES.filter((c) => c !== 'performance' && scores[c] < 100)) {
          for (const ref of result.lhr.categories[c]!.auditRefs) {
            const audit = a[ref.id];
            if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) console.log(`    ${c}: ${audit.id}: ${audit.title}`);
          }
        }
      }
    }
    console.log('');
    for (const page of pages) {
      const list = all.get(page)!;
      const perf = list.map((s) => s.performance);
      const best = Math.max(...perf);
      const lowest = (c: (typeof CATEGORIES)[number]) => Math.min(...list.map((s) => s[c]));
      console.log(
        `${page.name.padEnd(10)} ${page.url.replace(origin, '')}  performance best ${best}, median ${median(perf)} (TBT median ${median(list.map((s) => s.tbt))} ms); ` +
          `accessibility ${lowest('accessibility')}, best practices ${lowest('best-practices')}, SEO ${lowest('seo')} (lowest)`,
      );
      if (page.judged && (best < 100 || lowest('accessibility') < 100 || lowest('best-practices') < 100 || lowest('seo') < 100)) failed = true;
    }
  } finally {
    await blank?.close();
    chrome.kill();
    if (own) {
      const exited = new Promise((r) => own.child.once('exit', r));
      own.child.kill('SIGTERM');
      await exited;
      rmSync(own.dataDir, { recursive: true, force: true });
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
