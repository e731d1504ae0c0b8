/** Rows of the tables both engines share, read back into the store's types: one mapping for both. */
import type { ContactRequest, Conversation, OutboxMessage, QuestionLog, RecordedAction, StoredMessage, Suggestion } from './types.ts';

export type Row = Record<string, unknown>;

export const toContact = (r: Row): ContactRequest => ({
  reference: r.reference as string,
  tenant: r.tenant as string,
  lang: r.lang as ContactRequest['lang'],
  conversationId: (r.conversation_id as string | null) ?? null,
  name: r.name as string,
  email: r.email as string,
  customerNumber: (r.customer_number as string | null) ?? null,
  topic: r.topic as string,
  message: r.message as string,
  transcript: JSON.parse(r.transcript as string) as StoredMessage[],
  createdAt: r.created_at as string,
});

export const toAction = (r: Row): RecordedAction => ({
  tenant: r.tenant as string,
  action: r.action as string,
  idempotencyKey: r.idempotency_key as string,
  subject: (r.subject as string | null) ?? null,
  paramsHash: (r.params_hash as string | null) ?? null,
  result: JSON.parse(r.result as string),
  createdAt: r.created_at as string,
});

export const toConversation = (r: Row): Conversation => ({
  id: r.id as string,
  tenant: r.tenant as string,
  lang: r.lang as Conversation['lang'],
  state: JSON.parse(r.state as string),
  createdAt: r.created_at as string,
  updatedAt: r.updated_at as string,
});

export const toSuggestion = (r: Row): Suggestion => ({
  tenant: r.tenant as string,
  lang: r.lang as Suggestion['lang'],
  entryId: r.entry_id as string,
  phrasing: r.phrasing as string,
  count: Number(r.count),
  lastAt: r.last_at as string,
});

export const toQuestion = (r: Row): QuestionLog => ({
  tenant: r.tenant as string,
  lang: r.lang as QuestionLog['lang'],
  question: r.question as string,
  outcome: r.outcome as QuestionLog['outcome'],
  entryId: (r.entry_id as string | null) ?? null,
  topic: (r.topic as string | null) ?? null,
  source: r.source as QuestionLog['source'],
  at: r.at as string,
});

export const toOutbox = (r: Row): OutboxMessage => ({
  id: Number(r.id),
  tenant: r.tenant as string,
  channel: r.channel as OutboxMessage['channel'],
  recipient: r.recipient as string,
  subject: r.subject as string,
  body: r.body as string,
  createdAt: r.created_at as string,
});
