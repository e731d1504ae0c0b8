/**
 * The conformance kit: exercises an account-action backend with every action (valid, invalid and
 * unknown-account parameters, repeated and reused idempotency keys, the bearer token, the timeout) and
 * judges each answer by the backend contract the assistant enforces (`../actions/backend-contract.ts`).
 * A backend that passes is one the assistant will understand.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { accountView, backendError, backendRefusal, backendSuccess, DEFAULT_BACKEND_TIMEOUT_MS, REFUSAL_CODES } from '../actions/backend-contract.ts';
import { DEMO_ACCOUNTS, DEMO_CONFORMANCE } from '../actions/demo-accounts.ts';
import { ACTIONS, type ActionName } from '../actions/types.ts';
import { amountsFor } from '../rules/deductible.ts';

/** A test account of the backend under test, and the account changes to try on it. */
export const kitAccount = z.object({
  tenant: z.string().min(1),
  subject: z.string().min(1),
  email: z.email(),
  mobile: z.string().min(1),
  customerNumber: z.string().min(1),
  changes: z.array(z.enum(['deductible-change', 'accident-cover', 'online-insurance'])).default([]),
});
export type KitAccount = z.output<typeof kitAccount>;

/** The demo accounts, which the reference backend and the demo backend know. */
export const DEMO_KIT_ACCOUNTS: KitAccount[] = DEMO_CONFORMANCE.map(({ tenant, sub, changes }) => {
  const a = DEMO_ACCOUNTS.find((d) => d.tenant === tenant && d.sub === sub)!;
  return { tenant, subject: sub, email: a.email, mobile: a.mobile, customerNumber: a.customerNumber, changes };
});

export type KitOptions = {
  baseUrl: string;
  /** The bearer token the backend expects; without it the token checks are skipped. */
  token?: string;
  /** Slower answers fail, as they would time out in the assistant. */
  timeoutMs?: number;
  accounts?: KitAccount[];
  fetch?: typeof fetch;
};

export type CheckResult = { check: string; outcome: 'pass' | 'fail' | 'skip'; detail: string };

type Answer = { answered: true; status: number; json: boolean; body: unknown; text: string; ms: number } | { answered: false; status: 0; error: string; ms: number };

class Failed extends Error {}
const fail = (detail: string): never => {
  throw new Failed(detail);
};

