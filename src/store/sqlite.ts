/** The Store on an embedded SQLite database (better-sqlite3, WAL): one file under DATA_DIR. */
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { migrateSqlite } from './migrate.ts';
import { toAction, toContact, toConversation, toOutbox, toQuestion, toSuggestion, type Row } from './rows.ts';
import { StoreUnavailableError, type Conversation, type Feedback, type QuestionLog, type Store, type StoreHealth, type StoredMessage, type PurgeKind, type ActionClaim, type ClaimOutcome } from './types.ts';

export type OpenResult = { ok: true; store: Store } | { ok: false; problem: string };

/** Opens the database, or says in one line what is wrong with the file and where it is. */
export function tryOpenSqliteStore(file: string): OpenResult {
  try {
    return { ok: true, store: openSqliteStore(file) };
  } catch (err) {
    const where = file === ':memory:' ? file : resolve(file);
    const code = (err as { code?: unknown }).code;
    const what =
      err instanceof ForeignDatabaseError || code === 'SQLITE_NOTADB'
        ? 'is not a database of this service (move it away, or set DATA_DIR to another folder)'
        : code === 'SQLITE_CORRUPT'
          ? 'is damaged (restore it from a backup, or move it away to start empty)'
          : code === 'SQLITE_READONLY' || code === 'SQLITE_PERM' || code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EISDIR'
            ? 'cannot be opened for reading and writing (check that it is a file this process may read and write)'
            : code === 'ENOTDIR' || code === 'EEXIST'
              ? 'cannot be created: DATA_DIR is not a folder'
              : `cannot be opened (${code ? String(code) : (err as Error).message})`;
    return { ok: false, problem: `The database ${where} ${what}.` };
  }
}

class ForeignDatabaseError extends Error {}

/** A table only this service creates: a database that holds tables but not this one belongs to something else. */
const OWN_TABLE = 'conversations';

export function openSqliteStore(file: string): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    prepareDatabase(db);
  } catch (err) {
    // Damaged pages past the schema (met by the migrations' bookkeeping): the service starts unready and
    // answers 503, as it does when pages go bad while it runs, rather than refusing to start.
    if (String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_CORRUPT')) {
      try {
        return storeOn(db, file, { ok: false, reason: 'corrupt' });
      } catch {
        // The schema itself is unusable: say so at start.
      }
    }
    db.close();
    throw err;
  }
  return storeOn(db, file);
}

function prepareDatabase(db: Database.Database) {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
  if (tables.length && !tables.includes(OWN_TABLE)) throw new ForeignDatabaseError('foreign database');
  db.pragma('journal_mode = WAL');
  // NORMAL: in WAL mode a commit survives a crash of the process, and a chat turn does not wait for the
  // disk three times (under load that capped chat at ~60 turns/s). What is promised to a person (contact
  // requests, actions) is committed with FULL, which also flushes every earlier commit: a power cut too.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // Databases written before parameters were fingerprinted get the column; their old records have none.
  const actionColumns = (db.pragma('table_info(actions)') as { name: string }[]).map((c) => c.name);
  if (actionColumns.length && !actionColumns.includes('params_hash')) db.exec('ALTER TABLE actions ADD COLUMN params_hash TEXT');
  migrateSqlite(db);
}

