/**
 * Performs actions exactly once per idempotency key: validates parameters, checks that account changes
 * come from a signed-in person, records the result, and turns a failing backend into a value.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { StoreUnavailableError, type Store } from '../store/types.ts';
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

type RunRequest = Parameters<ActionService['run']>[0];

export type ActionOutcome =
  | ActionResult
  | { ok: false; reason: 'invalid'; code: 'invalid_params'; issues: string[] }
  | { ok: false; reason: 'unauthorized'; code: 'sign_in_required' }
  | { ok: false; reason: 'key_reused'; code: 'idempotency_key_reused' };

/**
 * Public requests for links and codes (which answer alike whether or not the account exists) take at
 * least this long, so their duration does not tell either: a known account costs an extra write.
 */
export const LOOKUP_FLOOR_MS = 25;
const isLookup = (action: ActionName) => !ACTIONS[action].auth && action !== 'contact-request';

/** Keys are the caller's own: someone reusing another person's key gets no one else's result. */
const scopedKey = (req: { subject: string | null; idempotencyKey: string }) => `${req.subject ?? '-'}:${req.idempotencyKey}`;

/**
 * What a key promises to repeat: the action and its validated parameters, in a stable order. A key seen
 * with another fingerprint is refused, as payment APIs do, rather than answering for something else.
 */
export function fingerprint(action: ActionName, params: unknown): string {
  return createHash('sha256').update(`${action}\u0000${canonicalJson(params)}`).digest('base64url');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const KEY_REUSED = { ok: false, reason: 'key_reused', code: 'idempotency_key_reused' } as const;

export function createActionService(deps: { backend: ActionBackend; store: Store; clock: () => Date; logger: Logger; lookupFloorMs?: number }): ActionService {
  const inFlight = new Map<string, { hash: string; outcome: Promise<ActionOutcome> }>();
  const floorMs = deps.lookupFloorMs ?? LOOKUP_FLOOR_MS;

  /**
   * The conversation whose transcript may go along: one of the same tenant that the caller owns. A
   * signed-in person's conversation is theirs alone (a stranger who learnt its id gets nothing attached);
   * an anonymous one belongs to whoever holds its id, which already opens its history in the chat page.
   */
  function ownedConversation(req: RunRequest, id: string | undefined): string | null {
    if (!id) return null;
    const conversation = deps.store.getConversation(id);
    if (!conversation || conversation.tenant !== req.tenant) return null;
    const owner = conversation.state.subject ?? null;
    return owner === null || owner === req.subject ? conversation.id : null;
  }

  function saveContact(req: RunRequest, p: ContactParams, reference: string) {
    if (deps.store.getContactRequest(reference)) return;
    const conversationId = ownedConversation(req, p.conversationId);
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

  async function perform(req: RunRequest, params: Record<string, unknown>, hash: string): Promise<ActionOutcome> {
    const done = deps.store.findAction(req.tenant, scopedKey(req));
    if (done) {
      // Records from before fingerprints were kept can still be told apart by their action.
      const same = done.paramsHash ? done.paramsHash === hash : done.action === req.action;
      return same ? (done.result as ActionResult) : KEY_REUSED;
    }
    let result: ActionResult;
    try {
      result = await deps.backend.perform({ ...req, params });
    } catch (err) {
      // Our own database failing is not the backend's failure: it surfaces as such (503 storage_unavailable).
      if (err instanceof StoreUnavailableError) throw err;
      deps.logger.error({ err, action: req.action }, 'action backend failed');
      result = { ok: false, reason: 'unavailable', code: 'backend_unavailable' };
    }
    // A contact request answered with a reference is kept before the answer leaves, so a crash cannot lose it.
    if (result.ok && req.action === 'contact-request') saveContact(req, params as ContactParams, result.reference);
    // A failure of the backend is not recorded, so the same key can be tried again later.
    if (result.ok || result.reason === 'rejected') {
      deps.store.recordAction({
        tenant: req.tenant,
        action: req.action,
        idempotencyKey: scopedKey(req),
        subject: req.subject,
        paramsHash: hash,
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
      const spec = ACTIONS[req.action];
      const parsed = spec.params.safeParse(req.params ?? {});
      if (!parsed.success) {
        return Promise.resolve({ ok: false, reason: 'invalid', code: 'invalid_params', issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`) });
      }
      if (spec.auth && !req.subject) return Promise.resolve({ ok: false, reason: 'unauthorized', code: 'sign_in_required' });
      const params = parsed.data as Record<string, unknown>;
      const hash = fingerprint(req.action, params);
      const k = `${req.tenant}\u0000${scopedKey(req)}`;
      const running = inFlight.get(k);
      if (running) return running.hash === hash ? running.outcome : Promise.resolve(KEY_REUSED);
      const started = performance.now();
      const outcome = perform(req, params, hash)
        .then(async (result) => {
          const wait = isLookup(req.action) ? floorMs - (performance.now() - started) : 0;
          if (wait > 0) await sleep(wait);
          return result;
        })
        .finally(() => inFlight.delete(k));
      inFlight.set(k, { hash, outcome });
      return outcome;
    },
  };
}
