import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/compose.ts';
import { parseConfig } from '../../src/config.ts';

function build(env: Record<string, string> = {}) {
  const parsed = parseConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'demo-')), WATCH_CONTENT: 'false', LOG_LEVEL: 'silent', ...env });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const result = compose(parsed.config);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.composed;
}

describe('GET /demo/outbox', () => {
  const composed = build();
  afterAll(() => composed.close());

  it('shows the demo accounts and what a password reset would have sent', async () => {
    const before = await (await composed.app.request('/demo/outbox?tenant=kpt')).text();
    expect(before).toContain('kpt-demo-marie');
    expect(before).not.toContain('atupri-demo-anna');
    const res = await composed.app.request('/api/actions/password-reset', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'demo-outbox-test-1' },
      body: JSON.stringify({ tenant: 'kpt', lang: 'fr', params: { identifier: 'KPT12345678' } }),
    });
    expect(res.status).toBe(200);
    const after = await (await composed.app.request('/demo/outbox?tenant=kpt')).text();
    expect(after).toContain('marie.exemple@example.ch');
    expect(after).toContain('Password reset');
  });
});

describe('GET /demo/outbox with the http backend', () => {
  const composed = build({ ACTIONS_BACKEND: 'http', ACTIONS_BASE_URL: 'http://127.0.0.1:9/' });
  afterAll(() => composed.close());

  it('does not exist', async () => {
    expect((await composed.app.request('/demo/outbox')).status).toBe(404);
  });
});
