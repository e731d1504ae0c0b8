/**
 * A new insurer is a folder: a third tenant added purely as content (test/fixtures/insurer-third) beside
 * the shipped ones passes the editor checks and runs its login-trouble and deductible flows through
 * POST /api/chat with its own settings: its contract number's format, its branches, its amounts.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AccountView, ActionBackend, ActionRequest } from '../../src/actions/types.ts';
import { checkContent } from '../../src/content/check.ts';
import { FLOWS } from '../../src/flows/index.ts';
import { ROOT } from '../helpers/app.ts';
import { buildChatApp, choiceIds, portalToken, Visitor } from '../helpers/chat.ts';
import { FIXTURES } from '../helpers/fixture-copy.ts';

const contentDir = mkdtempSync(join(tmpdir(), 'third-insurer-'));
cpSync(join(ROOT, 'content'), contentDir, { recursive: true });
cpSync(join(FIXTURES, 'insurer-third', 'exempla'), join(contentDir, 'exempla'), { recursive: true });

/** The insurer's backend: one signed-in person with a deductible of CHF 1000; every request noted. */
const requests: ActionRequest[] = [];
const backend: ActionBackend = {
  async perform(request) {
    requests.push(request);
    return { ok: true, reference: `EXR-${requests.length}` };
  },
  async account(tenant, subject): Promise<AccountView | undefined> {
    return tenant === 'exempla' && subject === 'exempla-demo-lea' ? { adult: true, deductible: 1000 } : undefined;
  },
};

const testApp = buildChatApp({ backend, env: { CONTENT_DIR: contentDir } });
afterAll(() => {
  testApp.dispose();
  rmSync(contentDir, { recursive: true, force: true });
});
const { app } = testApp;

describe('a third insurer added as a content folder', () => {
  it('passes content:check beside the shipped insurers', () => {
    const result = checkContent({ contentDir, localesDir: join(ROOT, 'locales') }, FLOWS);
    expect(result.errors.map((p) => `${p.file}:${p.line ?? ''}: ${p.message}`)).toEqual([]);
  });

  it('is served with its own name, and its greeting offers its own tasks only', async () => {
    const res = await app.request('/api/search?tenant=exempla&lang=fr&q=mot%20de%20passe');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { id: string }[] };
    expect(body.results[0]?.id).toBe('login-password');
    const hello = await new Visitor(app, 'exempla', 'fr').say('bonjour');
    expect(hello.reply.kind).toBe('smalltalk');
    expect(hello.reply.text).toContain(testApp.library().t('fr', 'flows:deductible-change.offer'));
    expect(hello.reply.text).not.toContain(testApp.library().t('fr', 'flows:registration.offer'));
  });
});

describe('login trouble with the third insurer', () => {
  it('offers its branches and asks for its contract number in its format', async () => {
    const v = new Visitor(app, 'exempla', 'fr');
    const first = await v.say("je n'arrive pas à me connecter");
    expect(first.reply.flow).toEqual({ id: 'login-trouble', step: 'problem' });
    // No "forgotten number" branch, and the code card: as its tenant.yaml says.
    expect(choiceIds(first)).toEqual(['password', 'code', 'card', 'other', 'cancel']);
    expect(first.reply.text).toContain('myExempla');
    expect(first.reply.text).toContain('(EX suivi de six chiffres, p. ex. EX123456)');

    const ask = await v.press('password');
    expect(ask.reply.flow?.step).toBe('password');
    expect(ask.reply.text).toContain('EX123456');
    // Another insurer's number is not this insurer's.
    const wrong = await v.say('KPT12345678');
    expect(wrong.reply.flow?.step).toBe('password');
    expect(wrong.reply.text).toContain('EX suivi de six chiffres, p. ex. EX123456');
    const before = requests.length;
    const sent = await v.say('ex 123 456');
    expect(sent.reply.flow?.step).toBe('reset-sent');
    expect(requests.slice(before)).toMatchObject([{ tenant: 'exempla', action: 'password-reset', params: { identifier: 'EX123456' } }]);
  });

  it('orders a code card, in German too', async () => {
    const v = new Visitor(app, 'exempla', 'de');
    const first = await v.say('Probleme beim Login');
    expect(first.reply.flow).toEqual({ id: 'login-trouble', step: 'problem' });
    expect(first.reply.text).toContain('(EX und sechs Ziffern, z. B. EX123456)');
    await v.press('card');
    const before = requests.length;
    const done = await v.say('EX654321');
    expect(done.reply.flow?.step).toBe('card-ordered');
    expect(requests.slice(before)).toMatchObject([{ tenant: 'exempla', action: 'order-code-card', params: { identifier: 'EX654321' } }]);
  });
});

describe('deductible change with the third insurer', () => {
  it('tells a visitor who is not signed in the deadlines, with the login', async () => {
    const v = new Visitor(app, 'exempla', 'fr');
    const r = await v.say('je veux changer ma franchise');
    expect(r.reply.flow).toEqual({ id: 'deductible-change', step: 'anonymous' });
    expect(r.reply.text).toContain('30 novembre 2026');
    expect(r.reply.choices.find((c) => c.id === 'open-login')?.url).toBe('https://portal.exempla.example/login');
  });

  it('offers a signed-in person the amounts this insurer sets, and makes the change', async () => {
    const token = await portalToken('exempla-demo-lea', 'exempla');
    const v = new Visitor(app, 'exempla', 'fr', token);
    const choose = await v.say('je veux changer ma franchise');
    expect(choose.reply.flow).toEqual({ id: 'deductible-change', step: 'choose' });
    // Adults: 300, 1000 and 2500 here (not the six amounts of the shipped insurer); 1000 is the current one.
    expect(choiceIds(choose).filter((id) => id.startsWith('amount-'))).toEqual(['amount-300', 'amount-2500']);
    const confirm = await v.press('amount-2500');
    expect(confirm.reply.flow?.step).toBe('confirm');
    expect(confirm.reply.text).toContain('CHF 2500');
    const before = requests.length;
    const done = await v.press('confirm');
    expect(done.reply.flow?.step).toBe('done');
    expect(requests.slice(before)).toMatchObject([{ tenant: 'exempla', action: 'deductible-change', subject: 'exempla-demo-lea', params: { amount: 2500 } }]);
  });
});
