/**
 * Performs actions exactly once per idempotency key, across instances: validates parameters, checks that
 * account changes come from a signed-in person, counts the per-account limit, claims the key in the
 * database before calling the backend, records the result, and turns a failing backend into a value.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { StoreUnavailableError, type Store, type TokenTake } from '../store/types.ts';
import { accountKeys, takeAll, type TakeToken } from './account-limit.ts';
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
    /** The client address, for the per-address limit of contact requests; unset: not limited by address. */
    client?: string | undefined;
  }): Promise<ActionOutcome>;
  backend: ActionBackend;
};

type RunRequest = Parameters<ActionService['run']>[0];

export type ActionOutcome =
  | ActionResult
  | { ok: false; reason: 'invalid'; code: 'invalid_params'; issues: string[] }
  | { ok: false; reason: 'unauthorized'; code: 'sign_in_required' }
  | { ok: false; reason: 'key_reused'; code: 'idempotency_key_reused' }
  | { ok: false; reason: 'in_progress'; code: 'idempotency_key_in_progress' }
  | { ok: false; reason: 'rate_limited'; code: 'rate_limited'; retryAfterSeconds: number };

export type ClaimOptions = {
  /** A claim older than this was left by an instance that died mid-action: the key may be taken over. */
  leaseMs: number;
  /** How long a request with a key another request is running waits for its result before answering 409. */
  waitMs: number;
  /** How often a waiting request looks for the result. */
  pollMs: number;
};

export const DEFAULT_CLAIMS: ClaimOptions = { leaseMs: 60_000, waitMs: 10_000, pollMs: 50 };

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
const IN_PROGRESS = { ok: false, reason: 'in_progress', code: 'idempotency_key_in_progress' } as const;

export type ActionServiceDeps = {
  backend: ActionBackend;
  store: Store;
  clock: () => Date;
  logger: Logger;
  lookupFloorMs?: number;
  /** The per-account limit's bucket (shared by every instance); unset: no limit. */
  takeAccountToken?: TakeToken;
  /** The buckets of contact requests per client address and per conversation; unset: no such limit. */
  takeContactToken?: (key: string, scope: 'address' | 'conversation') => Promise<TokenTake>;
  claims?: Partial<ClaimOptions>;
};

