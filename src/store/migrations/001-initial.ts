/**
 * The first schema: conversations and their messages, contact requests, recorded actions, the demo
 * outbox, question logs, feedback, suggested alternates and a key/value table. Times are ISO 8601 UTC
 * strings on both engines, so they compare and sort the same everywhere. IF NOT EXISTS: SQLite databases
 * written before migrations were numbered already hold these tables.
 */
import { types, type Migration } from './types.ts';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  statements: (d) => {
    const t = types(d);
    return [
      `CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, lang TEXT NOT NULL, state TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS messages (
        id ${t.serial}, conversation_id TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL, kind TEXT, at TEXT NOT NULL)`,
      'CREATE INDEX IF NOT EXISTS messages_conversation ON messages(conversation_id, id)',
      `CREATE TABLE IF NOT EXISTS contact_requests (
        reference TEXT PRIMARY KEY, tenant TEXT NOT NULL, lang TEXT NOT NULL, conversation_id TEXT,
        name TEXT NOT NULL, email TEXT NOT NULL, customer_number TEXT, topic TEXT NOT NULL, message TEXT NOT NULL,
        transcript TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS actions (
        tenant TEXT NOT NULL, idempotency_key TEXT NOT NULL, action TEXT NOT NULL, subject TEXT,
        result TEXT NOT NULL, created_at TEXT NOT NULL, params_hash TEXT, PRIMARY KEY (tenant, idempotency_key))`,
      `CREATE TABLE IF NOT EXISTS outbox (
        id ${t.serial}, tenant TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
        subject TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS question_log (
        id ${t.serial}, tenant TEXT NOT NULL, lang TEXT NOT NULL, question TEXT NOT NULL, outcome TEXT NOT NULL,
        entry_id TEXT, topic TEXT, source TEXT NOT NULL, at TEXT NOT NULL)`,
      'CREATE INDEX IF NOT EXISTS question_log_tenant_at ON question_log(tenant, at)',
      `CREATE TABLE IF NOT EXISTS feedback (
        id ${t.serial}, tenant TEXT NOT NULL, lang TEXT NOT NULL, entry_id TEXT NOT NULL, helpful INTEGER NOT NULL,
        reason TEXT, source TEXT NOT NULL, at TEXT NOT NULL)`,
      'CREATE INDEX IF NOT EXISTS feedback_tenant_at ON feedback(tenant, at)',
      'CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
      `CREATE TABLE IF NOT EXISTS suggestions (
        tenant TEXT NOT NULL, lang TEXT NOT NULL, entry_id TEXT NOT NULL, phrasing TEXT NOT NULL, count INTEGER NOT NULL,
        last_at TEXT NOT NULL, PRIMARY KEY (tenant, lang, entry_id, phrasing))`,
    ];
  },
};
