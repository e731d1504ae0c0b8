/**
 * Each tenant's assistant says what it offers, built from its own FAQ categories and flows: the chat
 * page's greeting and a greeting in the chat promise nothing the tenant lacks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { offers } from '../../src/chat/flow-types.ts';
import { LANGS, type Lang } from '../../src/content/types.ts';
import { FLOWS } from '../../src/flows/index.ts';
import { buildApp, escapeHtml } from '../helpers/app.ts';

const testApp = buildApp();
afterAll(() => testApp.dispose());
const { app } = testApp;
const t = (lang: Lang, key: string) => testApp.library().t(lang, key);

const TENANTS = ['atupri', 'kpt'] as const;
/** The tasks a greeting may offer: the flows other than the contact form. */
const tasks = (tenant: string, offered: boolean) => [...FLOWS.values()].filter((f) => f.id !== 'contact' && offers(testApp.library().content.tenants.get(tenant)!.tenant, f.id) === offered).map((f) => f.id);

async function chatPageGreeting(tenant: string, lang: Lang): Promise<string> {
  const res = await app.request(`/${tenant}/${lang}/chat`);
  expect(res.status).toBe(200);
  const html = await res.text();
  const intro = /<li class="msg assistant">([\s\S]*?)<\/li>/.exec(html);
  expect(intro, 'the greeting of the chat page').not.toBeNull();
  return intro![1]!;
}

async function chatGreeting(tenant: string, lang: Lang, message: string): Promise<{ kind: string; text: string }> {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant, lang, message }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { reply: { kind: string; text: string } };
  return body.reply;
}

describe('the chat page greets with what the tenant offers', () => {
  for (const tenant of TENANTS) {
    for (const lang of LANGS) {
      it(`${tenant}/${lang}: every task it guides through, none of the other tenant's`, async () => {
        const greeting = await chatPageGreeting(tenant, lang);
        for (const id of tasks(tenant, true)) expect(greeting).toContain(escapeHtml(t(lang, `flows:${id}.offer`)));
        for (const id of tasks(tenant, false)) expect(greeting).not.toContain(escapeHtml(t(lang, `flows:${id}.offer`)));
      });
    }
  }

  it('KPT offers its tax statement, discounts and eBill, and neither registration nor insurance changes', async () => {
    const greeting = await chatPageGreeting('kpt', 'fr');
    expect(greeting).toMatch(/justificatif fiscal/);
    expect(greeting).toMatch(/rabais online et de fidélité/);
    expect(greeting).toMatch(/eBill/);
    expect(greeting).not.toMatch(/inscri|franchise|modification de votre assurance/i);
  });

  it('myAtupri offers registration and insurance changes, and no online discount or tax statement', async () => {
    const greeting = await chatPageGreeting('atupri', 'de');
    expect(greeting).toMatch(/sich zu registrieren/);
    expect(greeting).toMatch(/Ihre Franchise zu ändern/);
    expect(greeting).not.toMatch(/Rabatt|Steuerbescheinigung|Online-Versicherung/);
  });
});

describe('a greeting in the chat says the same', () => {
  it('KPT in German: online insurance, not registration', async () => {
    const reply = await chatGreeting('kpt', 'de', 'Grüezi');
    expect(reply.kind).toBe('smalltalk');
    expect(reply.text).toContain(t('de', 'flows:online-insurance-join.offer'));
    expect(reply.text).not.toContain(t('de', 'flows:registration.offer'));
  });

  it('myAtupri in Italian: deductible and accident cover, not the online insurance', async () => {
    const reply = await chatGreeting('atupri', 'it', 'buongiorno');
    expect(reply.kind).toBe('smalltalk');
    expect(reply.text).toContain(t('it', 'flows:deductible-change.offer'));
    expect(reply.text).toContain(t('it', 'flows:accident-cover.offer'));
    expect(reply.text).not.toContain(t('it', 'flows:online-insurance-join.offer'));
  });
});
