/** The storage interface: what the assistant keeps, independent of the database behind it. */
import type { Lang } from '../content/types.ts';
import type { Tracker } from '../chat/tracker.ts';

export type StoredMessage = { role: 'visitor' | 'assistant'; text: string; kind?: string; at: string };

export type Conversation = {
  id: string;
  tenant: string;
  lang: Lang;
  state: Tracker;
  createdAt: string;
  updatedAt: string;
};

export type ContactRequest = {
  reference: string;
  tenant: string;
  lang: Lang;
  conversationId: string | null;
  name: string;
  email: string;
  customerNumber: string | null;
  topic: string;
  message: string;
  transcript: StoredMessage[];
  createdAt: string;
};

export type RecordedAction = {
  tenant: string;
  action: string;
  idempotencyKey: string;
  subject: string | null;
  /** Fingerprint of the action and its validated parameters: the same key with others is a mistake. */
  paramsHash: string | null;
  result: unknown;
  createdAt: string;
};

export type OutboxMessage = { id: number; tenant: string; channel: 'email' | 'sms' | 'letter'; recipient: string; subject: string; body: string; createdAt: string };

export type QuestionLog = {
  tenant: string;
  lang: Lang;
  /** The question with personal data removed. */
  question: string;
  /** `out_of_scope`: politely refused, not a subject of ours; `unanswered`: not understood (a content gap). */
  outcome: 'answer' | 'clarify' | 'escalate' | 'flow' | 'smalltalk' | 'out_of_scope' | 'unanswered';
  entryId: string | null;
  topic: string | null;
  source: 'chat' | 'search';
  at: string;
};

export type Feedback = { tenant: string; lang: Lang; entryId: string; helpful: boolean; reason: string | null; source: 'chat' | 'page'; at: string };

/**
 * A visitor's phrasing that found an entry only through the visitor (picked from "did you mean", or an
 * unsure answer rated helpful): a suggested alternate for editors, counted, redacted, never applied by itself.
 */
export type Suggestion = { tenant: string; lang: Lang; entryId: string; phrasing: string; count: number; lastAt: string };

/**
 * Every method returns a promise, so a server database fits behind it as well as the embedded one; a
 * failure of the database rejects with StoreUnavailableError.
 */
export interface Store {
  getConversation(id: string): Promise<Conversation | undefined>;
  saveConversation(c: Conversation): Promise<void>;
  appendMessages(conversationId: string, messages: StoredMessage[]): Promise<void>;
  transcript(conversationId: string, limit?: number): Promise<StoredMessage[]>;
  /** One chat turn, all or nothing: the conversation saved, its new messages appended, the question logged. */
  saveTurn(t: { conversation: Conversation; messages: StoredMessage[]; question?: QuestionLog | undefined }): Promise<void>;

  saveContactRequest(r: ContactRequest): Promise<void>;
  getContactRequest(reference: string): Promise<ContactRequest | undefined>;
  listContactRequests(tenant: string, limit?: number): Promise<ContactRequest[]>;

  /** The stored result of an action already done under this key, if any. */
  findAction(tenant: string, idempotencyKey: string): Promise<RecordedAction | undefined>;
  /** Records an action once; returns false when the key was already used. */
  recordAction(a: RecordedAction): Promise<boolean>;
  listActions(tenant: string, limit?: number): Promise<RecordedAction[]>;
  /**
   * Claims an idempotency key before its action runs, so it runs once across instances: `claimed` (this
   * caller runs it; a claim made before `staleBefore`, left by a crashed instance, is taken over), `done`
   * (the recorded result), or `running` (another caller holds a fresh claim).
   */
  claimAction(c: ActionClaim): Promise<ClaimOutcome>;
  /** Turns this caller's claim into the record of the result; false when the claim was taken over meanwhile. */
  completeAction(a: RecordedAction & { claimedAt: string }): Promise<boolean>;
  /** Gives this caller's claim up, so the key can be tried again (the backend could not be reached). */
  releaseAction(tenant: string, idempotencyKey: string, claimedAt: string): Promise<void>;

  /**
   * Takes one token from a bucket shared by every instance: `capacity` at once, refilled evenly over
   * `windowMs`. Counts the attempt whether or not it is granted.
   */
  takeToken(key: string, capacity: number, windowMs: number, nowMs: number): Promise<TokenTake>;

  addOutbox(m: Omit<OutboxMessage, 'id'>): Promise<void>;
  listOutbox(tenant?: string, limit?: number): Promise<OutboxMessage[]>;

  logQuestion(q: QuestionLog): Promise<void>;
  questions(tenant: string, since: string): Promise<QuestionLog[]>;
  addFeedback(f: Feedback): Promise<void>;
  feedback(tenant: string, since: string): Promise<Feedback[]>;
  /** Counts one more visitor for a suggested alternate (redacted before it gets here). */
  addSuggestion(s: Omit<Suggestion, 'count' | 'lastAt'> & { at: string }): Promise<void>;
  /** Suggested alternates of a tenant, most asked first. */
  suggestions(tenant: string): Promise<Suggestion[]>;
  /**
   * Deletes at most `limit` rows of one kind older than `before` (an ISO time); returns how many went.
   * Conversations go with their messages.
   */
  purgeBatch(kind: PurgeKind, before: string, limit: number): Promise<number>;
  /**
   * Runs `task` unless another instance holds the named lock right now (then `{ ran: false }`): for work
   * that must happen once across instances, such as the retention purge.
   */
  exclusively<T>(name: string, task: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;

  /** A key/value table for small pieces of state, such as the demo accounts. */
  getJson<T>(key: string): Promise<T | undefined>;
  setJson(key: string, value: unknown): Promise<void>;

  /**
   * Whether the database can serve: its file is still the one opened, and a small write goes through.
   * A store that met a corrupt or foreign file stays unready until restarted.
   */
  probe(): Promise<StoreHealth>;
  /** Resolves once the schema is up to date; rejects with a one-line problem for the operator. */
  ready(): Promise<void>;
  /** Which engine keeps the data, for logs and health pages. */
  readonly engine: 'sqlite' | 'postgres';

  close(): Promise<void>;
}

export type ActionClaim = {
  tenant: string;
  idempotencyKey: string;
  action: string;
  subject: string | null;
  paramsHash: string;
  /** The moment of the claim, which also identifies it. */
  at: string;
  /** A claim made before this moment is considered abandoned. */
  staleBefore: string;
};

export type ClaimOutcome =
  | { status: 'claimed' }
  | { status: 'done'; record: RecordedAction }
  | { status: 'running'; action: string; paramsHash: string | null };

export type TokenTake = { ok: true } | { ok: false; retryAfterSeconds: number };

/** What retention deletes, kind by kind. */
export type PurgeKind = 'questions' | 'feedback' | 'suggestions' | 'conversations' | 'contacts' | 'actions' | 'outbox' | 'rateBuckets';

export type StoreHealth = { ok: true } | { ok: false; reason: 'gone' | 'corrupt' | 'unwritable' | 'unreachable' };

/**
 * Thrown by a store that cannot do what it was asked (file gone, corrupt, disk full, locked, server down): the web layer
 * answers 503, so nothing is acknowledged that was not kept.
 */
export class StoreUnavailableError extends Error {
  constructor(
    readonly reason: Exclude<StoreHealth, { ok: true }>['reason'],
    options?: { cause?: unknown },
  ) {
    super(`store unavailable: ${reason}`, options);
    this.name = 'StoreUnavailableError';
  }
}
