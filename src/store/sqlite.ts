/** The Store on an embedded SQLite database (better-sqlite3, WAL): one file under DATA_DIR. */
import Database from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreUnavailableError, type ContactRequest, type Conversation, type Feedback, type OutboxMessage, type QuestionLog, type RecordedAction, type Store, type StoreHealth, type StoredMessage, type Suggestion } from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, lang TEXT NOT NULL, state TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL,
  kind TEXT, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS messages_conversation ON messages(conversation_id, id);
CREATE TABLE IF NOT EXISTS contact_requests (
  reference TEXT PRIMARY KEY, tenant TEXT NOT NULL, lang TEXT NOT NULL, conversation_id TEXT,
  name TEXT NOT NULL, email TEXT NOT NULL, customer_number TEXT, topic TEXT NOT NULL, message TEXT NOT NULL,
  transcript TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS actions (
  tenant TEXT NOT NULL, idempotency_key TEXT NOT NULL, action TEXT NOT NULL, subject TEXT,
  result TEXT NOT NULL, created_at TEXT NOT NULL, params_hash TEXT, PRIMARY KEY (tenant, idempotency_key));
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
  subject TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS question_log (
  id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, lang TEXT NOT NULL, question TEXT NOT NULL, outcome TEXT NOT NULL,
  entry_id TEXT, topic TEXT, source TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS question_log_tenant_at ON question_log(tenant, at);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY, tenant TEXT NOT NULL, lang TEXT NOT NULL, entry_id TEXT NOT NULL, helpful INTEGER NOT NULL,
  reason TEXT, source TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS feedback_tenant_at ON feedback(tenant, at);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS suggestions (
  tenant TEXT NOT NULL, lang TEXT NOT NULL, entry_id TEXT NOT NULL, phrasing TEXT NOT NULL, count INTEGER NOT NULL,
  last_at TEXT NOT NULL, PRIMARY KEY (tenant, lang, entry_id, phrasing));
`;

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
  db.exec(SCHEMA);
  // Databases written before parameters were fingerprinted get the column; their old records have none.
  const actionColumns = (db.pragma('table_info(actions)') as { name: string }[]).map((c) => c.name);
  if (!actionColumns.includes('params_hash')) db.exec('ALTER TABLE actions ADD COLUMN params_hash TEXT');
}

function storeOn(db: Database.Database, file: string): Store {
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
  let broken: Exclude<StoreHealth, { ok: true }> | undefined;

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
    findAction: db.prepare('SELECT * FROM actions WHERE tenant = ? AND idempotency_key = ?'),
    addAction: db.prepare(
      `INSERT OR IGNORE INTO actions (tenant, idempotency_key, action, subject, result, created_at, params_hash)
       VALUES (@tenant, @idempotencyKey, @action, @subject, @result, @createdAt, @paramsHash)`,
    ),
    listActions: db.prepare('SELECT * FROM actions WHERE tenant = ? ORDER BY created_at DESC LIMIT ?'),
    addOutbox: db.prepare('INSERT INTO outbox (tenant, channel, recipient, subject, body, created_at) VALUES (@tenant, @channel, @recipient, @subject, @body, @createdAt)'),
    listOutbox: db.prepare('SELECT * FROM outbox WHERE (@tenant IS NULL OR tenant = @tenant) ORDER BY id DESC LIMIT @limit'),
    logQuestion: db.prepare(
      'INSERT INTO question_log (tenant, lang, question, outcome, entry_id, topic, source, at) VALUES (@tenant, @lang, @question, @outcome, @entryId, @topic, @source, @at)',
    ),
    questions: db.prepare('SELECT * FROM question_log WHERE tenant = ? AND at >= ? ORDER BY id'),
    addFeedback: db.prepare('INSERT INTO feedback (tenant, lang, entry_id, helpful, reason, source, at) VALUES (@tenant, @lang, @entryId, @helpful, @reason, @source, @at)'),
    feedback: db.prepare('SELECT * FROM feedback WHERE tenant = ? AND at >= ? ORDER BY id'),
    purgeQuestions: db.prepare('DELETE FROM question_log WHERE at < ?'),
    purgeFeedback: db.prepare('DELETE FROM feedback WHERE at < ?'),
    purgeSuggestions: db.prepare('DELETE FROM suggestions WHERE last_at < ?'),
    addSuggestion: db.prepare(
      'INSERT INTO suggestions (tenant, lang, entry_id, phrasing, count, last_at) VALUES (@tenant, @lang, @entryId, @phrasing, 1, @at) ON CONFLICT(tenant, lang, entry_id, phrasing) DO UPDATE SET count = count + 1, last_at = excluded.last_at',
    ),
    suggestions: db.prepare('SELECT * FROM suggestions WHERE tenant = ? ORDER BY count DESC, last_at DESC'),
    getKv: db.prepare('SELECT value FROM kv WHERE key = ?'),
    setKv: db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    probe: db.prepare("INSERT INTO kv (key, value) VALUES ('probe', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
  };

  type Row = Record<string, unknown>;
  const toContact = (r: Row): ContactRequest => ({
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
  const toAction = (r: Row): RecordedAction => ({
    tenant: r.tenant as string,
    action: r.action as string,
    idempotencyKey: r.idempotency_key as string,
    subject: (r.subject as string | null) ?? null,
    paramsHash: (r.params_hash as string | null) ?? null,
    result: JSON.parse(r.result as string),
    createdAt: r.created_at as string,
  });

  /** Runs one write with synchronous = FULL: on disk (with all before it) when it returns. */
  const durably = <T>(write: () => T): T => {
    db.pragma('synchronous = FULL');
    try {
      return write();
    } finally {
      db.pragma('synchronous = NORMAL');
    }
  };

  const appendMessages = db.transaction((conversationId: string, messages: StoredMessage[]) => {
    for (const m of messages) q.addMsg.run(conversationId, m.role, m.text, m.kind ?? null, m.at);
  });

  const store: Store = {
    getConversation(id) {
      const r = q.getConv.get(id) as Row | undefined;
      if (!r) return undefined;
      return {
        id: r.id as string,
        tenant: r.tenant as string,
        lang: r.lang as Conversation['lang'],
        state: JSON.parse(r.state as string),
        createdAt: r.created_at as string,
        updatedAt: r.updated_at as string,
      };
    },
    saveConversation(c) {
      q.upsertConv.run({ ...c, state: JSON.stringify(c.state) });
    },
    appendMessages: (id, messages) => appendMessages(id, messages),
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
    addOutbox(m) {
      q.addOutbox.run(m);
    },
    listOutbox: (tenant, limit = 100) =>
      (q.listOutbox.all({ tenant: tenant ?? null, limit }) as Row[]).map((r) => ({
        id: r.id as number,
        tenant: r.tenant as string,
        channel: r.channel as OutboxMessage['channel'],
        recipient: r.recipient as string,
        subject: r.subject as string,
        body: r.body as string,
        createdAt: r.created_at as string,
      })),
    logQuestion(x) {
      q.logQuestion.run(x);
    },
    questions: (tenant, since) =>
      (q.questions.all(tenant, since) as Row[]).map((r) => ({
        tenant: r.tenant as string,
        lang: r.lang as QuestionLog['lang'],
        question: r.question as string,
        outcome: r.outcome as QuestionLog['outcome'],
        entryId: (r.entry_id as string | null) ?? null,
        topic: (r.topic as string | null) ?? null,
        source: r.source as QuestionLog['source'],
        at: r.at as string,
      })),
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
      (q.suggestions.all(tenant) as Row[]).map((r) => ({
        tenant: r.tenant as string,
        lang: r.lang as Suggestion['lang'],
        entryId: r.entry_id as string,
        phrasing: r.phrasing as string,
        count: r.count as number,
        lastAt: r.last_at as string,
      })),
    purgeBefore(before) {
      return q.purgeQuestions.run(before).changes + q.purgeFeedback.run(before).changes + q.purgeSuggestions.run(before).changes;
    },
    getJson<T>(key: string) {
      const r = q.getKv.get(key) as { value: string } | undefined;
      return r ? (JSON.parse(r.value) as T) : undefined;
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
  // acknowledgement), and a write first checks that the file it goes to is still the one on disk.
  const WRITES = new Set<keyof Store>(['saveConversation', 'appendMessages', 'saveContactRequest', 'recordAction', 'addOutbox', 'logQuestion', 'addFeedback', 'addSuggestion', 'purgeBefore', 'setJson']);
  const guarded = { ...store };
  for (const name of Object.keys(store) as (keyof Store)[]) {
    if (name === 'probe' || name === 'close') continue;
    const method = store[name] as (...args: unknown[]) => unknown;
    const write = WRITES.has(name);
    (guarded as Record<string, unknown>)[name] = (...args: unknown[]) => {
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
  return guarded;
}
