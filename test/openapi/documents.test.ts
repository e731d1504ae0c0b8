/**
 * The two OpenAPI documents: valid OpenAPI 3.1, served and shipped as generated from the zod schemas, in
 * agreement with the public contract (../shared/contract.md) and with the schemas that validate requests,
 * and readable on a reference page under the usual CSP.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIONS, type ActionName } from '../../src/actions/types.ts';
import { buildBackendDocument } from '../../src/openapi/backend.ts';
import { buildPublicDocument } from '../../src/openapi/public.ts';
import { serialize } from '../../scripts/openapi.ts';
import { buildApp, ROOT } from '../helpers/app.ts';
import { checkAnswer } from '../helpers/openapi.ts';

type Doc = {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>; parameters?: Record<string, unknown>[] }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

const publicDoc = buildPublicDocument() as unknown as Doc;
const backendDoc = buildBackendDocument() as unknown as Doc;
const t = buildApp();
afterAll(() => t.dispose());

describe('the documents', () => {
  it.each([
    ['/openapi.json', publicDoc],
    ['/openapi/backend.json', backendDoc],
  ])('%s is served and is valid OpenAPI 3.1', async (path, doc) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const served = await res.json();
    expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
    const validator = new Validator();
    const result = await validator.validate(served as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it.each([
    ['public.json', publicDoc],
    ['backend.json', backendDoc],
  ])('openapi/%s in the repository is the generated document (run `npm run openapi` after a schema change)', (file, doc) => {
    expect(readFileSync(join(ROOT, 'openapi', file), 'utf8')).toBe(serialize(doc));
  });

  it('documents every action with its own parameters, and the backend contract every action too', () => {
    for (const name of Object.keys(ACTIONS)) {
      expect(publicDoc.paths[`/api/actions/${name}`]?.post, name).toBeDefined();
      expect(backendDoc.paths[`/actions/${name}`]?.post, name).toBeDefined();
    }
    expect(backendDoc.paths['/accounts/{tenant}/{subject}']?.get).toBeDefined();
  });
});

describe('the public document and the zod schemas that validate requests agree', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const requestSchema = (name: ActionName) => {
    const ref = publicDoc.paths[`/api/actions/${name}`]!.post!.requestBody!.content['application/json']!.schema.$ref!;
    return publicDoc.components.schemas[ref.split('/').pop()!]!;
  };
  const samples: { [A in ActionName]: { good: unknown[]; bad: unknown[] } } = {
    'password-reset': { good: [{ identifier: 'anna.muster@example.ch' }], bad: [{}, { identifier: 'ab' }, { identifier: 'x'.repeat(121) }, { identifier: 'abc', extra: 1 }] },
    'resend-code': { good: [{ identifier: '756123456' }, { identifier: '756123456', channel: 'email' }], bad: [{ identifier: '756123456', channel: 'fax' }] },
    'order-code-card': { good: [{ identifier: 'KPT12345678' }], bad: [{ identifier: 12345678 }] },
    'start-registration': {
      good: [{ insuredNumber: '756.123.456', email: 'anna.muster@example.ch', mobile: '079 123 45 67' }],
      bad: [{ insuredNumber: 'abc', email: 'anna.muster@example.ch', mobile: '0791234567' }, { insuredNumber: '756123456', email: 'not-an-address', mobile: '0791234567' }],
    },
    'resend-activation': { good: [{ email: 'luca.muster@example.ch' }], bad: [{ email: 'luca' }] },
    'deductible-change': { good: [{ amount: 500 }], bad: [{ amount: 2501 }, { amount: 1.5 }, { amount: '500' }] },
    'accident-cover': { good: [{ include: false }], bad: [{ include: 'no' }] },
    'online-insurance-join': { good: [{}], bad: [{ when: 'now' }] },
    'online-insurance-leave': { good: [{}], bad: [{ why: 1 }] },
    'contact-request': {
      good: [{ name: 'Anna Muster', email: 'anna.muster@example.ch', topic: 'Login', message: 'Bonjour, je ne peux pas me connecter.' }],
      bad: [{ name: 'A', email: 'anna.muster@example.ch', topic: 'Login', message: 'Bonjour' }, { name: 'Anna', email: 'anna.muster@example.ch', topic: 'Login', message: 'Hi' }],
    },
  };

  it.each(Object.keys(ACTIONS) as ActionName[])('%s: what zod accepts the document accepts, and what zod refuses it refuses', (name) => {
    const validate = ajv.compile(requestSchema(name));
    for (const params of samples[name].good) {
      expect(ACTIONS[name].params.safeParse(params).success, JSON.stringify(params)).toBe(true);
      expect(validate({ tenant: 'atupri', lang: 'fr', params }), `${JSON.stringify(params)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    for (const params of samples[name].bad) {
      expect(ACTIONS[name].params.safeParse(params).success, JSON.stringify(params)).toBe(false);
      expect(validate({ tenant: 'atupri', params }), JSON.stringify(params)).toBe(false);
    }
  });
});

describe('the contract checker of the test apps', () => {
  const answer = (status: number, body: unknown, type = 'application/json') =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': type } });

  it('accepts a documented answer', async () => {
    expect(await checkAnswer('GET', '/api/search', answer(200, { tenant: 'kpt', lang: 'fr', query: 'carte', results: [] }))).toEqual([]);
    expect(await checkAnswer('POST', '/api/chat', answer(415, { error: { code: 'unsupported_media_type', message: 'JSON only' } }))).toEqual([]);
  });

  it.each([
    ['a missing field', 'GET', '/api/search', answer(200, { tenant: 'kpt', lang: 'fr', query: 'carte' })],
    ['an extra field', 'GET', '/api/search', answer(200, { tenant: 'kpt', lang: 'fr', query: 'carte', results: [], debug: true })],
    ['a language outside fr/de/it', 'GET', '/api/search', answer(200, { tenant: 'kpt', lang: 'en', query: 'carte', results: [] })],
    ['an undocumented status', 'POST', '/api/chat', answer(418, { error: { code: 'teapot', message: '' } })],
    ['an error code the status does not list', 'POST', '/api/chat', answer(404, { error: { code: 'unknown_action', message: '' } })],
    ['HTML where JSON is documented', 'POST', '/api/actions/password-reset', answer(200, '<p>ok</p>', 'text/html')],
    ['a reply kind outside the contract', 'POST', '/api/chat', answer(200, { conversationId: 'c', lang: 'fr', reply: { kind: 'joke', text: '', sources: [], choices: [], flow: null } })],
    ['a success on a path the API does not have', 'GET', '/api/nothing', answer(200, {})],
  ])('refuses %s', async (_what, method, path, res) => {
    expect((await checkAnswer(method, path, res)).length).toBeGreaterThan(0);
  });
});

const CONTRACT = join(ROOT, '..', 'shared', 'contract.md');
const hasContract = existsSync(CONTRACT);
if (!hasContract) console.warn(`Contract agreement tests skipped: ${CONTRACT} is missing.`);

describe.skipIf(!hasContract)('the public document and ../shared/contract.md agree', () => {
  const contract = hasContract ? readFileSync(CONTRACT, 'utf8') : '';
  const text = JSON.stringify(publicDoc);
  const propertyNames = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'properties' && child && typeof child === 'object') Object.keys(child).forEach((p) => propertyNames.add(p));
        if (k === 'parameters' && Array.isArray(child)) child.forEach((p: { name?: string }) => p.name && propertyNames.add(p.name));
        walk(child);
      }
    }
  };
  walk(publicDoc);

  it("has the contract's routes", () => {
    const routes = [...contract.matchAll(/`(GET|POST) (\/[a-z/]+)/g)].map((m) => [m[1]!.toLowerCase(), m[2]!] as const);
    expect(routes.map(([, p]) => p)).toEqual(expect.arrayContaining(['/api/search', '/api/chat', '/healthz', '/readyz']));
    for (const [method, path] of routes) expect(publicDoc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });

  it("has every field of the contract's examples", () => {
    const fields = new Set<string>();
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(collect);
      if (v && typeof v === 'object') for (const [k, child] of Object.entries(v)) (fields.add(k), collect(child));
    };
    for (const [, block] of contract.matchAll(/```json\n([\s\S]*?)```/g)) collect(JSON.parse(block!));
    for (const [, name] of contract.matchAll(/`"([a-zA-Z]+)":/g)) fields.add(name!);
    expect(fields.size).toBeGreaterThan(10);
    for (const f of fields) expect(propertyNames.has(f), `field ${f}`).toBe(true);
    // Query parameters of the search example.
    for (const q of ['tenant', 'lang', 'q', 'limit']) expect(propertyNames.has(q), q).toBe(true);
  });

  it("has every error code of the contract, and the chat's statuses", () => {
    const codes = [...contract.matchAll(/code\s+`([a-z_]+)`/g)].map((m) => m[1]!);
    expect(codes).toEqual(expect.arrayContaining(['unknown_tenant', 'unsupported_language', 'invalid_token', 'unsupported_media_type']));
    for (const code of codes) expect(text, code).toContain(`"${code}"`);
    const chatErrors = contract.match(/Errors: (.*)/)![1]!;
    for (const [, status] of chatErrors.matchAll(/`(\d{3})`/g)) expect(publicDoc.paths['/api/chat']!.post!.responses[status!], `chat ${status}`).toBeDefined();
    expect(publicDoc.paths['/api/search']!.get!.responses['400']).toBeDefined();
    expect(publicDoc.paths['/readyz']!.get!.responses['503']).toBeDefined();
  });

  it("has the contract's reply kinds and the search limit", () => {
    const kinds = [...contract.matchAll(/^- `([a-z]+)`:/gm)].map((m) => m[1]);
    expect(kinds).toEqual(['answer', 'flow', 'clarify', 'escalate', 'smalltalk']);
    const reply = (publicDoc.components.schemas.ChatResponse as { properties: { reply: { properties: { kind: { enum: string[] } } } } }).properties.reply;
    expect(reply.properties.kind.enum).toEqual(kinds);
    const [, min, max, def] = contract.match(/`limit` (\d+)\.\.(\d+), default (\d+)/)!;
    const limit = (publicDoc.paths['/api/search']!.get!.parameters as { name: string; schema: Record<string, number> }[]).find((p) => p.name === 'limit')!.schema;
    expect([limit.minimum, limit.maximum, limit.default]).toEqual([Number(min), Number(max), Number(def)]);
  });
});

describe('the reference pages', () => {
  it.each([
    ['/openapi', publicDoc],
    ['/openapi/backend', backendDoc],
  ])('%s shows every operation, with no script and nothing from elsewhere', async (path, doc) => {
    const res = await t.app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await res.text();
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    expect(html).not.toMatch(/(?:src|href)="https?:/);
    for (const p of Object.keys(doc.paths)) expect(html).toContain(p);
    expect(html).toContain('<h1>');
  });

  it('shows the parameters of an action with their rules', async () => {
    const html = await (await t.app.request('/openapi')).text();
    const section = html.slice(html.indexOf('id="deductibleChange"'), html.indexOf('id="accidentCover"'));
    expect(section).toContain('params.amount');
    expect(section).toContain('0–2500');
    expect(section).toContain('Idempotency-Key');
    expect(section).toContain('idempotency_key_reused');
    expect(section).toContain('backend_unavailable');
  });
});
