/**
 * The Store on PostgreSQL (node-postgres, a connection pool): what several instances share. The schema
 * comes from the same migrations as SQLite's, applied at start under an advisory lock; every method waits
 * for them. A server that cannot be reached, or refuses writes, becomes StoreUnavailableError (503 at the
 * edge); a mistake in our SQL stays a bug and is not disguised as an outage.
 */
import pg from 'pg';
import { migratePostgres } from './migrate.ts';
import { toAction, toContact, toConversation, toOutbox, toQuestion, toSuggestion, type Row } from './rows.ts';
import {
  StoreUnavailableError,
  type ActionClaim,
  type ClaimOutcome,
  type Feedback,
  type PurgeKind,
  type Store,
  type StoreHealth,
  type StoredMessage,
} from './types.ts';

export type PostgresOptions = {
  url: string;
  /** Connections kept open at most. */
  poolMax?: number;
  /** How long a query may wait for a free connection before the database counts as unavailable. */
  connectionTimeoutMs?: number;
  /** Told of connection errors of idle clients (the server restarted): logged, not thrown. */
  onIdleError?: (err: Error) => void;
};

/** The address without its password, for messages to the operator. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'the configured DATABASE_URL';
  }
}

/** Named locks map to advisory lock keys; one namespace number keeps them apart from other applications'. */
const LOCK_NAMESPACE = 7_310_422;
const lockKey = (name: string) => {
  let h = 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
};


