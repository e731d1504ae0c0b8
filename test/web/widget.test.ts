import { gzipSync } from 'node:zlib';
import { sign } from 'hono/jwt';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../helpers/app.ts';

const SECRET = 'widget-test-secret';
const testApp = buildApp({ PORTAL_TOKEN_SECRET: SECRET });
afterAll(() => testApp.dispose());
const { app } = testApp;
const tenant = (id: string) => testApp.library().content.tenants.get(id)!.tenant;
/** A chat message posted from a page of `origin`, naming `tenant`. */
const chatFrom = (origin: string, tenant: string) =>
  app.request('/api/chat', { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ tenant, lang: 'fr', message: 'bonjour' }) });

/** The tenants object the server baked into the loader. */
function bakedTenants(js: string): Record<string, { o: string[]; d: string; c: string; t: Record<string, [string, string]> }> {
  const m = /var TENANTS = (\{.*?\});\n/.exec(js);
  expect(m, 'TENANTS assignment in widget.js').not.toBeNull();
  return JSON.parse(m![1]!);
}

describe('GET /widget.js', () => {
  it('serves the loader as JavaScript, cacheable and revalidated by ETag', async () => {
    const res = await app.request('/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await app.request('/widget.js', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it("bakes in every tenant's allowed origins, default language, colour and labels", async () => {
    const js = await (await app.request('/widget.js')).text();
    expect(js).not.toContain('__TENANTS__');
    const baked = bakedTenants(js);
    expect(Object.keys(baked).sort()).toEqual(['atupri', 'kpt']);
    expect(baked.kpt!.o).toEqual(tenant('kpt').embed.allowedOrigins);
    expect(baked.kpt!.d).toBe(tenant('kpt').defaultLanguage);
    expect(baked.kpt!.c).toBe(tenant('kpt').theme.primary);
    expect(baked.kpt!.t.fr).toEqual([testApp.library().t('fr', 'chat:title', { portal: 'CPTnet' }), 'Fermer']);
  });

  it('stays small: under 4 KB gzipped', async () => {
    const js = await (await app.request('/widget.js')).text();
    expect(gzipSync(js).length).toBeLessThan(4096);
  });

  it('serves the chat frame script as JavaScript', async () => {
    const res = await app.request('/static/chat-frame.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toContain("post('ready')");
  });
});

describe('CORS of the JSON API', () => {
  const search = '/api/search?tenant=kpt&lang=fr&q=carte%20de%20code';

  it.each([
    ['https://www.kpt.ch', 'kpt'],
    ['https://kptnet.kpt.ch', 'kpt'],
    ['https://my.atupri.ch', 'atupri'],
  ])('allows %s, an origin its tenant %s allows', async (origin, tenant) => {
    const res = await app.request(`/api/search?tenant=${tenant}&lang=fr&q=mot%20de%20passe`, { headers: { origin } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('answers a preflight of an allowed origin for a JSON post with a token', async () => {
    const res = await app.request('/api/chat', {
      method: 'OPTIONS',
      headers: { origin: 'https://www.kpt.ch', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.kpt.ch');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('puts the header on chat answers and on API errors alike', async () => {
    const res = await chatFrom('https://www.atupri.ch', 'atupri');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://www.atupri.ch');
    const actions = await app.request('/api/actions', { headers: { origin: 'https://www.atupri.ch' } });
    expect(actions.headers.get('access-control-allow-origin')).toBe('https://www.atupri.ch');
  });

  it.each(['https://evil.example', 'http://www.kpt.ch', 'https://www.kpt.ch.evil.example', 'null'])('gives %s no CORS headers', async (origin) => {
    const res = await app.request(search, { headers: { origin } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('refuses the preflight of an origin outside the allowlist with 403 forbidden_origin', async () => {
    const res = await app.request('/api/chat', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-methods')).toBeNull();
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden_origin');
  });

  it("refuses one insurer's site scripting another insurer's API (403 forbidden_origin, nothing done)", async () => {
    const chat = await chatFrom('https://www.atupri.ch', 'kpt');
    expect(chat.status).toBe(403);
    expect(((await chat.json()) as { error: { code: string } }).error.code).toBe('forbidden_origin');
    const search = await app.request('/api/search?tenant=atupri&lang=de&q=Passwort', { headers: { origin: 'https://kptnet.kpt.ch' } });
    expect(search.status).toBe(403);
    const action = await app.request('/api/actions/password-reset', {
      method: 'POST',
      headers: { origin: 'https://www.kpt.ch', 'content-type': 'application/json', 'idempotency-key': 'cross-tenant-1' },
      body: JSON.stringify({ tenant: 'atupri', lang: 'fr', params: { identifier: 'someone@example.ch' } }),
    });
    expect(action.status).toBe(403);
    // Its own tenant's requests go through as before.
    const own = await app.request('/api/search?tenant=kpt&lang=de&q=Passwort', { headers: { origin: 'https://kptnet.kpt.ch' } });
    expect(own.status).toBe(200);
  });

  it('leaves requests without an Origin (servers, curl, the eval) alone', async () => {
    const res = await app.request(search);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('GET /:tenant/:lang/chat?embed=1 (the iframe)', () => {
  it.each(['kpt', 'atupri'])("lets only %s's allowed origins frame it", async (id) => {
    const res = await app.request(`/${id}/fr/chat?embed=1`);
    expect(res.status).toBe(200);
    const other = id === 'kpt' ? 'atupri' : 'kpt';
    const csp = res.headers.get('content-security-policy')!;
    const ancestors = /frame-ancestors ([^;]+)/.exec(csp)![1]!.split(' ');
    expect(ancestors).toEqual(["'self'", ...tenant(id).embed.allowedOrigins]);
    for (const o of tenant(other).embed.allowedOrigins) expect(ancestors).not.toContain(o);
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it('lets nobody frame the help pages', async () => {
    const res = await app.request('/kpt/fr/');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('hands the frame script a host origin only when the tenant allows it', async () => {
    const allowed = await (await app.request('/kpt/fr/chat?embed=1&host=https%3A%2F%2Fwww.kpt.ch')).text();
    expect(allowed).toContain('<script src="/static/chat-frame.js" data-host-origin="https://www.kpt.ch" defer></script>');
    for (const host of ['https://evil.example', 'https://my.atupri.ch', 'https://www.kpt.ch/path']) {
      const html = await (await app.request(`/kpt/fr/chat?embed=1&host=${encodeURIComponent(host)}`)).text();
      expect(html, host).toContain('<script src="/static/chat-frame.js" data-host-origin="" defer></script>');
    }
  });

  it('trusts its own origin as a host (frame-ancestors allows it too)', async () => {
    const html = await (await app.request('http://help.example/kpt/fr/chat?embed=1&host=http%3A%2F%2Fhelp.example')).text();
    expect(html).toContain('data-host-origin="http://help.example"');
  });

  it("takes an anonymous conversation up again without a token, a signed-in person's only with theirs", async () => {
    const start = (authorization?: string) =>
      app.request('/api/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ tenant: 'kpt', lang: 'fr', message: "Qu'est-ce qu'une carte de code ?" }),
      });
    const resume = async (id: string, token?: string) =>
      (
        await app.request('http://localhost/kpt/fr/chat/resume?embed=1', {
          method: 'POST',
          headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ conversationId: id, ...(token ? { token } : {}) }).toString(),
        })
      ).text();
    const anonymous = ((await (await start()).json()) as { conversationId: string }).conversationId;
    expect(await resume(anonymous)).toContain(`name="conversationId" value="${anonymous}"`);
    const token = await sign({ sub: 'kpt-demo-marie', tenant: 'kpt', exp: Math.floor(Date.now() / 1000) + 600 }, SECRET, 'HS256');
    const other = await sign({ sub: 'kpt-demo-someone', tenant: 'kpt', exp: Math.floor(Date.now() / 1000) + 600 }, SECRET, 'HS256');
    // a signed-in person does not take up the anonymous one
    expect(await resume(anonymous, token)).not.toContain(anonymous);
    const signedIn = ((await (await start(`Bearer ${token}`)).json()) as { conversationId: string }).conversationId;
    for (const html of [await resume(signedIn), await resume(signedIn, other)]) {
      expect(html).not.toContain(signedIn);
      expect(html).not.toContain('class="msg visitor"');
    }
    expect(await resume(signedIn, token)).toContain(`name="conversationId" value="${signedIn}"`);
  });

  it('starts a signed-in turn on an anonymous conversation as a conversation of its own', async () => {
    const send = (body: Record<string, unknown>, authorization?: string) =>
      app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify({ tenant: 'kpt', lang: 'fr', ...body }) });
    const anonymous = ((await (await send({ message: 'je veux parler à quelqu’un' })).json()) as { conversationId: string }).conversationId;
    const token = await sign({ sub: 'kpt-demo-marie', tenant: 'kpt', exp: Math.floor(Date.now() / 1000) + 600 }, SECRET, 'HS256');
    const res = await send({ conversationId: anonymous, message: "Qu'est-ce qu'une carte de code ?" }, `Bearer ${token}`);
    expect(res.status).toBe(200);
    const own = ((await res.json()) as { conversationId: string }).conversationId;
    expect(own).not.toBe(anonymous);
    // the original visitor keeps theirs
    const again = await send({ conversationId: anonymous, message: 'merci' });
    expect(((await again.json()) as { conversationId: string }).conversationId).toBe(anonymous);
  });

  it('loads no frame script on the full chat page', async () => {
    const html = await (await app.request('/kpt/fr/chat?host=https%3A%2F%2Fwww.kpt.ch')).text();
    expect(html).not.toContain('chat-frame.js');
  });
});

describe('POST /:tenant/:lang/chat with the widget token', () => {
  const post = (fields: Record<string, string>) =>
    app.request('http://localhost/kpt/fr/chat?embed=1', {
      method: 'POST',
      headers: { origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded', 'hx-request': 'true' },
      body: new URLSearchParams({ message: "Qu'est-ce qu'une carte de code ?", ...fields }).toString(),
    });
  const token = (claims: Record<string, unknown>) => sign({ sub: 'kpt-demo-marie', tenant: 'kpt', exp: Math.floor(Date.now() / 1000) + 600, ...claims }, SECRET, 'HS256');

  it('answers a visitor with a valid token', async () => {
    const res = await post({ token: await token({}) });
    expect(res.status).toBe(200);
    expect(res.headers.get('hx-trigger')).toBeNull();
    expect(await res.text()).toContain('data-kind="answer"');
  });

  it.each([
    ['expired', () => token({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['for the other tenant', () => token({ tenant: 'atupri' })],
    ['malformed', async () => 'not.a.jwt'],
  ])('answers anonymously with an %s token and tells the frame to have it renewed', async (_what, make) => {
    const res = await post({ token: await make() });
    expect(res.status).toBe(200);
    expect(res.headers.get('hx-trigger')).toBe('help-assistant-token-invalid');
    expect(await res.text()).toContain('data-kind="answer"');
  });
});
