/**
 * One execution per idempotency key across instances: two action services (as two instances have) on
 * one database. The in-process sharing of a double click is not what is tested here: each service is
 * its own instance, so only the claim in the database keeps them from running the action twice.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createActionService, fingerprint, type ActionService } from '../../src/actions/service.ts';
import type { ActionBackend, ActionRequest, ActionResult } from '../../src/actions/types.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Store } from '../../src/store/types.ts';

const logger = pino({ level: 'silent' });
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** A backend that counts its calls and answers when told to (or after `ms`). */
function slowBackend(ms: number) {
  const calls: ActionRequest[] = [];
  let fail = false;
  const backend: ActionBackend = {
    account: async () => undefined,
    async perform(req): Promise<ActionResult> {
      calls.push(req);
      await new Promise((r) => setTimeout(r, ms));
      if (fail) return { ok: false, reason: 'unavailable', code: 'backend_unavailable' };
      return { ok: true, reference: `R-${calls.length}` };
    },
  };
  return { backend, calls, failNext: (v: boolean) => void (fail = v) };
}

const request = (key: string, email = 'anna@example.ch') => ({
  tenant: 'atupri',
  action: 'password-reset' as const,
  params: { identifier: email },
  subject: null,
  lang: 'fr' as const,
  idempotencyKey: key,
});

function instances(backend: ActionBackend, claims = {}, clock = () => new Date()): [ActionService, ActionService, Store] {
  const store = openSqliteStore(':memory:');
  stores.push(store);
  const make = () => createActionService({ backend, store, clock, logger, lookupFloorMs: 0, claims });
  return [make(), make(), store];
}

describe('idempotency keys across instances', () => {
  it('runs once when requests with one key reach two instances at the same moment; all get its answer', async () => {
    const slow = slowBackend(80);
    const [a, b] = instances(slow.backend);
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).run(request('same-key-1'))));
    expect(slow.calls).toHaveLength(1);
    expect(new Set(outcomes.map((o) => (o.ok ? o.reference : o.code)))).toEqual(new Set(['R-1']));
  });

  it('answers 409 in progress to a request that waited its bound while the other instance still runs', async () => {
    const slow = slowBackend(400);
    const [a, b] = instances(slow.backend, { waitMs: 100, pollMs: 20 });
    const first = a.run(request('slow-key-1'));
    await new Promise((r) => setTimeout(r, 20));
    expect(await b.run(request('slow-key-1'))).toEqual({ ok: false, reason: 'in_progress', code: 'idempotency_key_in_progress' });
    expect((await first).ok).toBe(true);
    // Done now: the same request gets the recorded answer, with no second call.
    expect(await b.run(request('slow-key-1'))).toEqual({ ok: true, reference: 'R-1' });
    expect(slow.calls).toHaveLength(1);
  });

  it('refuses the key for other parameters while it runs, as after', async () => {
    const slow = slowBackend(100);
    const [a, b] = instances(slow.backend);
    const first = a.run(request('mixed-key-1'));
    await new Promise((r) => setTimeout(r, 10));
    expect(await b.run(request('mixed-key-1', 'other@example.ch'))).toMatchObject({ reason: 'key_reused' });
    await first;
    expect(slow.calls).toHaveLength(1);
  });

  it('frees the key when the backend could not be reached, so it can be tried again', async () => {
    const slow = slowBackend(1);
    const [a, b] = instances(slow.backend);
    slow.failNext(true);
    expect(await a.run(request('retry-key-1'))).toMatchObject({ reason: 'unavailable' });
    slow.failNext(false);
    expect(await b.run(request('retry-key-1'))).toEqual({ ok: true, reference: 'R-2' });
  });

  it('takes over the claim of an instance that died mid-action once its lease is over', async () => {
    const slow = slowBackend(1);
    let now = Date.parse('2026-11-21T09:00:00.000Z');
    const [, b, store] = instances(slow.backend, { leaseMs: 60_000, waitMs: 50, pollMs: 10 }, () => new Date(now));
    // What a killed instance leaves: a claim and no result.
    await store.claimAction({ tenant: 'atupri', idempotencyKey: '-:dead-key-1', action: 'password-reset', subject: null, paramsHash: fingerprint('password-reset', { identifier: 'anna@example.ch' }), at: new Date(now).toISOString(), staleBefore: new Date(now - 60_000).toISOString() });
    // Within the lease it might still be running: the request waits its bound, then hears so.
    expect(await b.run(request('dead-key-1'))).toMatchObject({ reason: 'in_progress' });
    expect(slow.calls).toHaveLength(0);
    now += 61_000;
    expect(await b.run(request('dead-key-1'))).toEqual({ ok: true, reference: 'R-1' });
  });
});