function storeOn(db: Database.Database, file: string, brokenAtStart?: Exclude<StoreHealth, { ok: true }>): Store {
  // The file as opened: a deploy or a clean-up that deletes or replaces it leaves this process writing
  // into an unlinked inode, which looks like success and keeps nothing.
  const onDisk = file === ':memory:' ? undefined : statSync(file);
  const fileIntact = () => {
    if (!onDisk) return true;
    try {
      const now = statSync(file);
      return now.ino === onDisk.ino && now.dev === onDisk.dev;
    } catch {
      return false;
    }
  };
  /** Set on a corrupt or foreign file: nothing will work until someone restores it and restarts. */
  let broken: Exclude<StoreHealth, { ok: true }> | undefined = brokenAtStart;

  const q = {
    getConv: db.prepare('SELECT * FROM conversations WHERE id = ?'),
    upsertConv: db.prepare(
      `INSERT INTO conversations (id, tenant, lang, state, created_at, updated_at) VALUES (@id, @tenant, @lang, @state, @createdAt, @updatedAt)
       ON CONFLICT(id) DO UPDATE SET lang = excluded.lang, state = excluded.state, updated_at = excluded.updated_at`,
    ),
    addMsg: db.prepare('INSERT INTO messages (conversation_id, role, text, kind, at) VALUES (?, ?, ?, ?, ?)'),
    transcript: db.prepare('SELECT role, text, kind, at FROM (SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id'),
    addContact: db.prepare(
      `INSERT INTO contact_requests (reference, tenant, lang, conversation_id, name, email, customer_number, topic, message, transcript, created_at)
       VALUES (@reference, @tenant, @lang, @conversationId, @name, @email, @customerNumber, @topic, @message, @transcript, @createdAt)`,
    ),
    getContact: db.prepare('SELECT * FROM contact_requests WHERE reference = ?'),
    listContacts: db.prepare('SELECT * FROM contact_requests WHERE tenant = ? ORDER BY created_at DESC LIMIT ?'),
    findAction: db.prepare("SELECT * FROM actions WHERE tenant = ? AND idempotency_key = ? AND state = 'done'"),
    anyAction: db.prepare('SELECT * FROM actions WHERE tenant = ? AND idempotency_key = ?'),
    addAction: db.prepare(
      `INSERT OR IGNORE INTO actions (tenant, idempotency_key, action, subject, result, created_at, params_hash, state)
       VALUES (@tenant, @idempotencyKey, @action, @subject, @result, @createdAt, @paramsHash, 'done')`,
    ),
    claim: db.prepare(
      `INSERT OR IGNORE INTO actions (tenant, idempotency_key, action, subject, result, created_at, params_hash, state, claimed_at)
       VALUES (@tenant, @idempotencyKey, @action, @subject, 'null', @at, @paramsHash, 'running', @at)`,
    ),
    takeOver: db.prepare(
      `UPDATE actions SET action = @action, subject = @subject, params_hash = @paramsHash, created_at = @at, claimed_at = @at
       WHERE tenant = @tenant AND idempotency_key = @idempotencyKey AND state = 'running' AND claimed_at < @staleBefore`,
    ),
    complete: db.prepare(
      `UPDATE actions SET state = 'done', result = @result, created_at = @createdAt, action = @action, subject = @subject, params_hash = @paramsHash
       WHERE tenant = @tenant AND idempotency_key = @idempotencyKey AND state = 'running' AND claimed_at = @claimedAt`,
    ),
    release: db.prepare("DELETE FROM actions WHERE tenant = ? AND idempotency_key = ? AND state = 'running' AND claimed_at = ?"),
    listActions: db.prepare("SELECT * FROM actions WHERE tenant = ? AND state = 'done' ORDER BY created_at DESC LIMIT ?"),
    takeToken: db.prepare(
      `INSERT INTO rate_buckets (key, tokens, at, granted) VALUES (@key, @capacity - 1, @now, 1)
       ON CONFLICT(key) DO UPDATE SET
         tokens = CASE WHEN min(@capacity, tokens + max(0, @now - at) * @perMs) >= 1 THEN min(@capacity, tokens + max(0, @now - at) * @perMs) - 1
                       ELSE min(@capacity, tokens + max(0, @now - at) * @perMs) END,
         granted = CASE WHEN min(@capacity, tokens + max(0, @now - at) * @perMs) >= 1 THEN 1 ELSE 0 END,
         at = max(at, @now)
       RETURNING tokens, granted`,
    ),
    addOutbox: db.prepare('INSERT INTO outbox (tenant, channel, recipient, subject, body, created_at) VALUES (@tenant, @channel, @recipient, @subject, @body, @createdAt)'),
    listOutbox: db.prepare('SELECT * FROM outbox WHERE (@tenant IS NULL OR tenant = @tenant) ORDER BY id DESC LIMIT @limit'),
    logQuestion: db.prepare(
      'INSERT INTO question_log (tenant, lang, question, outcome, entry_id, topic, source, at) VALUES (@tenant, @lang, @question, @outcome, @entryId, @topic, @source, @at)',
    ),
    questions: db.prepare('SELECT * FROM question_log WHERE tenant = ? AND at >= ? ORDER BY id'),
    addFeedback: db.prepare('INSERT INTO feedback (tenant, lang, entry_id, helpful, reason, source, at) VALUES (@tenant, @lang, @entryId, @helpful, @reason, @source, @at)'),
    feedback: db.prepare('SELECT * FROM feedback WHERE tenant = ? AND at >= ? ORDER BY id'),
    purge: {
      questions: db.prepare('DELETE FROM question_log WHERE id IN (SELECT id FROM question_log WHERE at < ? LIMIT ?)'),
      feedback: db.prepare('DELETE FROM feedback WHERE id IN (SELECT id FROM feedback WHERE at < ? LIMIT ?)'),
      suggestions: db.prepare('DELETE FROM suggestions WHERE rowid IN (SELECT rowid FROM suggestions WHERE last_at < ? LIMIT ?)'),
      contacts: db.prepare('DELETE FROM contact_requests WHERE reference IN (SELECT reference FROM contact_requests WHERE created_at < ? LIMIT ?)'),
      actions: db.prepare('DELETE FROM actions WHERE rowid IN (SELECT rowid FROM actions WHERE created_at < ? LIMIT ?)'),
      outbox: db.prepare('DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < ? LIMIT ?)'),
    },
    oldConversations: db.prepare('SELECT id FROM conversations WHERE updated_at < ? LIMIT ?'),
    deleteConversation: db.prepare('DELETE FROM conversations WHERE id = ?'),
    deleteMessages: db.prepare('DELETE FROM messages WHERE conversation_id = ?'),
    purgeBuckets: db.prepare('DELETE FROM rate_buckets WHERE key IN (SELECT key FROM rate_buckets WHERE at < ? LIMIT ?)'),
    addSuggestion: db.prepare(
      'INSERT INTO suggestions (tenant, lang, entry_id, phrasing, count, last_at) VALUES (@tenant, @lang, @entryId, @phrasing, 1, @at) ON CONFLICT(tenant, lang, entry_id, phrasing) DO UPDATE SET count = count + 1, last_at = excluded.last_at',
    ),
    suggestions: db.prepare('SELECT * FROM suggestions WHERE tenant = ? ORDER BY count DESC, last_at DESC'),
    getKv: db.prepare('SELECT value FROM kv WHERE key = ?'),
    setKv: db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    probe: db.prepare("INSERT INTO kv (key, value) VALUES ('probe', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
  };


  /** Runs one write with synchronous = FULL: on disk (with all before it) when it returns. */
  const durably = <T>(write: () => T): T => {
    db.pragma('synchronous = FULL');
    try {
      return write();
    } finally {
      db.pragma('synchronous = NORMAL');
    }
  };

  const purgeConversations = db.transaction((before: string, limit: number) => {
    let rows = 0;
    for (const { id } of q.oldConversations.all(before, limit) as { id: string }[]) {
      rows += q.deleteMessages.run(id).changes + q.deleteConversation.run(id).changes;
    }
    return rows;
  });
  const claimAction = db.transaction((c: ActionClaim): ClaimOutcome => {
    if (q.claim.run(c).changes === 1) return { status: 'claimed' };
    // Inside this write transaction a key that could not be inserted is there to read.
    const r = q.anyAction.get(c.tenant, c.idempotencyKey) as Row;
    if (r.state === 'done') return { status: 'done', record: toAction(r) };
    if (q.takeOver.run(c).changes === 1) return { status: 'claimed' };
    return { status: 'running', action: r.action as string, paramsHash: (r.params_hash as string | null) ?? null };
  });
  const locks = new Set<string>();
  const saveTurn = db.transaction((t: { conversation: Conversation; messages: StoredMessage[]; question?: QuestionLog | undefined }) => {
    q.upsertConv.run({ ...t.conversation, state: JSON.stringify(t.conversation.state) });
    for (const m of t.messages) q.addMsg.run(t.conversation.id, m.role, m.text, m.kind ?? null, m.at);
    if (t.question) q.logQuestion.run(t.question);
  });

  const appendMessages = db.transaction((conversationId: string, messages: StoredMessage[]) => {
    for (const m of messages) q.addMsg.run(conversationId, m.role, m.text, m.kind ?? null, m.at);
  });

  const store: Sync<Omit<Store, 'engine' | 'exclusively'>> = {
    getConversation(id) {
      const r = q.getConv.get(id) as Row | undefined;
      return r ? toConversation(r) : undefined;
    },
    saveConversation(c) {
      q.upsertConv.run({ ...c, state: JSON.stringify(c.state) });
    },
    appendMessages: (id, messages) => appendMessages(id, messages),
    saveTurn: (t) => saveTurn(t),
    transcript: (id, limit = 200) => q.transcript.all(id, limit) as StoredMessage[],
    saveContactRequest(r) {
      durably(() => q.addContact.run({ ...r, transcript: JSON.stringify(r.transcript) }));
    },
    getContactRequest(reference) {
      const r = q.getContact.get(reference) as Row | undefined;
      return r ? toContact(r) : undefined;
    },
    listContactRequests: (tenant, limit = 100) => (q.listContacts.all(tenant, limit) as Row[]).map(toContact),
    findAction(tenant, key) {
      const r = q.findAction.get(tenant, key) as Row | undefined;
      return r ? toAction(r) : undefined;
    },
    recordAction(a) {
      return durably(() => q.addAction.run({ ...a, result: JSON.stringify(a.result) }).changes === 1);
    },
    listActions: (tenant, limit = 100) => (q.listActions.all(tenant, limit) as Row[]).map(toAction),
    claimAction: (c) => claimAction.immediate(c),
    completeAction(a) {
      return durably(() => q.complete.run({ ...a, result: JSON.stringify(a.result) }).changes === 1);
    },
    releaseAction(tenant, key, claimedAt) {
      q.release.run(tenant, key, claimedAt);
    },
    takeToken(key, capacity, windowMs, nowMs) {
      const perMs = capacity / windowMs;
      const r = q.takeToken.get({ key, capacity, now: nowMs, perMs }) as { tokens: number; granted: number };
      return r.granted ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - r.tokens) / perMs / 1000)) };
    },
    addOutbox(m) {
      q.addOutbox.run(m);
    },
    listOutbox: (tenant, limit = 100) =>
      (q.listOutbox.all({ tenant: tenant ?? null, limit }) as Row[]).map(toOutbox),
    logQuestion(x) {
      q.logQuestion.run(x);
    },
    questions: (tenant, since) =>
      (q.questions.all(tenant, since) as Row[]).map(toQuestion),
    addFeedback(f) {
      q.addFeedback.run({ ...f, helpful: f.helpful ? 1 : 0 });
    },
    feedback: (tenant, since) =>
      (q.feedback.all(tenant, since) as Row[]).map((r) => ({
        tenant: r.tenant as string,
        lang: r.lang as Feedback['lang'],
        entryId: r.entry_id as string,
        helpful: r.helpful === 1,
        reason: (r.reason as string | null) ?? null,
        source: r.source as Feedback['source'],
        at: r.at as string,
      })),
    addSuggestion(x) {
      q.addSuggestion.run({ tenant: x.tenant, lang: x.lang, entryId: x.entryId, phrasing: x.phrasing, at: x.at });
    },
    suggestions: (tenant) =>
      (q.suggestions.all(tenant) as Row[]).map(toSuggestion),
    purgeBatch(kind: PurgeKind, before: string, limit: number) {
      if (kind === 'conversations') return purgeConversations(before, limit);
      if (kind === 'rateBuckets') return q.purgeBuckets.run(Date.parse(before), limit).changes;
      return q.purge[kind].run(before, limit).changes;
    },
    getJson(key) {
      const r = q.getKv.get(key) as { value: string } | undefined;
      return r ? JSON.parse(r.value) : undefined;
    },
    setJson(key, value) {
      q.setKv.run(key, JSON.stringify(value));
    },
    probe() {
      if (broken) return broken;
      if (!fileIntact()) return { ok: false, reason: 'gone' };
      try {
        q.probe.run(new Date().toISOString());
        return { ok: true };
      } catch (err) {
        return failure(err);
      }
    },
    ready() {},
    close() {
      if (db.open) db.close();
    },
  };

  /** What a database error means for readiness; corruption is remembered. */
  const failure = (err: unknown): Exclude<StoreHealth, { ok: true }> => {
    const code = String((err as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
      broken = { ok: false, reason: 'corrupt' };
      return broken;
    }
    return { ok: false, reason: !fileIntact() ? 'gone' : 'unwritable' };
  };

  // Every database call: a SQLite failure becomes StoreUnavailableError (503 at the edge, never an
  // acknowledgement), and a write first checks that the file it goes to is still the one on disk. The
  // calls run synchronously (better-sqlite3) and answer through the interface's promises.
  const WRITES = new Set<keyof Store>([
    'saveConversation', 'appendMessages', 'saveTurn', 'saveContactRequest', 'recordAction', 'claimAction', 'completeAction', 'releaseAction',
    'takeToken', 'addOutbox', 'logQuestion', 'addFeedback', 'addSuggestion', 'purgeBatch', 'setJson',
  ]);
  const guarded: Record<string, unknown> = {
    engine: 'sqlite',
    // One process per SQLite file: a lock within the process is enough.
    async exclusively<T>(name: string, task: () => Promise<T>) {
      if (locks.has(name)) return { ran: false };
      locks.add(name);
      try {
        return { ran: true, value: await task() };
      } finally {
        locks.delete(name);
      }
    },
  };
  for (const name of Object.keys(store) as (keyof typeof store)[]) {
    const method = store[name] as (...args: unknown[]) => unknown;
    if (name === 'probe' || name === 'close' || name === 'ready') {
      guarded[name] = async () => method();
      continue;
    }
    const write = WRITES.has(name);
    guarded[name] = async (...args: unknown[]) => {
      if (broken) throw new StoreUnavailableError(broken.reason);
      if (write && !fileIntact()) throw new StoreUnavailableError('gone');
      try {
        return method(...args);
      } catch (err) {
        if (err instanceof Database.SqliteError) throw new StoreUnavailableError(failure(err).reason, { cause: err });
        throw err;
      }
    };
  }
  return guarded as unknown as Store;
}

/** The same methods answering at once: what better-sqlite3 does underneath the interface's promises. */
type Sync<S> = { [K in keyof S]: S[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : S[K] };