export function openPostgresStore(options: PostgresOptions): Store {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
    // A statement stuck behind a lock fails rather than holding a visitor forever.
    statement_timeout: 15_000,
    application_name: 'help-assistant',
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', (err) => options.onIdleError?.(err));

  let migration: Promise<void> | undefined;
  /** Statements under way, so that close() lets them finish; after close() every call is refused as an outage. */
  let active = 0;
  let closing = false;
  let idle: (() => void) | undefined;
  const track = async <T>(work: () => Promise<T>): Promise<T> => {
    if (closing) throw new StoreUnavailableError('unreachable');
    active++;
    try {
      return await work();
    } finally {
      if (--active === 0) idle?.();
    }
  };
  const ready = () =>
    (migration ??= migratePostgres(pool).then(
      () => undefined,
      (err: unknown) => {
        migration = undefined;
        throw new Error(`The database ${describeUrl(options.url)} cannot be prepared: ${reasonOf(err)}.`, { cause: err });
      },
    ));

  /** One statement, after the migrations, with outages turned into StoreUnavailableError. */
  const query = <R extends Row = Row>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> =>
    track(async () => {
      try {
        await ready();
      } catch (err) {
        throw new StoreUnavailableError('unreachable', { cause: err });
      }
      try {
        return await pool.query<R>(sql, params);
      } catch (err) {
        throw outage(err) ?? err;
      }
    });

  /** A connection of the pool, after the migrations, with outages turned into StoreUnavailableError. */
  const connected = async (): Promise<pg.PoolClient> => {
    try {
      await ready();
    } catch (err) {
      throw new StoreUnavailableError('unreachable', { cause: err });
    }
    try {
      return await pool.connect();
    } catch (err) {
      throw outage(err) ?? err;
    }
  };

  /** Several statements in one transaction on one connection. */
  const transaction = <T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> => track(() => inTransaction(work));
  const inTransaction = async <T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await connected();
    try {
      await client.query('BEGIN');
      const value = await work(client);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw outage(err) ?? err;
    } finally {
      client.release();
    }
  };


  const PURGE: Record<Exclude<PurgeKind, 'conversations'>, string> = {
    questions: 'DELETE FROM question_log WHERE id IN (SELECT id FROM question_log WHERE at < $1 LIMIT $2)',
    feedback: 'DELETE FROM feedback WHERE id IN (SELECT id FROM feedback WHERE at < $1 LIMIT $2)',
    suggestions: 'DELETE FROM suggestions WHERE ctid IN (SELECT ctid FROM suggestions WHERE last_at < $1 LIMIT $2)',
    contacts: 'DELETE FROM contact_requests WHERE reference IN (SELECT reference FROM contact_requests WHERE created_at < $1 LIMIT $2)',
    actions: 'DELETE FROM actions WHERE ctid IN (SELECT ctid FROM actions WHERE created_at < $1 LIMIT $2)',
    outbox: 'DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < $1 LIMIT $2)',
    rateBuckets: 'DELETE FROM rate_buckets WHERE key IN (SELECT key FROM rate_buckets WHERE at < $1 LIMIT $2)',
  };

  return {
    engine: 'postgres',
    ready,

    async getConversation(id) {
      const r = (await query('SELECT * FROM conversations WHERE id = $1', [id])).rows[0];
      return r ? toConversation(r) : undefined;
    },
    async saveConversation(c) {
      await query(
        `INSERT INTO conversations (id, tenant, lang, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET lang = excluded.lang, state = excluded.state, updated_at = excluded.updated_at`,
        [c.id, c.tenant, c.lang, JSON.stringify(c.state), c.createdAt, c.updatedAt],
      );
    },
    async appendMessages(conversationId, messages) {
      if (!messages.length) return;
      // One statement for the turn's messages: their ids keep the order they are given in.
      const values = messages.map((_, i) => `($1, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4}, $${i * 4 + 5})`).join(', ');
      await query(`INSERT INTO messages (conversation_id, role, text, kind, at) VALUES ${values}`, [
        conversationId,
        ...messages.flatMap((m) => [m.role, m.text, m.kind ?? null, m.at]),
      ]);
    },
    async saveTurn({ conversation: c, messages, question: q }) {
      // One statement (data-modifying CTEs): one round trip, and atomic.
      const params: unknown[] = [c.id, c.tenant, c.lang, JSON.stringify(c.state), c.createdAt, c.updatedAt];
      const add = (...values: unknown[]) => values.map((v) => `$${params.push(v)}`).join(', ');
      const parts = [
        `conv AS (INSERT INTO conversations (id, tenant, lang, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (id) DO UPDATE SET lang = excluded.lang, state = excluded.state, updated_at = excluded.updated_at)`,
      ];
      if (messages.length) {
        const rows = messages.map((m) => `($1, ${add(m.role, m.text, m.kind ?? null, m.at)})`).join(', ');
        parts.push(`msg AS (INSERT INTO messages (conversation_id, role, text, kind, at) VALUES ${rows})`);
      }
      if (q) {
        parts.push(`log AS (INSERT INTO question_log (tenant, lang, question, outcome, entry_id, topic, source, at) VALUES (${add(q.tenant, q.lang, q.question, q.outcome, q.entryId, q.topic, q.source, q.at)}))`);
      }
      await query(`WITH ${parts.join(', ')} SELECT 1`, params);
    },
    async transcript(conversationId, limit = 200) {
      const rows = (await query('SELECT role, text, kind, at FROM (SELECT * FROM messages WHERE conversation_id = $1 ORDER BY id DESC LIMIT $2) m ORDER BY id', [conversationId, limit])).rows;
      // SQLite leaves out no column: a message without a kind has kind null there too.
      return rows as StoredMessage[];
    },

    async saveContactRequest(r) {
      await query(
        `INSERT INTO contact_requests (reference, tenant, lang, conversation_id, name, email, customer_number, topic, message, transcript, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [r.reference, r.tenant, r.lang, r.conversationId, r.name, r.email, r.customerNumber, r.topic, r.message, JSON.stringify(r.transcript), r.createdAt],
      );
    },
    async getContactRequest(reference) {
      const r = (await query('SELECT * FROM contact_requests WHERE reference = $1', [reference])).rows[0];
      return r ? toContact(r) : undefined;
    },
    async listContactRequests(tenant, limit = 100) {
      return (await query('SELECT * FROM contact_requests WHERE tenant = $1 ORDER BY created_at DESC LIMIT $2', [tenant, limit])).rows.map(toContact);
    },

    async findAction(tenant, key) {
      const r = (await query("SELECT * FROM actions WHERE tenant = $1 AND idempotency_key = $2 AND state = 'done'", [tenant, key])).rows[0];
      return r ? toAction(r) : undefined;
    },
    async recordAction(a) {
      const r = await query(
        `INSERT INTO actions (tenant, idempotency_key, action, subject, result, created_at, params_hash, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'done') ON CONFLICT DO NOTHING`,
        [a.tenant, a.idempotencyKey, a.action, a.subject, JSON.stringify(a.result), a.createdAt, a.paramsHash],
      );
      return r.rowCount === 1;
    },
    async listActions(tenant, limit = 100) {
      return (await query("SELECT * FROM actions WHERE tenant = $1 AND state = 'done' ORDER BY created_at DESC LIMIT $2", [tenant, limit])).rows.map(toAction);
    },
    async claimAction(c: ActionClaim): Promise<ClaimOutcome> {
      const inserted = await query(
        `INSERT INTO actions (tenant, idempotency_key, action, subject, result, created_at, params_hash, state, claimed_at)
         VALUES ($1, $2, $3, $4, 'null', $5, $6, 'running', $5) ON CONFLICT DO NOTHING`,
        [c.tenant, c.idempotencyKey, c.action, c.subject, c.at, c.paramsHash],
      );
      if (inserted.rowCount === 1) return { status: 'claimed' };
      // Taken over only if still the abandoned claim: of two instances trying at once, one wins.
      const taken = await query(
        `UPDATE actions SET action = $3, subject = $4, params_hash = $5, created_at = $6, claimed_at = $6
         WHERE tenant = $1 AND idempotency_key = $2 AND state = 'running' AND claimed_at < $7`,
        [c.tenant, c.idempotencyKey, c.action, c.subject, c.paramsHash, c.at, c.staleBefore],
      );
      if (taken.rowCount === 1) return { status: 'claimed' };
      const r = (await query('SELECT * FROM actions WHERE tenant = $1 AND idempotency_key = $2', [c.tenant, c.idempotencyKey])).rows[0];
      // Released between the two statements: claim it again.
      if (!r) return this.claimAction(c);
      if (r.state === 'done') return { status: 'done', record: toAction(r) };
      return { status: 'running', action: r.action as string, paramsHash: (r.params_hash as string | null) ?? null };
    },
    async completeAction(a) {
      const r = await query(
        `UPDATE actions SET state = 'done', result = $3, created_at = $4, action = $5, subject = $6, params_hash = $7
         WHERE tenant = $1 AND idempotency_key = $2 AND state = 'running' AND claimed_at = $8`,
        [a.tenant, a.idempotencyKey, JSON.stringify(a.result), a.createdAt, a.action, a.subject, a.paramsHash, a.claimedAt],
      );
      return r.rowCount === 1;
    },
    async releaseAction(tenant, key, claimedAt) {
      await query("DELETE FROM actions WHERE tenant = $1 AND idempotency_key = $2 AND state = 'running' AND claimed_at = $3", [tenant, key, claimedAt]);
    },

    async takeToken(key, capacity, windowMs, nowMs) {
      const perMs = capacity / windowMs;
      // One statement: the refill, the take and its answer happen atomically, whichever instance asks.
      const r = (
        await query<{ tokens: number; granted: number }>(
          `INSERT INTO rate_buckets (key, tokens, at, granted) VALUES ($1, $2::float8 - 1, $3, 1)
           ON CONFLICT (key) DO UPDATE SET
             tokens = CASE WHEN LEAST($2::float8, rate_buckets.tokens + GREATEST(0, $3 - rate_buckets.at) * $4::float8) >= 1
                           THEN LEAST($2::float8, rate_buckets.tokens + GREATEST(0, $3 - rate_buckets.at) * $4::float8) - 1
                           ELSE LEAST($2::float8, rate_buckets.tokens + GREATEST(0, $3 - rate_buckets.at) * $4::float8) END,
             granted = CASE WHEN LEAST($2::float8, rate_buckets.tokens + GREATEST(0, $3 - rate_buckets.at) * $4::float8) >= 1 THEN 1 ELSE 0 END,
             at = GREATEST(rate_buckets.at, $3)
           RETURNING tokens, granted`,
          [key, capacity, Math.round(nowMs), perMs],
        )
      ).rows[0]!;
      return r.granted ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - Number(r.tokens)) / perMs / 1000)) };
    },

    async addOutbox(m) {
      await query('INSERT INTO outbox (tenant, channel, recipient, subject, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [m.tenant, m.channel, m.recipient, m.subject, m.body, m.createdAt]);
    },
    async listOutbox(tenant, limit = 100) {
      const rows = (await query('SELECT * FROM outbox WHERE ($1::text IS NULL OR tenant = $1) ORDER BY id DESC LIMIT $2', [tenant ?? null, limit])).rows;
      return rows.map(toOutbox);
    },

    async logQuestion(x) {
      await query('INSERT INTO question_log (tenant, lang, question, outcome, entry_id, topic, source, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        x.tenant, x.lang, x.question, x.outcome, x.entryId, x.topic, x.source, x.at,
      ]);
    },
    async questions(tenant, since) {
      return (await query('SELECT * FROM question_log WHERE tenant = $1 AND at >= $2 ORDER BY id', [tenant, since])).rows.map(toQuestion);
    },
    async addFeedback(f) {
      await query('INSERT INTO feedback (tenant, lang, entry_id, helpful, reason, source, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        f.tenant, f.lang, f.entryId, f.helpful ? 1 : 0, f.reason, f.source, f.at,
      ]);
    },
    async feedback(tenant, since) {
      return (await query('SELECT * FROM feedback WHERE tenant = $1 AND at >= $2 ORDER BY id', [tenant, since])).rows.map((r) => ({
        tenant: r.tenant as string,
        lang: r.lang as Feedback['lang'],
        entryId: r.entry_id as string,
        helpful: Number(r.helpful) === 1,
        reason: (r.reason as string | null) ?? null,
        source: r.source as Feedback['source'],
        at: r.at as string,
      }));
    },
    async addSuggestion(x) {
      await query(
        `INSERT INTO suggestions (tenant, lang, entry_id, phrasing, count, last_at) VALUES ($1, $2, $3, $4, 1, $5)
         ON CONFLICT (tenant, lang, entry_id, phrasing) DO UPDATE SET count = suggestions.count + 1, last_at = excluded.last_at`,
        [x.tenant, x.lang, x.entryId, x.phrasing, x.at],
      );
    },
    async suggestions(tenant) {
      return (await query('SELECT * FROM suggestions WHERE tenant = $1 ORDER BY count DESC, last_at DESC', [tenant])).rows.map(toSuggestion);
    },

    async purgeBatch(kind, before, limit) {
      if (kind === 'conversations') {
        return transaction(async (c) => {
          const gone = await c.query('DELETE FROM conversations WHERE id IN (SELECT id FROM conversations WHERE updated_at < $1 LIMIT $2) RETURNING id', [before, limit]);
          if (!gone.rowCount) return 0;
          const messages = await c.query('DELETE FROM messages WHERE conversation_id = ANY($1::text[])', [gone.rows.map((r) => r.id)]);
          return gone.rowCount + (messages.rowCount ?? 0);
        });
      }
      const cutoff = kind === 'rateBuckets' ? Date.parse(before) : before;
      return (await query(PURGE[kind], [cutoff, limit])).rowCount ?? 0;
    },
    async exclusively<T>(name: string, task: () => Promise<T>) {
      const client = await connected();
      try {
        // A session lock, held by this connection while the task runs; another instance's try fails at once.
        const got = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [LOCK_NAMESPACE, lockKey(name)])).rows[0]!.locked;
        if (!got) return { ran: false } as const;
        try {
          return { ran: true, value: await task() } as const;
        } finally {
          await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, lockKey(name)]);
        }
      } finally {
        client.release();
      }
    },

    async getJson<T>(key: string) {
      const r = (await query<{ value: string }>('SELECT value FROM kv WHERE key = $1', [key])).rows[0];
      return r ? (JSON.parse(r.value) as T) : undefined;
    },
    async setJson(key, value) {
      await query('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
    },

    async probe(): Promise<StoreHealth> {
      try {
        await query("INSERT INTO kv (key, value) VALUES ('probe', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [JSON.stringify(new Date().toISOString())]);
        return { ok: true };
      } catch (err) {
        if (err instanceof StoreUnavailableError) return { ok: false, reason: err.reason };
        return { ok: false, reason: 'unwritable' };
      }
    },

    async close() {
      closing = true;
      // Requests still running finish their statements (bounded), then the connections close.
      if (active > 0) await new Promise<void>((resolve) => ((idle = resolve), setTimeout(resolve, 5000).unref()));
      await pool.end().catch(() => {});
    },
  };
}

/** SQLSTATE classes and socket errors that mean the server is down, unreachable, full or read-only. */
function outage(err: unknown): StoreUnavailableError | undefined {
  if (err instanceof StoreUnavailableError) return err;
  const code = String((err as { code?: unknown }).code ?? '');
  const message = String((err as { message?: unknown }).message ?? '');
  if (code === '25006' || code.startsWith('53')) return new StoreUnavailableError('unwritable', { cause: err });
  if (
    code.startsWith('08') ||
    code.startsWith('57P') ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE'].includes(code) ||
    /timeout exceeded when trying to connect|Connection terminated|connection timeout/i.test(message)
  ) {
    return new StoreUnavailableError('unreachable', { cause: err });
  }
  return undefined;
}

/** One line on why the database could not be used, without the address's password. */
function reasonOf(err: unknown): string {
  const code = String((err as { code?: unknown }).code ?? '');
  const message = String((err as { message?: unknown }).message ?? err);
  if (code === 'ECONNREFUSED') return 'nothing listens at that address (is PostgreSQL running?)';
  if (code === 'ENOTFOUND') return 'the host name is unknown';
  if (code === '28P01' || code === '28000') return 'the user name or password is refused';
  if (code === '3D000') return 'the database does not exist';
  return message.replace(/postgres(ql)?:\/\/[^\s]*/g, '[address]');
}
