/** NODE_ENV=production: no demo unless asked for, and absolute links from PUBLIC_URL, never from the Host header. */
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { buildApp } from '../helpers/app.ts';

const FORGED = { host: 'attacker.example' };

describe('production settings', () => {
  it('refuse to start without ACTIONS_BACKEND, naming it', () => {
    const parsed = parseConfig({ NODE_ENV: 'production' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join('\n')).toMatch(/^ACTIONS_BACKEND: required with NODE_ENV=production/);
  });

  it('refuse a PUBLIC_URL with a path', () => {
    const parsed = parseConfig({ PUBLIC_URL: 'https://help.example.ch/faq' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join('\n')).toMatch(/^PUBLIC_URL: an origin without a path/);
  });
});

describe('production with the demo backend on purpose and a PUBLIC_URL', () => {
  const t = buildApp({ NODE_ENV: 'production', ACTIONS_BACKEND: 'demo', PUBLIC_URL: 'https://help.example.ch/' });
  afterAll(() => t.dispose());

  it('does not show the demo outbox unless DEMO_PAGES says so', async () => {
    expect((await t.app.request('/demo/outbox?tenant=kpt')).status).toBe(404);
  });

  it('builds canonical, alternate, sitemap and robots addresses on PUBLIC_URL, whatever Host the request names', async () => {
    const html = await (await t.app.request('http://attacker.example/kpt/de/faq/login-code-card', { headers: FORGED })).text();
    expect(html).toContain('<link rel="canonical" href="https://help.example.ch/kpt/de/faq/login-code-card">');
    expect(html).toContain('<link rel="alternate" hreflang="it" href="https://help.example.ch/kpt/it/faq/login-code-card">');
    expect(html).not.toContain('attacker.example');
    const sitemap = await (await t.app.request('http://attacker.example/sitemap.xml', { headers: FORGED })).text();
    expect(sitemap).toContain('<loc>https://help.example.ch/kpt/fr/</loc>');
    expect(sitemap).not.toContain('attacker.example');
    const robots = await (await t.app.request('http://attacker.example/robots.txt', { headers: FORGED })).text();
    expect(robots).toContain('Sitemap: https://help.example.ch/sitemap.xml');
  });
});

describe('production with DEMO_PAGES=true and no PUBLIC_URL', () => {
  const t = buildApp({ NODE_ENV: 'production', ACTIONS_BACKEND: 'demo', DEMO_PAGES: 'true' });
  afterAll(() => t.dispose());

  it('shows the demo outbox it was asked for', async () => {
    expect(await (await t.app.request('/demo/outbox?tenant=kpt')).text()).toContain('kpt-demo-marie');
  });

  it('builds no absolute link rather than trust the Host header: no canonical, no sitemap', async () => {
    const html = await (await t.app.request('http://attacker.example/kpt/fr/', { headers: FORGED })).text();
    expect(html).toContain('<html');
    expect(html).not.toContain('rel="canonical"');
    expect(html).not.toContain('attacker.example');
    expect((await t.app.request('http://attacker.example/sitemap.xml', { headers: FORGED })).status).toBe(404);
    const robots = await (await t.app.request('/robots.txt')).text();
    expect(robots).toContain('Disallow: /editor');
    expect(robots).not.toContain('Sitemap:');
  });
});
