import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameToken } from '../../src/web/editor.ts';
import { buildApp, escapeHtml, ROOT, type TestApp } from '../helpers/app.ts';

const TOKEN = 'correct horse battery staple';
const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

describe('editor pages without EDITOR_TOKEN', () => {
  let app: TestApp;
  beforeAll(() => {
    app = buildApp();
  });
  afterAll(() => app.dispose());

  it.each(['/editor/status', '/editor/insights', '/editor/insights.csv', `/editor/status${q({ token: TOKEN })}`])('answer 404 at %s', async (path) => {
    const res = await app.app.request(path);
    expect(res.status).toBe(404);
  });
});

describe('editor pages with EDITOR_TOKEN', () => {
  let app: TestApp;
  let contentDir: string;
  beforeAll(async () => {
    // A copy of the content, so one test can break a file on disk (no watching: the served content stays).
    contentDir = mkdtempSync(join(tmpdir(), 'editor-content-'));
    cpSync(join(ROOT, 'content'), contentDir, { recursive: true });
    app = buildApp({ EDITOR_TOKEN: TOKEN, CONTENT_DIR: contentDir });
    // A little activity to report on.
    for (const message of ['quel temps fera-t-il demain à Berne ?', 'je veux parler à un conseiller']) {
      await app.app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'kpt', lang: 'fr', message }) });
    }
    await app.app.request('/kpt/fr/faq/login-code-card/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
      body: 'helpful=no&reason=not_related',
    });
  });
  afterAll(() => {
    app.dispose();
    rmSync(contentDir, { recursive: true, force: true });
  });

  it.each([
    ['no token', '/editor/status'],
    ['a wrong token', `/editor/status${q({ token: 'guess' })}`],
    ['a token that is one letter short', `/editor/status${q({ token: TOKEN.slice(0, -1) })}`],
    ['a wrong token on insights', `/editor/insights${q({ token: 'guess' })}`],
    ['a wrong token on the CSV', `/editor/insights.csv${q({ token: 'guess' })}`],
  ])('answer %s with a friendly 401 page', async (_what, path) => {
    const res = await app.app.request(path);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('Open them with the editor link');
    expect(html).not.toContain(TOKEN);
  });

  it('shows the content status: version, load time, tenants, and no problems', async () => {
    const res = await app.app.request(`/editor/status${q({ token: TOKEN })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const library = app.library();
    expect(html).toContain(`Serving content version <strong>${library.content.version}</strong>, loaded ${library.loadedAt}.`);
    expect(html).toContain('Live reload is off');
    expect(html).toMatch(/<strong>kpt<\/strong>: entries fr \d+, de \d+, it \d+/);
    expect(html).toContain('The last change loaded without problems.');
    expect(html).toContain('No problems.');
    expect(html).toContain('kept 90 days');
  });

  it('accepts the token as a Bearer header too', async () => {
    const res = await app.app.request('/editor/status', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it('shows what content:check says of the files on disk, while the loaded content keeps serving', async () => {
    const file = join(contentDir, 'kpt', 'faq', 'login-code-card.de.md');
    const good = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, `${good.trimEnd()}\n\nRufen Sie uns an: 0800815416.\n`);
      const html = await (await app.app.request(`/editor/status${q({ token: TOKEN })}`)).text();
      expect(html).toContain('1 error');
      expect(html).toMatch(/login-code-card\.de\.md:\d+: phone number &quot;0800815416&quot; should be written like/);
      expect((await app.app.request('/kpt/de/faq/login-code-card')).status).toBe(200);
    } finally {
      writeFileSync(file, good);
    }
  });

  it('shows insights for a tenant and period, with the figures of the log', async () => {
    const res = await app.app.request(`/editor/insights${q({ tenant: 'kpt', since: '30d', token: TOKEN })}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Insights: kpt</h1>');
    expect(html).toContain('2 questions logged,\n1 unanswered or clarified, 1 escalated;\n1 feedback votes, 1 not helpful.');
    expect(html).toContain(`<td>1</td><td>fr</td><td>${escapeHtml('quel temps fera-t-il demain à Berne ?')}</td>`);
    expect(html).toMatch(/<code>login-code-card<\/code><br>.+<\/td><td>0<\/td><td>1<\/td><td>1<\/td><td>0<\/td><td>0%<\/td>/);
    expect(html).toContain('<tr><td>(no topic)</td><td>2</td><td>1</td><td>50%</td></tr>');
    expect(html).toContain(`href="/editor/insights.csv?tenant=kpt&amp;since=30d&amp;token=${encodeURIComponent(TOKEN).replace(/%20/g, '+')}"`);
  });

  it('shows the default tenant and 30 days when none are given', async () => {
    const html = await (await app.app.request(`/editor/insights${q({ token: TOKEN })}`)).text();
    expect(html).toContain('<h1>Insights: atupri</h1>');
    expect(html).toContain('<option value="30d" selected>');
  });

  it('refuses an unknown tenant or period with a page that says why', async () => {
    const tenant = await app.app.request(`/editor/insights${q({ tenant: 'acme', token: TOKEN })}`);
    expect(tenant.status).toBe(400);
    expect(await tenant.text()).toContain('There is no tenant &quot;acme&quot;.');
    const since = await app.app.request(`/editor/insights.csv${q({ tenant: 'kpt', since: 'lately', token: TOKEN })}`);
    expect(since.status).toBe(400);
    expect(await since.text()).toContain('is not a period');
  });

  it('exports the same report as CSV', async () => {
    const res = await app.app.request(`/editor/insights.csv${q({ tenant: 'kpt', since: '7d', token: TOKEN })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="insights-kpt-7d.csv"');
    const lines = (await res.text()).split('\r\n');
    expect(lines[0]).toBe('section,tenant,lang,item,title,count,helpful,not_helpful,not_related,did_not_answer,escalated,rate');
    expect(lines).toContain('unanswered,kpt,fr,quel temps fera-t-il demain à Berne ?,,1,,,,,,');
    expect(lines).toContain('escalation,kpt,,(no topic),,2,,,,,1,0.500');
  });
});

describe('sameToken', () => {
  it('accepts the token and nothing else, whatever the length', () => {
    expect(sameToken(TOKEN, TOKEN)).toBe(true);
    expect(sameToken('', TOKEN)).toBe(false);
    expect(sameToken(TOKEN.toUpperCase(), TOKEN)).toBe(false);
    expect(sameToken(`${TOKEN} `, TOKEN)).toBe(false);
    expect(sameToken('x'.repeat(10_000), TOKEN)).toBe(false);
  });
});