export async function runConformance(options: KitOptions): Promise<CheckResult[]> {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_BACKEND_TIMEOUT_MS;
  const accounts = options.accounts ?? DEMO_KIT_ACCOUNTS;
  const results: CheckResult[] = [];
  const durations: { what: string; ms: number }[] = [];
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let n = 0;
  const newKey = () => `conformance-${run}-${++n}`;

  async function send(method: 'GET' | 'POST', path: string, init: { body?: unknown; raw?: string; key?: string; token?: string | null; contentType?: string } = {}): Promise<Answer> {
    const token = init.token === undefined ? options.token : init.token;
    const started = performance.now();
    try {
      const res = await doFetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(method === 'POST' ? { 'content-type': init.contentType ?? 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(init.key ? { 'idempotency-key': init.key } : {}),
        },
        ...(method === 'POST' ? { body: init.raw ?? JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      const ms = Math.round(performance.now() - started);
      durations.push({ what: `${method} ${path}`, ms });
      const json = /^application\/(?:[\w.+-]+\+)?json\b/i.test(res.headers.get('content-type') ?? '');
      let body: unknown;
      try {
        body = json ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { answered: true, status: res.status, json, body, text, ms };
    } catch (err) {
      const ms = Math.round(performance.now() - started);
      const name = (err as Error).name;
      return { answered: false, status: 0, error: name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${timeoutMs} ms` : `no answer (${(err as Error).message})`, ms };
    }
  }

  const describe = (a: Answer) => (!a.answered ? a.error : `${a.status} ${a.json ? 'application/json' : 'not JSON'}: ${a.text.replace(/\s+/g, ' ').slice(0, 80)}`);

  /** The answer must be `status` with JSON that `schema` accepts. */
  function expectJson<S extends z.ZodType>(a: Answer, status: number, schema: S, what: string): z.output<S> {
    if (!a.answered) return fail(a.error);
    if (a.status !== status) return fail(`expected ${status} ${what}, got ${describe(a)}`);
    if (!a.json) return fail(`expected application/json, got ${describe(a)}`);
    const parsed = schema.safeParse(a.body);
    if (!parsed.success) return fail(`${status} does not match ${what}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ')}`);
    return parsed.data;
  }
  const success = <A extends ActionName>(a: Answer, action: A) => expectJson(a, 200, backendSuccess[action], `the ${action} reply`) as { reference: string; details?: Record<string, unknown> };
  const refusal = (a: Answer, codes?: readonly string[]) => {
    const r = expectJson(a, 422, backendRefusal, 'a refusal');
    if (codes && !codes.includes(r.code)) fail(`refusal code ${r.code}, expected ${codes.join(' or ')}`);
    return r;
  };
  const errorAnswer = (a: Answer, status: number) => expectJson(a, status, backendError, 'an error');

  async function check(name: string, body: () => Promise<string | void>) {
    try {
      const detail = await body();
      results.push({ check: name, outcome: 'pass', detail: detail ?? '' });
    } catch (err) {
      if (err instanceof Failed) results.push({ check: name, outcome: 'fail', detail: err.message });
      else results.push({ check: name, outcome: 'fail', detail: `the kit could not run this check: ${(err as Error).message}` });
    }
  }
  const skip = (name: string, detail: string) => results.push({ check: name, outcome: 'skip', detail });

  const act = (action: ActionName, tenant: string, subject: string | null, params: Record<string, unknown>, key = newKey()) =>
    send('POST', `/actions/${action}`, { body: { tenant, subject, lang: 'fr', params: ACTIONS[action].params.parse(params) }, key });
  const rawAct = (action: string, body: unknown, key = newKey()) => send('POST', `/actions/${action}`, { body, key });

  // Protocol.
  if (options.token) {
    const anyRequest = { tenant: accounts[0]!.tenant, subject: null, lang: 'fr', params: { identifier: accounts[0]!.email } };
    await check('token · missing token refused with 401', async () => void errorAnswer(await send('POST', '/actions/password-reset', { body: anyRequest, key: newKey(), token: null }), 401));
    await check('token · wrong token refused with 401', async () => void errorAnswer(await send('GET', `/accounts/${encodeURIComponent(accounts[0]!.tenant)}/${encodeURIComponent(accounts[0]!.subject)}`, { token: `${options.token}-wrong` }), 401));
  } else {
    skip('token · refused when missing or wrong', 'no --token given');
  }
  await check('unknown action · 404 with a JSON error', async () => void errorAnswer(await rawAct('no-such-action', { tenant: accounts[0]!.tenant, subject: null, lang: 'fr', params: {} }), 404));
  await check('body that is not JSON · 400 with a JSON error', async () => void errorAnswer(await send('POST', '/actions/password-reset', { raw: '{"tenant":', key: newKey() }), 400));

  for (const acc of accounts) {
    const t = acc.tenant;
    const nobody = { email: `nobody.${run}@example.invalid`, mobile: '0790000000', customerNumber: '700000000' };
    const publicParams: Record<Exclude<ActionName, 'deductible-change' | 'accident-cover' | 'online-insurance-join' | 'online-insurance-leave'>, (p: { email: string; mobile: string; customerNumber: string }) => Record<string, unknown>> = {
      'password-reset': (p) => ({ identifier: p.email }),
      'resend-code': (p) => ({ identifier: p.customerNumber, channel: 'sms' }),
      'order-code-card': (p) => ({ identifier: p.customerNumber }),
      'start-registration': (p) => ({ insuredNumber: /^[0-9.\s]{5,20}$/.test(p.customerNumber) ? p.customerNumber : '756000000', email: p.email, mobile: p.mobile }),
      'resend-activation': (p) => ({ email: p.email }),
      'contact-request': (p) => ({ name: 'Conformance Kit', email: p.email, topic: 'Test', message: 'A test message from the conformance kit.' }),
    };
    for (const [action, params] of Object.entries(publicParams) as [keyof typeof publicParams, (typeof publicParams)[keyof typeof publicParams]][]) {
      await check(`${action} · ${t} · known account`, async () => `reference ${success(await act(action, t, null, params(acc)), action).reference}`);
      await check(`${action} · ${t} · unknown account answers alike`, async () => `reference ${success(await act(action, t, null, params(nobody)), action).reference}`);
      await check(`${action} · ${t} · invalid parameters refused with 400`, async () => void errorAnswer(await rawAct(action, { tenant: t, subject: null, lang: 'fr', params: Object.fromEntries(Object.keys(params(acc)).map((k) => [k, 42])) }), 400));
    }

    const accountPath = `/accounts/${encodeURIComponent(t)}/${encodeURIComponent(acc.subject)}`;
    let view: z.output<typeof accountView> | undefined;
    await check(`account · ${t} · known person`, async () => {
      view = expectJson(await send('GET', accountPath), 200, accountView, 'the account');
      return JSON.stringify(view);
    });
    await check(`account · ${t} · unknown person is 404`, async () => void errorAnswer(await send('GET', `/accounts/${encodeURIComponent(t)}/conformance-nobody-${run}`), 404));

    const unknownSubject = `conformance-nobody-${run}`;
    for (const [action, params] of [
      ['deductible-change', { amount: 2500 }],
      ['accident-cover', { include: true }],
      ['online-insurance-join', {}],
    ] as const) {
      await check(`${action} · ${t} · unknown person refused with unknown_account`, async () => void refusal(await act(action, t, unknownSubject, params), ['unknown_account']));
    }

    if (acc.changes.includes('accident-cover')) {
      await check(`accident-cover · ${t} · change, repeat, change back`, async () => {
        const before = view?.accidentCover ?? fail('the account view has no accidentCover');
        const key = newKey();
        const first = success(await act('accident-cover', t, acc.subject, { include: !before }, key), 'accident-cover');
        if (first.details?.include !== !before) fail(`details.include is ${String(first.details?.include)}, expected ${!before}`);
        const again = success(await act('accident-cover', t, acc.subject, { include: !before }, key), 'accident-cover');
        if (again.reference !== first.reference) fail(`a repeated Idempotency-Key gave another reference (${first.reference}, then ${again.reference})`);
        success(await act('accident-cover', t, acc.subject, { include: before }), 'accident-cover');
        const after = expectJson(await send('GET', accountPath), 200, accountView, 'the account');
        if (after.accidentCover !== before) fail('the account does not show the cover changed back');
        return `reference ${first.reference}, the same on repeat`;
      });
    }
    if (acc.changes.includes('deductible-change')) {
      await check(`deductible-change · ${t} · the same amount is refused`, async () => {
        const current = view?.deductible ?? fail('the account view has no deductible');
        return `code ${refusal(await act('deductible-change', t, acc.subject, { amount: current }), REFUSAL_CODES['deductible-change']).code}`;
      });
      await check(`deductible-change · ${t} · an amount the law does not allow is refused`, async () => {
        const allowed = amountsFor(view?.adult ?? true);
        const wrong = [0, 100, 250, 400, 2500].find((a) => !allowed.includes(a))!;
        return `CHF ${wrong}: code ${refusal(await act('deductible-change', t, acc.subject, { amount: wrong }), REFUSAL_CODES['deductible-change']).code}`;
      });
      await check(`deductible-change · ${t} · an increase`, async () => {
        const current = view?.deductible ?? fail('the account view has no deductible');
        const allowed = amountsFor(view?.adult ?? true);
        const higher = allowed.find((a) => a > current);
        if (higher === undefined) return `CHF ${current} is the highest amount: no increase to try`;
        const r = success(await act('deductible-change', t, acc.subject, { amount: higher }), 'deductible-change');
        if (r.details?.before !== current || r.details?.after !== higher) fail(`details say ${JSON.stringify(r.details)}, expected before ${current}, after ${higher}`);
        // Back where it was if the decrease deadline allows; a refusal for the deadline is an answer too.
        const back = await act('deductible-change', t, acc.subject, { amount: current });
        if (back.status === 422) refusal(back, ['decrease_too_late']);
        else success(back, 'deductible-change');
        return `CHF ${current} → ${higher}, effective ${String(r.details?.effective)}${back.status === 200 ? ', changed back' : ' (back: decrease_too_late)'}`;
      });
    }
    if (acc.changes.includes('online-insurance')) {
      await check(`online-insurance · ${t} · join, join again, leave, leave again`, async () => {
        const joined = view?.onlineInsurance ?? fail('the account view has no onlineInsurance');
        // Start from "not in it" so both directions and both refusals are seen.
        if (joined) success(await act('online-insurance-leave', t, acc.subject, {}), 'online-insurance-leave');
        const join = success(await act('online-insurance-join', t, acc.subject, {}), 'online-insurance-join');
        refusal(await act('online-insurance-join', t, acc.subject, {}), REFUSAL_CODES['online-insurance-join']);
        success(await act('online-insurance-leave', t, acc.subject, {}), 'online-insurance-leave');
        refusal(await act('online-insurance-leave', t, acc.subject, {}), REFUSAL_CODES['online-insurance-leave']);
        if (joined) success(await act('online-insurance-join', t, acc.subject, {}), 'online-insurance-join');
        return `effective ${String(join.details?.effective)}`;
      });
    }
  }

  const first = accounts[0]!;
  await check('idempotency · a repeat answers as the first time', async () => {
    const key = newKey();
    const a = success(await act('password-reset', first.tenant, null, { identifier: first.email }, key), 'password-reset');
    const b = success(await act('password-reset', first.tenant, null, { identifier: first.email }, key), 'password-reset');
    if (a.reference !== b.reference) fail(`another reference on repeat (${a.reference}, then ${b.reference})`);
    return `reference ${a.reference} twice`;
  });
  await check('idempotency · a key reused for other parameters is refused', async () => {
    const key = newKey();
    success(await act('password-reset', first.tenant, null, { identifier: first.email }, key), 'password-reset');
    return `code ${refusal(await act('password-reset', first.tenant, null, { identifier: first.customerNumber }, key), ['idempotency_key_reused']).code}`;
  });
  await check('idempotency · a key reused for another action is refused', async () => {
    const key = newKey();
    success(await act('password-reset', first.tenant, null, { identifier: first.email }, key), 'password-reset');
    return `code ${refusal(await act('resend-code', first.tenant, null, { identifier: first.email, channel: 'email' }, key), ['idempotency_key_reused']).code}`;
  });

  await check(`timing · every answer within ${timeoutMs} ms`, async () => {
    if (!durations.length) fail('no answer at all');
    const slowest = durations.reduce((a, b) => (b.ms > a.ms ? b : a));
    const late = durations.filter((d) => d.ms > timeoutMs);
    if (late.length) fail(`${late.length} answers over ${timeoutMs} ms, the slowest ${slowest.what} in ${slowest.ms} ms`);
    return `${durations.length} answers, slowest ${slowest.ms} ms (${slowest.what})`;
  });
  return results;
}
