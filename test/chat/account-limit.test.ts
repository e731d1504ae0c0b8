/**
 * The chat's flows and the API share one per-account limit (RATE_LIMIT_ACCOUNT_PER_HOUR, counted in the
 * database): over it the visitor is told kindly to try later or to contact people, and nothing is sent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, choiceIds, Visitor } from '../helpers/chat.ts';

const testApp = buildChatApp({ env: { RATE_LIMIT_ACCOUNT_PER_HOUR: '2' } });
afterAll(() => testApp.dispose());
const t = (key: string) => testApp.library().t('fr', key, { tenant: 'kpt' });
const smsFor = async (mobile: string) => (await testApp.store.listOutbox('kpt', 1000)).filter((m) => m.channel === 'sms' && m.recipient === mobile);

/** A new conversation asking for the login code again, for one contract number. */
async function resendCode(contract: string) {
  const v = new Visitor(testApp.app, 'kpt', 'fr');
  await v.say("je n'arrive pas à me connecter au CPTnet");
  await v.press('code');
  await v.press('resend');
  return v.say(contract);
}

const resendByApi = (identifier: string, key: string) =>
  testApp.app.request('/api/actions/resend-code', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ tenant: 'kpt', lang: 'fr', params: { identifier, channel: 'sms' } }),
  });

describe('the per-account limit in the chat', () => {
  it('sends codes up to the limit, then says kindly to try later or call, and sends nothing more', async () => {
    expect((await resendCode('KPT12345678')).reply.flow?.step).toBe('code-sent');
    // Written another way, it is the same account.
    expect((await resendCode('kpt 1234 5678')).reply.flow?.step).toBe('code-sent');
    const refused = await resendCode('KPT12345678');
    expect(refused.reply.flow?.step).toBe('failed');
    expect(refused.reply.text).toContain(t('flows:common.tooMany').slice(0, 40));
    // People are offered: the phone line of the visitor's language.
    expect(choiceIds(refused)).toContain('call');
    expect(await smsFor('0787654321')).toHaveLength(2);
  });

  it('is the same counter as the API: what the API used up, the chat cannot send, and the reverse', async () => {
    // Another account of the demo (an unknown one is limited alike: the limit tells nothing).
    const account = 'KPT99999999';
    expect((await resendByApi(account, 'limit-api-0001')).status).toBe(200);
    expect((await resendCode(account)).reply.flow?.step).toBe('code-sent');
    const overApi = await resendByApi(account, 'limit-api-0002');
    expect(overApi.status).toBe(429);
    expect(Number(overApi.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await resendCode(account)).reply.flow?.step).toBe('failed');
  });
});
