/**
 * What several instances share besides the data: an idempotency key is claimed (state 'running', with
 * the time of the claim) before its action runs, and rate-limit buckets live in the database. Indexes on
 * the times retention deletes by.
 */
import { types, type Migration } from './types.ts';

export const sharedState: Migration = {
  version: 2,
  name: 'claims, shared limits, retention indexes',
  statements: (d) => {
    const t = types(d);
    return [
      "ALTER TABLE actions ADD COLUMN state TEXT NOT NULL DEFAULT 'done'",
      'ALTER TABLE actions ADD COLUMN claimed_at TEXT',
      'CREATE INDEX IF NOT EXISTS actions_created_at ON actions(created_at)',
      `CREATE TABLE IF NOT EXISTS rate_buckets (
        key TEXT PRIMARY KEY, tokens ${t.real} NOT NULL, at ${t.bigint} NOT NULL, granted INTEGER NOT NULL)`,
      'CREATE INDEX IF NOT EXISTS rate_buckets_at ON rate_buckets(at)',
      'CREATE INDEX IF NOT EXISTS conversations_updated_at ON conversations(updated_at)',
      'CREATE INDEX IF NOT EXISTS contact_requests_created_at ON contact_requests(created_at)',
      'CREATE INDEX IF NOT EXISTS outbox_created_at ON outbox(created_at)',
      'CREATE INDEX IF NOT EXISTS suggestions_last_at ON suggestions(last_at)',
    ];
  },
};
