/**
 * npm run bench [-- --quick] [-- --only http,load,scale,peers,understanding,tenants,instances] [-- --profile]
 * Benchmarks (not tests): HTTP throughput and latency of the production server per route at 1, 16 and
 * 64 connections, a 64-connection load run with memory sampled over 100k requests, index scale on
 * synthetic corpora, our retrieval against peer libraries, 32 tenants served with live reload, and chat
 * turns/s on SQLite, PostgreSQL and two instances on PostgreSQL (with DATABASE_URL). Prints and writes bench/results.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang } from '../src/content/types.ts';
import { loadLibrary } from '../src/library.ts';
import { mix, routes, run, type RouteName, type RunResult } from './http.ts';
import { comparePeers, type PeerResult } from './peers.ts';
import { measureScale, type ScaleResult } from './scale.ts';
import { startServer } from './server.ts';
import { measureInstances, PG_RATIO_TARGET } from './instances.ts';
import { measureTenants, TENANT_TARGETS, type TenantsResult } from './tenants.ts';
import { measureUnderstanding } from './understanding.ts';
import { loadCases, openConversations } from './workload.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only'))?.split('=')[1]?.split(',') ?? (args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : undefined);
const want = (part: string) => !only || only.includes(part);
const profile = args.includes('--profile');

/** Seconds per route and connection count; the load run; requests over which memory is sampled. */
const ROUTE_SECONDS = quick ? 2 : 5;
const LOAD_SECONDS = quick ? 5 : 30;
const MEMORY_REQUESTS = quick ? 10_000 : 100_000;
const CONNECTIONS = [1, 16, 64];
const SCALE: [Lang, number][] = quick ? [['fr', 1000], ['fr', 10000]] : [['fr', 1000], ['fr', 10000], ['fr', 50000], ['de', 1000], ['de', 10000], ['de', 50000]];

/** The performance targets the product is held to. */
const TARGETS = { chatRatio: 0.5, searchRatio: 0.7, p99Ms: 20, build10kMs: 1000, query10kP99Ms: 2, trainMs: 500, understandP99Ms: 2 };

const UNLIMITED = { RATE_LIMIT_PER_MINUTE: '1000000000', RATE_LIMIT_CONVERSATION_PER_MINUTE: '1000000000', RATE_LIMIT_ACCOUNT_PER_HOUR: '1000000000' };

const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '–');
const log = (s: string) => console.log(s);

type MemorySample = { seconds: number; rssMb: number };
type LoadResult = { load: RunResult; memory: RunResult; samples: MemorySample[]; requests: number };

