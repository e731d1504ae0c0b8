/**
 * Many tenants: the shipped ones plus 30 copies of one (32 in all), served by the production server with
 * live reload. Measures start-up to ready, the longest event-loop stall while a one-file edit reloads, and
 * how soon the edit is served. The stall is read in the server itself from perf_hooks.monitorEventLoopDelay
 * (prom-client's nodejs_eventloop_lag_max_seconds on /metrics, reset at each scrape); a client probing
 * /healthz every 20 ms gives the stall as a visitor sees it.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.ts';

export const TENANT_TARGETS = { startupMs: 10_000, restartMs: 5_000, stallMs: 50, servedMs: 2_000 };

export type TenantsResult = {
  tenants: number;
  startupMs: number;
  /** The same again after stopping it: unchanged content, what the workers learned read back from DATA_DIR. */
  restartMs: number;
  idleLagMaxMs: number;
  reloadLagMaxMs: number;
  clientStallMs: number;
  servedMs: number;
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

/** content/ with `copies` more tenants, each a copy of `source` under a new id. */
function manyTenants(root: string, source: string, copies: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tenants-'));
  cpSync(join(root, 'content'), dir, { recursive: true });
  for (let i = 1; i <= copies; i++) {
    const id = `${source}-c${String(i).padStart(2, '0')}`;
    cpSync(join(root, 'content', source), join(dir, id), { recursive: true });
    for (const file of filesUnder(join(dir, id))) {
      const text = readFileSync(file, 'utf8');
      const next = text.replace(new RegExp(`^id: ${source}$`, 'm'), `id: ${id}`).replaceAll(`/${source}/`, `/${id}/`);
      if (next !== text) writeFileSync(file, next);
    }
  }
  return dir;
}

const lagMaxMs = async (base: string) => {
  const body = await (await fetch(`${base}/metrics`)).text();
  const m = /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(body);
  return m ? Number(m[1]) * 1000 : NaN;
};

/** @param nodeArgs given to the server's node (`--cpu-prof` with `npm run bench -- --profile`) */
export async function measureTenants(root: string, copies = 30, source = 'kpt', nodeArgs: string[] = []): Promise<TenantsResult> {
  const contentDir = manyTenants(root, source, copies);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-tenants-data-'));
  const env = { DATA_DIR: dataDir, CONTENT_DIR: contentDir, LOCALES_DIR: join(root, 'locales'), WATCH_CONTENT: 'true' };
  const ready = async () => {
    const t0 = performance.now();
    const server = await startServer(root, env, nodeArgs, 300_000);
    while ((await fetch(`${server.base}/readyz`)).status !== 200) await new Promise((r) => setTimeout(r, 50));
    return { server, ms: performance.now() - t0 };
  };
  const first = await ready();
  let server = first.server;
  const startupMs = first.ms;
  try {

    // The event loop at rest, as a baseline: two seconds between two scrapes.
    await lagMaxMs(server.base);
    await new Promise((r) => setTimeout(r, 2000));
    const idleLagMaxMs = await lagMaxMs(server.base);

    // One edit in one tenant's FAQ, in French: a word no entry has, searched until it is found.
    const tenant = `${source}-c07`;
    const faq = join(contentDir, tenant, 'faq');
    const file = join(faq, readdirSync(faq).find((f) => f.endsWith('.fr.md'))!);
    const word = `zebracorne${Date.now() % 100000}`;
    await lagMaxMs(server.base);
    let clientStallMs = 0;
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const s = performance.now();
        await fetch(`${server.base}/healthz`);
        clientStallMs = Math.max(clientStallMs, performance.now() - s);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const edited = performance.now();
    writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n\nMot de test : ${word}.\n`);
    let servedMs = NaN;
    const deadline = edited + 120_000;
    while (performance.now() < deadline) {
      const res = await fetch(`${server.base}/api/search?tenant=${tenant}&lang=fr&q=${word}`);
      const body = (await res.json()) as { results?: unknown[] };
      if (body.results?.length) {
        servedMs = performance.now() - edited;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    // Let a reload still running after the search saw the edit finish inside the window.
    await new Promise((r) => setTimeout(r, 1000));
    probing = false;
    await probe;
    const reloadLagMaxMs = await lagMaxMs(server.base);
    // A restart with the content as it now is: every part was built once already.
    await server.stop();
    const again = await ready();
    server = again.server;
    const restartMs = again.ms;
    return { restartMs, tenants: copies + readdirSync(join(root, 'content')).filter((d) => statSync(join(root, 'content', d)).isDirectory() && readdirSync(join(root, 'content', d)).includes('tenant.yaml')).length, startupMs, idleLagMaxMs, reloadLagMaxMs, clientStallMs, servedMs };
  } finally {
    await server.stop();
    rmSync(contentDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
