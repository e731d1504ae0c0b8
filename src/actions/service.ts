/**
 * Performs actions exactly once per idempotency key: validates parameters, checks that account changes
 * come from a signed-in person, records the result, and turns a failing backend into a value.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Store } from '../store/types.ts';
import { ACTIONS, type ActionBackend, type ActionName, type ActionParams, type ActionResult } from './types.ts';

type ContactParams = ActionParams<'contact-request'>;

export type ActionService = {
  run(req: {
    tenant: string;
    action: ActionName;
    params: unknown;
    subject: string | null;
    lang: 'fr' | 'de' | 'it';
    idempotencyKey: string;
  }): Promise<ActionOutcome>;
  backend: ActionBackend;
};

export type ActionOutcome =
  | ActionResult
  | { ok: false; reason: 'invalid'; code: 'invalid_params'; issues: string[] }
  | { ok: false; reason: 'unauthorized'; code: 'sign_in_required' };

/**
 * Public requests for links and codes (which answer alike whether or not the account exists) take at
 * least this long, so their duration does not tell either: a known account costs an extra write.
 */
export const LOOKUP_FLOOR_MS = 25;
const isLookup = (action: ActionName) => !ACTIONS[action].auth && action !== 'contact-request';

/** Keys are the caller's own: someone reusing another person's key gets no one else's result. */
const scopedKey = (req: { subject: string | null; idempotencyKey: string }) => `${req.subject ?? '-'}:${req.idempotencyKey}`;

export function createActionService(deps: { backend: ActionBackend; store: Store; clock: () => Date; logger: Logger; lookupFloorMs?: number }): ActionService {
  const inFlight = new Map<string, Promise<ActionOutcome>>();
  const floorMs = deps.lookupFloorMs ?? LOOKUP_FLOOR_MS;

  function saveContact(req: Parameters<ActionService['run']>[0], p: ContactParams, reference: string) {
    if (deps.store.getContactRequest(reference)) return;
    // The transcript goes along only for a conversation of the same tenant.
    const conversation = p.conversationId ? deps.store.getConversation(p.conversationId) : undefined;
    const conversationId = conversation && conversation.tenant === req.tenant ? conversation.id : null;
    deps.store.saveContactRequest({
      reference,
      tenant: req.tenant,
      lang: req.lang,
      conversationId,
      name: p.name,
      email: p.email,
      customerNumber: p.customerNumber ?? null,
      topic: p.topic,
      message: p.message,
      transcript: conversationId ? deps.store.transcript(conversationId) : [],
      createdAt: deps.clock().toISOString(),
    });
  }

  async function perform(req: Parameters<ActionService['run']>[0]): Promise<ActionOutcome> {
    const spec = ACTIONS[req.action];
    const parsed = spec.params.safeParse(req.params ?? {});
    if (!parsed.success) {
      return { ok: false, reason: 'invalid', code: 'invalid_params', issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`) };
    }
    if (spec.auth && !req.subject) return { ok: false, reason: 'unauthorized', code: 'sign_in_required' };
    const done = deps.store.findAction(req.tenant, scopedKey(req));
    if (done) return done.result as ActionResult;
    let result: ActionResult;
    try {
      result = await deps.backend.perform({ ...req, params: parsed.data as Record<string, unknown> });
    } catch (err) {
      deps.logger.error({ err, action: req.action }, 'action backend failed');
      result = { ok: false, reason: 'unavailable', code: 'backend_unavailable' };
    }
    // A contact request answered with a reference is kept before the answer leaves, so a crash cannot lose it.
    if (result.ok && req.action === 'contact-request') saveContact(req, parsed.data as ContactParams, result.reference);
    // A failure of the backend is not recorded, so the same key can be tried again later.
    if (result.ok || result.reason === 'rejected') {
      deps.store.recordAction({
        tenant: req.tenant,
        action: req.action,
        idempotencyKey: scopedKey(req),
        subject: req.subject,
        result,
        createdAt: deps.clock().toISOString(),
      });
    }
    return result;
  }

  return {
    backend: deps.backend,
    // Two identical requests at the same moment (a double click) share one execution.
    run(req) {
      const k = `${req.tenant}\u0000${scopedKey(req)}`;
      const running = inFlight.get(k);
      if (running) return running;
      const started = performance.now();
      const p = perform(req)
        .then(async (outcome) => {
          const wait = isLookup(req.action) ? floorMs - (performance.now() - started) : 0;
          if (wait > 0) await sleep(wait);
          return outcome;
        })
        .finally(() => inFlight.delete(k));
      inFlight.set(k, p);
      return p;
    },
  };
}