export function createActionService(deps: ActionServiceDeps): ActionService {
  const inFlight = new Map<string, { hash: string; outcome: Promise<ActionOutcome> }>();
  const floorMs = deps.lookupFloorMs ?? LOOKUP_FLOOR_MS;
  const claims: ClaimOptions = { ...DEFAULT_CLAIMS, ...deps.claims };

  /**
   * The conversation whose transcript may go along: one of the same tenant that the caller owns. A
   * signed-in person's conversation is theirs alone (a stranger who learnt its id gets nothing attached);
   * an anonymous one belongs to whoever holds its id, which already opens its history in the chat page.
   */
  async function ownedConversation(req: RunRequest, id: string | undefined): Promise<string | null> {
    if (!id) return null;
    const conversation = await deps.store.getConversation(id);
    if (!conversation || conversation.tenant !== req.tenant) return null;
    const owner = conversation.state.subject ?? null;
    return owner === null || owner === req.subject ? conversation.id : null;
  }

  async function saveContact(req: RunRequest, p: ContactParams, reference: string) {
    if (await deps.store.getContactRequest(reference)) return;
    const conversationId = await ownedConversation(req, p.conversationId);
    await deps.store.saveContactRequest({
      reference,
      tenant: req.tenant,
      lang: req.lang,
      conversationId,
      name: p.name,
      email: p.email,
      customerNumber: p.customerNumber ?? null,
      topic: p.topic,
      message: p.message,
      transcript: conversationId ? await deps.store.transcript(conversationId) : [],
      createdAt: deps.clock().toISOString(),
    });
  }

  /**
   * The key claimed for this request, or the answer without running: the recorded result, a refusal of
   * another request's key, or 409 when another instance is still running it after the wait.
   */
  async function claim(req: RunRequest, hash: string): Promise<{ claimedAt: string } | { answer: ActionOutcome }> {
    const key = scopedKey(req);
    const waitUntil = Date.now() + claims.waitMs;
    for (;;) {
      const now = deps.clock().getTime();
      // The time of the claim, made unique: two claims in the same millisecond (or under a frozen test
      // clock) are still told apart when one is completed or given up.
      const at = `${new Date(now).toISOString()}#${randomBytes(6).toString('base64url')}`;
      const c = await deps.store.claimAction({
        tenant: req.tenant,
        idempotencyKey: key,
        action: req.action,
        subject: req.subject,
        paramsHash: hash,
        at,
        staleBefore: new Date(now - claims.leaseMs).toISOString(),
      });
      if (c.status === 'claimed') return { claimedAt: at };
      if (c.status === 'done') {
        // Records from before fingerprints were kept can still be told apart by their action.
        const same = c.record.paramsHash ? c.record.paramsHash === hash : c.record.action === req.action;
        return { answer: same ? (c.record.result as ActionResult) : KEY_REUSED };
      }
      if (c.paramsHash !== hash) return { answer: KEY_REUSED };
      if (Date.now() >= waitUntil) return { answer: IN_PROGRESS };
      await sleep(claims.pollMs);
    }
  }

  async function perform(req: RunRequest, params: Record<string, unknown>, hash: string): Promise<ActionOutcome> {
    const claimed = await claim(req, hash);
    if ('answer' in claimed) return claimed.answer;
    let result: ActionResult;
    try {
      result = await deps.backend.perform({ ...req, params });
    } catch (err) {
      // Our own database failing is not the backend's failure: it surfaces as such (503 storage_unavailable).
      if (err instanceof StoreUnavailableError) {
        await deps.store.releaseAction(req.tenant, scopedKey(req), claimed.claimedAt).catch(() => {});
        throw err;
      }
      deps.logger.error({ err, action: req.action }, 'action backend failed');
      result = { ok: false, reason: 'unavailable', code: 'backend_unavailable' };
    }
    try {
      // A contact request answered with a reference is kept before the answer leaves, so a crash cannot lose it.
      if (result.ok && req.action === 'contact-request') await saveContact(req, params as ContactParams, result.reference);
      // A failure of the backend is not recorded: the claim is given up, so the same key can be tried again later.
      if (result.ok || result.reason === 'rejected') {
        await deps.store.completeAction({
          tenant: req.tenant,
          action: req.action,
          idempotencyKey: scopedKey(req),
          subject: req.subject,
          paramsHash: hash,
          result,
          createdAt: deps.clock().toISOString(),
          claimedAt: claimed.claimedAt,
        });
      } else {
        await deps.store.releaseAction(req.tenant, scopedKey(req), claimed.claimedAt);
      }
    } catch (err) {
      // Not kept: the answer must not say done. The claim expires after its lease if it could not be given up.
      await deps.store.releaseAction(req.tenant, scopedKey(req), claimed.claimedAt).catch(() => {});
      throw err;
    }
    return result;
  }

  return {
    backend: deps.backend,
    // Two identical requests at the same moment in this instance (a double click) share one execution;
    // across instances the claim in the database does the same.
    async run(req) {
      const spec = ACTIONS[req.action];
      const parsed = spec.params.safeParse(req.params ?? {});
      if (!parsed.success) {
        return { ok: false, reason: 'invalid', code: 'invalid_params', issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`) };
      }
      if (spec.auth && !req.subject) return { ok: false, reason: 'unauthorized', code: 'sign_in_required' };
      const params = parsed.data as Record<string, unknown>;
      // Every attempt naming an account counts, from the API or a flow, repeats included: nobody floods a
      // person with codes and links, and the limit tells nothing about whether the account exists.
      if (deps.takeAccountToken) {
        const refused = await takeAll(deps.takeAccountToken, accountKeys(req.tenant, params, req.subject));
        if (refused) return { ok: false, reason: 'rate_limited', code: 'rate_limited', retryAfterSeconds: refused.retryAfterSeconds };
      }
      // Contact requests need no account, so a new e-mail address each time passes the limit above: they are
      // also counted per client address and per conversation, each kept a year by support.
      if (deps.takeContactToken && req.action === 'contact-request') {
        const take = deps.takeContactToken;
        const conversation = (params as ContactParams).conversationId;
        const refused = await takeAll((key) => take(key, key.startsWith('contact-address:') ? 'address' : 'conversation'), [
          ...(req.client ? [`contact-address:${req.tenant}:${req.client}`] : []),
          ...(conversation ? [`contact-conversation:${req.tenant}:${conversation}`] : []),
        ]);
        if (refused) return { ok: false, reason: 'rate_limited', code: 'rate_limited', retryAfterSeconds: refused.retryAfterSeconds };
      }
      const hash = fingerprint(req.action, params);
      const k = `${req.tenant}\u0000${scopedKey(req)}`;
      const running = inFlight.get(k);
      if (running) return running.hash === hash ? running.outcome : KEY_REUSED;
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