async function httpBench(cases: ReturnType<typeof loadCases>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-data-'));
  const server = await startServer(
    ROOT,
    { DATA_DIR: dataDir, DATABASE_URL: '', CONTENT_DIR: join(ROOT, 'content'), LOCALES_DIR: join(ROOT, 'locales'), ...UNLIMITED },
    profile ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench/profiles')}`] : [],
  );
  const http: RunResult[] = [];
  let load: LoadResult | undefined;
  try {
    const conversations = await openConversations(server.base, cases, 128);
    const make = routes(cases, conversations);
    const names = Object.keys(make) as RouteName[];
    if (want('http')) {
      log('HTTP: warming up');
      for (const name of names) await run(server.base, name, make[name], { connections: 16, duration: quick ? 1 : 2 });
      for (const connections of CONNECTIONS) {
        for (const name of names) {
          const r = await run(server.base, name, make[name], { connections, duration: ROUTE_SECONDS });
          http.push(r);
          log(`  ${name.padEnd(17)} c=${String(connections).padStart(2)}  ${f(r.rps, 0).padStart(6)} req/s  p50 ${f(r.p50)} ms  p99 ${f(r.p99)} ms  errors ${r.errors} non-2xx ${r.non2xx}`);
        }
      }
    }
    if (want('load')) {
      // Load: chat and search together at 64 connections; memory sampled from there on over MEMORY_REQUESTS.
      const mixed = mix([
        [make.search, 2],
        [make['chat (new)'], 1],
        [make['chat (follow-up)'], 1],
      ]);
      const samples: MemorySample[] = [];
      const t0 = Date.now();
      const sample = () => samples.push({ seconds: (Date.now() - t0) / 1000, rssMb: server.rssMb() });
      sample();
      const timer = setInterval(sample, 500);
      log(`Load: 64 connections for ${LOAD_SECONDS} s (search 50 %, new chats 25 %, follow-ups 25 %)`);
      const loadRun = await run(server.base, 'search + chat', mixed, { connections: 64, duration: LOAD_SECONDS });
      log(`  ${f(loadRun.rps, 0)} req/s  p50 ${f(loadRun.p50)} ms  p99 ${f(loadRun.p99)} ms  errors ${loadRun.errors} non-2xx ${loadRun.non2xx}`);
      const rest = Math.max(1000, MEMORY_REQUESTS - loadRun.requests);
      log(`Memory: ${rest} more requests (to ${MEMORY_REQUESTS} in all)`);
      const memRun = await run(server.base, 'search + chat', mixed, { connections: 64, amount: rest });
      clearInterval(timer);
      sample();
      load = { load: loadRun, memory: memRun, samples, requests: loadRun.requests + memRun.requests };
    }
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { http, load };
}

function httpTable(http: RunResult[]): string[] {
  const floor = new Map(http.filter((r) => r.route === 'healthz').map((r) => [r.connections, r.rps]));
  return [
    '| route | connections | req/s | p50 ms | p99 ms | × /healthz | errors | non-2xx |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...http.map((r) => `| ${r.route} | ${r.connections} | ${f(r.rps, 0)} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.rps / (floor.get(r.connections) ?? NaN), 2)} | ${r.errors} | ${r.non2xx} |`),
  ];
}

function memoryLines(l: LoadResult): string[] {
  const s = l.samples;
  const T = s.at(-1)!.seconds;
  const at = (share: number) => s.reduce((best, x) => (Math.abs(x.seconds - share * T) < Math.abs(best.seconds - share * T) ? x : best));
  const marks = [0, 0.1, 0.25, 0.5, 0.75, 1].map((share) => ({ share, ...at(share) }));
  const half = at(0.5).rssMb;
  const end = s.at(-1)!.rssMb;
  const growth = (end - half) / half;
  return [
    `RSS of the server over ${l.requests} requests at 64 connections (about ${f(T, 0)} s), sampled every 0.5 s:`,
    '',
    '| requests (≈) | RSS MB |',
    '| ---: | ---: |',
    ...marks.map((m) => `| ${Math.round(m.share * l.requests)} | ${f(m.rssMb, 0)} |`),
    '',
    `Peak ${f(Math.max(...s.map((x) => x.rssMb)), 0)} MB. Second half of the run: ${growth >= 0 ? '+' : ''}${f(growth * 100)} % (${Math.abs(growth) < 0.1 ? 'flat' : 'not flat'}).`,
  ];
}

async function main() {
  const started = Date.now();
  const cases = loadCases(ROOT);
  const load0 = loadavg();
  const out: string[] = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString()}: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${load0.map((x) => x.toFixed(1)).join(' / ')} at the start.`,
    'The server runs as in production (`src/index.ts`, LOG_LEVEL=warn, rate limits raised); autocannon runs in the benchmark process on the same machine, so both share the cores.',
    '',
  ];
  const summary: string[] = [];

  let http: RunResult[] = [];
  let load: LoadResult | undefined;
  if (want('http') || want('load')) ({ http, load } = await httpBench(cases));

  if (http.length) {
    out.push('## HTTP', '', `${ROUTE_SECONDS} s per route and connection count; questions from test/eval/*.jsonl; follow-ups go to 128 open conversations.`, '', ...httpTable(http), '');
    const at64 = (route: string) => http.find((r) => r.route === route && r.connections === 64)!;
    const floor = at64('healthz').rps;
    for (const [route, target] of [['search', TARGETS.searchRatio], ['chat (new)', TARGETS.chatRatio], ['chat (follow-up)', TARGETS.chatRatio]] as const) {
      const r = at64(route);
      const ratio = r.rps / floor;
      summary.push(`| ${route} at 64 connections: ≥ ${target} × /healthz, p99 < ${TARGETS.p99Ms} ms | ${f(ratio, 2)} ×, p99 ${f(r.p99)} ms | ${ratio >= target && r.p99 < TARGETS.p99Ms ? 'met' : 'missed'} |`);
    }
  }
  if (load) {
    const ok = load.load.errors === 0 && load.load.non2xx === 0 && load.memory.errors === 0 && load.memory.non2xx === 0;
    out.push(
      '## Load and memory',
      '',
      `64 connections for ${LOAD_SECONDS} s, search and chat mixed: ${f(load.load.rps, 0)} req/s, p50 ${f(load.load.p50)} ms, p99 ${f(load.load.p99)} ms, ${load.load.requests} requests, ${load.load.errors} errors, ${load.load.non2xx} non-2xx.`,
      `Then ${load.memory.requests} more: ${load.memory.errors} errors, ${load.memory.non2xx} non-2xx.`,
      '',
      ...memoryLines(load),
      '',
    );
    summary.push(`| load: 64 connections, ${LOAD_SECONDS} s, zero errors | ${load.load.errors + load.load.non2xx + load.memory.errors + load.memory.non2xx} errors | ${ok ? 'met' : 'missed'} |`);
  }

  if (want('scale')) {
    const loaded = loadLibrary({ contentDir: join(ROOT, 'content'), localesDir: join(ROOT, 'locales') });
    if (!loaded.ok) throw new Error('bench: the content does not load');
    log('Scale: synthetic corpora');
    const results: ScaleResult[] = [];
    for (const [lang, n] of SCALE) {
      const r = measureScale(loaded.library.content, cases, lang, n);
      results.push(r);
      log(`  ${lang} ${String(n).padStart(6)} entries: build ${f(r.buildMs, 0)} ms, heap +${f(r.heapMb)} MB, query p50 ${f(r.p50, 3)} ms p99 ${f(r.p99, 3)} ms`);
    }
    out.push(
      '## Scale',
      '',
      'One index (one tenant, one language) over synthetic entries: real content words plus about one rare made-up word per entry; a question of 5–9 words, two alternates, an answer of about 45 words. Queries: the case-file questions in that language and 200 random 2–5-word questions from the corpus; 2000 timed (1000 at 10k, 300 at 50k).',
      (globalThis as { gc?: unknown }).gc ? '' : '(Heap figures need `node --expose-gc`, which `npm run bench` passes.)',
      '',
      '| lang | entries | build ms | heap MB | query p50 ms | query p99 ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...results.map((r) => `| ${r.lang} | ${r.entries} | ${f(r.buildMs, 0)} | ${f(r.heapMb)} | ${f(r.p50, 3)} | ${f(r.p99, 3)} |`),
      '',
    );
    for (const r of results.filter((x) => x.entries === 10000)) {
      summary.push(`| ${r.lang} 10k index: built < ${TARGETS.build10kMs} ms, query p99 < ${TARGETS.query10kP99Ms} ms | ${f(r.buildMs, 0)} ms, p99 ${f(r.p99, 2)} ms | ${r.buildMs < TARGETS.build10kMs && r.p99 < TARGETS.query10kP99Ms ? 'met' : 'missed'} |`);
    }
  }

  if (want('understanding')) {
    const loaded = loadLibrary({ contentDir: join(ROOT, 'content'), localesDir: join(ROOT, 'locales') });
    if (!loaded.ok) throw new Error('bench: the content does not load');
    log('Understanding: learning at load, one message');
    const r = measureUnderstanding(loaded.library, cases, quick ? 1 : 3);
    const train = Math.min(...r.trainMs);
    log(`  training (both tenants) ${r.trainMs.map((x) => f(x, 0)).join(' / ')} ms; one message p50 ${f(r.p50, 3)} ms p99 ${f(r.p99, 3)} ms over ${r.messages}`);
    out.push(
      '## Understanding',
      '',
      'Learning the models from the shipped content (both tenants, three languages, fresh: no memo), and deciding one message (the case files\' messages in their tenant, after a warm-up round).',
      '',
      '| training runs ms | best ms | message p50 ms | message p99 ms | messages |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| ${r.trainMs.map((x) => f(x, 0)).join(' / ')} | ${f(train, 0)} | ${f(r.p50, 3)} | ${f(r.p99, 3)} | ${r.messages} |`,
      '',
    );
    summary.push(`| understanding: models learned at load < ${TARGETS.trainMs} ms | ${f(train, 0)} ms | ${train < TARGETS.trainMs ? 'met' : 'missed'} |`);
    summary.push(`| understanding one message p99 < ${TARGETS.understandP99Ms} ms | ${f(r.p99, 2)} ms | ${r.p99 < TARGETS.understandP99Ms ? 'met' : 'missed'} |`);
  }

  if (want('peers')) {
    const loaded = loadLibrary({ contentDir: join(ROOT, 'content'), localesDir: join(ROOT, 'locales') });
    if (!loaded.ok) throw new Error('bench: the content does not load');
    log('Peers: the case files against other search libraries');
    const peers: PeerResult[] = await comparePeers(loaded.library, cases);
    for (const p of peers) log(`  ${p.engine.padEnd(22)} top-1 ${f(p.top1 * 100)} %  p50 ${f(p.p50, 3)} ms  p99 ${f(p.p99, 3)} ms`);
    out.push(
      '## Peers',
      '',
      `The ${peers[0]!.cases} search cases of test/eval/*.jsonl (kinds answer and any, with a language), each library with its default options over the same entries (question, alternates, answer text), one index per tenant and language. Top-1: the first hit's title and answer match every expected pattern, as in \`npm run eval\`.`,
      '',
      '| engine | top-1 | query p50 ms | query p99 ms | build ms (6 indexes) |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...peers.map((p) => `| ${p.engine} | ${f(p.top1 * 100)} % | ${f(p.p50, 3)} | ${f(p.p99, 3)} | ${f(p.buildMs, 0)} |`),
      '',
    );
    const ours = peers[0]!;
    const best = Math.max(...peers.slice(1).map((p) => p.top1));
    summary.push(`| our retrieval best of peers on top-1 | ${f(ours.top1 * 100)} % vs best peer ${f(best * 100)} % | ${ours.top1 >= best ? 'met' : 'missed'} |`);
  }

  if (want('tenants')) {
    log('Tenants: the shipped ones and 30 copies of kpt, live reload of one edit');
    const r: TenantsResult = await measureTenants(ROOT, 30, 'kpt', profile ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench/profiles')}`] : []);
    log(`  ${r.tenants} tenants: ready in ${f(r.startupMs / 1000)} s (after a restart ${f(r.restartMs / 1000)} s); event loop max ${f(r.idleLagMaxMs)} ms at rest, ${f(r.reloadLagMaxMs)} ms during the reload (client saw ${f(r.clientStallMs)} ms); edit served in ${f(r.servedMs / 1000, 2)} s`);
    out.push(
      '## Many tenants',
      '',
      `The shipped tenants and 30 copies of kpt (${r.tenants} in all), production server with WATCH_CONTENT=true. Start-up: from spawning the process to /readyz answering 200, on a fresh data folder; restart: the same after stopping it, the content unchanged (the workers read back what they learned from \`DATA_DIR/library-cache\`). Stall: the longest event-loop delay in the server (perf_hooks.monitorEventLoopDelay through prom-client, \`nodejs_eventloop_lag_max_seconds\`, reset by a scrape just before the edit) from one edit of one French FAQ file to one second after the edit was served; a client probing /healthz every 20 ms meanwhile. Served: from writing the file to /api/search finding the new word.`,
      '',
      '| tenants | start-up to ready s | restart to ready s | event-loop max at rest ms | event-loop max during reload ms | longest /healthz answer during reload ms | edit served s |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${r.tenants} | ${f(r.startupMs / 1000)} | ${f(r.restartMs / 1000)} | ${f(r.idleLagMaxMs)} | ${f(r.reloadLagMaxMs)} | ${f(r.clientStallMs)} | ${f(r.servedMs / 1000, 2)} |`,
      '',
    );
    summary.push(`| ${r.tenants} tenants: start-up to ready ≤ ${TENANT_TARGETS.startupMs / 1000} s | ${f(r.startupMs / 1000)} s | ${r.startupMs <= TENANT_TARGETS.startupMs ? 'met' : 'missed'} |`);
    summary.push(`| ${r.tenants} tenants: restart to ready ≤ ${TENANT_TARGETS.restartMs / 1000} s | ${f(r.restartMs / 1000)} s | ${r.restartMs <= TENANT_TARGETS.restartMs ? 'met' : 'missed'} |`);
    summary.push(`| ${r.tenants} tenants: longest event-loop stall during a reload ≤ ${TENANT_TARGETS.stallMs} ms | ${f(r.reloadLagMaxMs)} ms | ${r.reloadLagMaxMs <= TENANT_TARGETS.stallMs ? 'met' : 'missed'} |`);
    summary.push(`| ${r.tenants} tenants: an edit served within ${TENANT_TARGETS.servedMs / 1000} s | ${f(r.servedMs / 1000, 2)} s | ${r.servedMs <= TENANT_TARGETS.servedMs ? 'met' : 'missed'} |`);
  }

  if (want('instances')) {
    log('Instances: chat turns/s on SQLite, PostgreSQL, and two instances on PostgreSQL');
    const rows = await measureInstances(ROOT, cases, { databaseUrl: process.env.DATABASE_URL || undefined, connections: [16, 64], seconds: ROUTE_SECONDS, env: UNLIMITED, log });
    out.push(
      '## Several instances',
      '',
      `Chat turns (new conversations and follow-ups, half each) for ${ROUTE_SECONDS} s per row. Two instances: one database, one load generator per instance with half the connections each, follow-ups sent to either instance (no stickiness). PostgreSQL runs on the same machine (DATABASE_URL), each deployment on a fresh database; growth per turn is the database size before and after the row (WAL and free space reuse make it rough).`,
      '',
      '| deployment | connections | turns/s | p50 ms | p99 ms | errors | database growth per turn |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.deployment} | ${r.connections} | ${f(r.rps, 0)} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} | ${r.bytesPerTurn === undefined ? '–' : `${f(r.bytesPerTurn / 1024, 2)} KB`} |`),
      '',
    );
    for (const c of [16, 64]) {
      const sqlite = rows.find((r) => r.deployment === 'SQLite, 1 instance' && r.connections === c);
      const pg1 = rows.find((r) => r.deployment === 'PostgreSQL, 1 instance' && r.connections === c);
      if (sqlite && pg1) summary.push(`| chat on PostgreSQL, 1 instance, ${c} connections: ≥ ${PG_RATIO_TARGET} × SQLite | ${f(pg1.rps / sqlite.rps, 2)} × | ${pg1.rps / sqlite.rps >= PG_RATIO_TARGET ? 'met' : 'missed'} |`);
    }
    const errors = rows.reduce((n, r) => n + r.errors, 0);
    summary.push(`| several instances: zero errors | ${errors} errors | ${errors === 0 ? 'met' : 'missed'} |`);
  }

  if (summary.length) out.push('## Targets', '', '| target | measured | |', '| --- | --- | --- |', ...summary, '');
  out.push(`Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' / ')}. Whole run: ${f((Date.now() - started) / 1000, 0)} s.`, '');
  const text = out.join('\n');
  // Only a full run replaces the results file; a partial one (--only) just prints.
  if (!only) writeFileSync(join(ROOT, 'bench/results.md'), text);
  log('');
  log(text);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
