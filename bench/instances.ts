/**
 * Chat turns per second by deployment: one instance on SQLite, one on PostgreSQL, two on PostgreSQL
 * (one database, requests spread over both with no stickiness: follow-ups go to either instance). Needs
 * DATABASE_URL naming a PostgreSQL server where it may create and drop throw-away databases.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { EvalCase } from '../src/evaluation/cases.ts';
import { mix, routes, run, type RunResult } from './http.ts';
import { startServer, type BenchServer } from './server.ts';
import { openConversations } from './workload.ts';

export type Deployment = 'SQLite, 1 instance' | 'PostgreSQL, 1 instance' | 'PostgreSQL, 2 instances';
export type InstancesRow = { deployment: Deployment; connections: number; rps: number; p50: number; p99: number; errors: number; bytesPerTurn?: number };

/** PostgreSQL on one instance should keep at least this share of the SQLite figure. */
export const PG_RATIO_TARGET = 0.7;

async function throwAwayDatabase(url: string) {
  const name = `help_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async size() {
      const c = new pg.Client({ connectionString: u.toString() });
      await c.connect();
      const bytes = Number((await c.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b);
      await c.end();
      return bytes;
    },
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Chat turns (new conversations and follow-ups, half each) at each connection count, spread over the servers. */
async function measure(deployment: Deployment, servers: BenchServer[], cases: EvalCase[], connections: number[], seconds: number, size?: () => Promise<number>): Promise<InstancesRow[]> {
  const bases = servers.map((s) => s.base);
  // Conversations opened on one instance, continued on whichever the next turn reaches.
  const conversations = await openConversations(bases[0]!, cases, 128);
  const make = routes(cases, conversations);
  const turns = mix([
    [make['chat (new)'], 1],
    [make['chat (follow-up)'], 1],
  ]);
  await Promise.all(bases.map((b) => run(b, 'warm-up', turns, { connections: 8, duration: 1 })));
  const rows: InstancesRow[] = [];
  for (const c of connections) {
    const before = size ? await size() : 0;
    // One load generator per instance, the connections shared out: what a round-robin balancer does.
    const parts: RunResult[] = await Promise.all(bases.map((b) => run(b, deployment, turns, { connections: Math.max(1, Math.round(c / bases.length)), duration: seconds })));
    const requests = parts.reduce((n, p) => n + p.requests, 0);
    const after = size ? await size() : 0;
    rows.push({
      deployment,
      connections: c,
      rps: parts.reduce((n, p) => n + p.rps, 0),
      p50: Math.max(...parts.map((p) => p.p50)),
      p99: Math.max(...parts.map((p) => p.p99)),
      errors: parts.reduce((n, p) => n + p.errors + p.non2xx, 0),
      ...(size && requests ? { bytesPerTurn: (after - before) / requests } : {}),
    });
  }
  return rows;
}

export async function measureInstances(root: string, cases: EvalCase[], options: { databaseUrl: string | undefined; connections: number[]; seconds: number; env: Record<string, string>; log: (s: string) => void }): Promise<InstancesRow[]> {
  const base = { CONTENT_DIR: join(root, 'content'), LOCALES_DIR: join(root, 'locales'), ...options.env };
  const rows: InstancesRow[] = [];
  const report = (r: InstancesRow[]) => {
    for (const x of r) options.log(`  ${x.deployment.padEnd(24)} c=${String(x.connections).padStart(2)}  ${x.rps.toFixed(0).padStart(5)} turns/s  p50 ${x.p50.toFixed(1)} ms  p99 ${x.p99.toFixed(1)} ms  errors ${x.errors}`);
    rows.push(...r);
  };

  const dataDir = mkdtempSync(join(tmpdir(), 'bench-instances-'));
  const sqlite = await startServer(root, { ...base, DATA_DIR: dataDir, DATABASE_URL: '' });
  try {
    report(await measure('SQLite, 1 instance', [sqlite], cases, options.connections, options.seconds));
  } finally {
    await sqlite.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  if (!options.databaseUrl) {
    options.log('  PostgreSQL rows skipped: set DATABASE_URL to a server where the bench may create databases');
    return rows;
  }
  for (const count of [1, 2] as const) {
    const db = await throwAwayDatabase(options.databaseUrl);
    const servers: BenchServer[] = [];
    try {
      for (let i = 0; i < count; i++) servers.push(await startServer(root, { ...base, DATABASE_URL: db.url }));
      report(await measure(count === 1 ? 'PostgreSQL, 1 instance' : 'PostgreSQL, 2 instances', servers, cases, options.connections, options.seconds, db.size));
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await db.drop();
    }
  }
  return rows;
}
