/** The storage interface: what the assistant keeps, independent of the database behind it. */
import type { Lang } from '../content/types.ts';
import type { ConversationState } from '../chat/state.ts';

export type StoredMessage = { role: 'visitor' | 'assistant'; text: string; kind?: string; at: string };

export type Conversation = {
  id: string;
  tenant: string;
  lang: Lang;
  state: ConversationState;
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

export interface Store {
  getConversation(id: string): Conversation | undefined;
  saveConversation(c: Conversation): void;
  appendMessages(conversationId: string, messages: StoredMessage[]): void;
  transcript(conversationId: string, limit?: number): StoredMessage[];

  saveContactRequest(r: ContactRequest): void;
  getContactRequest(reference: string): ContactRequest | undefined;
  listContactRequests(tenant: string, limit?: number): ContactRequest[];

  /** The stored result of an action already done under this key, if any. */
  findAction(tenant: string, idempotencyKey: string): RecordedAction | undefined;
  /** Records an action once; returns false when the key was already used. */
  recordAction(a: RecordedAction): boolean;
  listActions(tenant: string, limit?: number): RecordedAction[];

  addOutbox(m: Omit<OutboxMessage, 'id'>): void;
  listOutbox(tenant?: string, limit?: number): OutboxMessage[];

  logQuestion(q: QuestionLog): void;
  questions(tenant: string, since: string): QuestionLog[];
  addFeedback(f: Feedback): void;
  feedback(tenant: string, since: string): Feedback[];
  /** Counts one more visitor for a suggested alternate (redacted before it gets here). */
  addSuggestion(s: Omit<Suggestion, 'count' | 'lastAt'> & { at: string }): void;
  /** Suggested alternates of a tenant, most asked first. */
  suggestions(tenant: string): Suggestion[];
  /** Deletes question logs, feedback and suggestions older than the date; returns how many rows went. */
  purgeBefore(before: string): number;

  /** A key/value table for small pieces of state, such as the demo accounts. */
  getJson<T>(key: string): T | undefined;
  setJson(key: string, value: unknown): void;

  /**
   * Whether the database can serve: its file is still the one opened, and a small write goes through.
   * A store that met a corrupt or foreign file stays unready until restarted.
   */
  probe(): StoreHealth;

  close(): void;
}

export type StoreHealth = { ok: true } | { ok: false; reason: 'gone' | 'corrupt' | 'unwritable' };

/**
 * Thrown by a store that cannot do what it was asked (file gone, corrupt, disk full, locked): the web layer
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
