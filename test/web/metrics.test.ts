/**
 * GET /metrics: the Prometheus text format with the families operators need, labels without personal
 * data, and its access rule (a bearer token when METRICS_TOKEN is set; else loopback clients only).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app.ts';
import { buildChatApp, chat, Visitor } from '../helpers/chat.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';

const withToken = buildChatApp({ env: { METRICS_TOKEN: TOKEN } });
const contentDir = mkdtempSync(join(tmpdir(), 'metrics-content-'));
cpSync(join(ROOT, 'content'), contentDir, { recursive: true });
const loopbackOnly = buildChatApp({ env: { CONTENT_DIR: contentDir } });
afterAll(() => {
  withToken.dispose();
  loopbackOnly.dispose();
  rmSync(contentDir, { recursive: true, force: true });
});

const scrape = (app: typeof withToken.app, token?: string) => app.request('/metrics', token ? { headers: { authorization: `Bearer ${token}` } } : {});

/** The value of one sample line ("name{labels} value"), or undefined. */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('GET /metrics with METRICS_TOKEN', () => {
  const { app } = withToken;

  it('refuses a scrape without the token or with another one', async () => {
    const none = await scrape(app);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await scrape(app, 'not-the-token-at-all-0000000000')).status).toBe(401);
  });

  it('counts requests, chat replies, actions, content, store and the event loop, without personal data', async () => {
    expect((await app.request('/api/search?tenant=kpt&lang=fr&q=carte%20de%20code%20anna.muster%40example.ch')).status).toBe(200);
    expect((await app.request('/kpt/fr/faq/nope-not-there')).status).toBe(404);
    const v = new Visitor(app, 'atupri', 'fr');
    await v.say('Comment modifier ma franchise ?');
    const oos = await new Visitor(app, 'kpt', 'fr').say('quel temps fera-t-il demain à Berne ?');
    expect(oos.reply.kind).toBe('clarify');
    const login = new Visitor(app, 'atupri', 'fr');
    await login.say("j'ai oublié mon mot de passe");
    await login.say('anna.muster@example.ch');
    expect((await chat(app, { tenant: 'kpt', lang: 'fr', message: '' })).status).toBe(422);

    const res = await scrape(app, TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();

    // Requests by route pattern and status, with durations.
    expect(sample(body, 'http_requests_total', { method: 'GET', route: '/api/search', status: '200' })).toBe(1);
    expect(sample(body, 'http_requests_total', { method: 'POST', route: '/api/chat', status: '200' })).toBe(4);
    expect(sample(body, 'http_requests_total', { method: 'POST', route: '/api/chat', status: '422' })).toBe(1);
    expect(sample(body, 'http_requests_total', { method: 'GET', route: '/:tenant/:lang/faq/:id', status: '404' })).toBe(1);
    expect(sample(body, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/search', status: '200' })).toBe(1);
    expect(body).toContain('http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/search",status="200"}');
    // Chat replies by tenant, language and kind.
    expect(sample(body, 'chat_replies_total', { tenant: 'kpt', lang: 'fr', kind: 'out_of_scope' })).toBe(1);
    expect(sample(body, 'chat_replies_total', { tenant: 'atupri', lang: 'fr', kind: 'flow' })).toBeGreaterThanOrEqual(2);
    // Actions by name and outcome.
    expect(sample(body, 'actions_total', { action: 'password-reset', outcome: 'ok' })).toBe(1);
    // Content version and reloads.
    expect(sample(body, 'content_info', { version: withToken.library().content.version })).toBe(1);
    expect(sample(body, 'content_reload_failures_total')).toBe(0);
    // Store latency and the event loop.
    expect(sample(body, 'store_operation_duration_seconds_count', { operation: 'saveTurn', result: 'ok' })).toBe(4);
    expect(body).toMatch(/^nodejs_eventloop_lag_p99_seconds \S+$/m);
    expect(body).toMatch(/^process_resident_memory_bytes \S+$/m);
    // Nothing a visitor typed: no query, no address, no path with an id.
    expect(body).not.toMatch(/anna|example\.ch|carte|nope-not-there|franchise/i);
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('answers 403 to a client that is not on this machine', async () => {
    // app.request() has no socket: the client is unknown, so not loopback.
    const res = await scrape(loopbackOnly.app);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/METRICS_TOKEN/);
  });

  it('answers a loopback client over a real socket', async () => {
    const server = serve({ fetch: loopbackOnly.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE http_requests_total counter');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('counts a reload refused for a broken file, and keeps the version serving', async () => {
    const version = loopbackOnly.library().content.version;
    writeFileSync(join(contentDir, 'kpt', 'tenant.yaml'), 'id: kpt\nflows: [oops\n');
    expect((await loopbackOnly.reloadContent()).ok).toBe(false);
    const server = serve({ fetch: loopbackOnly.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(sample(body, 'content_reload_failures_total')).toBe(1);
      expect(sample(body, 'content_info', { version })).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
