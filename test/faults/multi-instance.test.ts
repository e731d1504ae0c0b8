/**
 * Two instances of the production entry point on one PostgreSQL database, with no sticky sessions: a
 * conversation moves between them turn by turn; twenty requests with one Idempotency-Key spread over both
 * run the action once; the per-account limit holds across both; one instance killed with SIGKILL
 * mid-conversation and the other continues it. Needs DATABASE_URL (see test/helpers/postgres.ts).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, withoutPostgres } from '../helpers/postgres.ts';
import { startServer, type RunningServer } from './server.ts';

type Reply = { conversationId: string; reply: { kind: string; text: string; flow: { id: string; step: string } | null; choices: { id: string }[] } };

async function chat(base: string, body: Record<string, unknown>): Promise<Reply> {
  const res = await fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'kpt', lang: 'fr', ...body }) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Reply;
}

const passwordReset = (base: string, identifier: string, key: string) =>
  fetch(`${base}/api/actions/password-reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ tenant: 'atupri', lang: 'fr', params: { identifier } }),
  });

describe('several instances on one PostgreSQL database', () => {
  if (withoutPostgres()) return;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: pg.Pool;
  let a: RunningServer;
  let b: RunningServer;
  const env = () => ({ DATABASE_URL: db.url, RATE_LIMIT_ACCOUNT_PER_HOUR: '25', DATA_DIR: '/nonexistent/must-not-be-used' });

  beforeAll(async () => {
    db = await freshDatabase();
    sql = new pg.Pool({ connectionString: db.url, max: 2 });
    // Started together: the schema is migrated once, under the lock.
    [a, b] = await Promise.all([startServer(env(), 120_000), startServer(env(), 120_000)]);
  }, 240_000);

  afterAll(async () => {
    for (const s of [a, b]) if (s && s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
    await Promise.all([a, b].filter(Boolean).map((s) => s.exited));
    await sql?.end();
    await db?.drop();
  }, 60_000);

  it('migrated the schema once and both are ready', async () => {
    expect((await fetch(`${a.base}/readyz`)).status).toBe(200);
    expect((await fetch(`${b.base}/readyz`)).status).toBe(200);
    const versions = (await sql.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => Number(r.version));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('continues a conversation on whichever instance the next turn reaches', async () => {
    const first = await chat(a.base, { message: "je n'arrive pas à me connecter au CPTnet" });
    expect(first.reply.flow).toEqual({ id: 'login-trouble', step: 'problem' });
    const id = first.conversationId;
    const second = await chat(b.base, { conversationId: id, choice: 'code' });
    expect(second.reply.flow?.step).toBe('code-checks');
    const third = await chat(a.base, { conversationId: id, choice: 'resend' });
    expect(third.reply.flow?.step).toBe('resend-ask');
    const fourth = await chat(b.base, { conversationId: id, message: 'KPT12345678' });
    expect(fourth.reply.flow?.step).toBe('code-sent');
    const messages = (await sql.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [id])).rows[0].n;
    expect(messages).toBe(8);
  });

  it('runs an action once for twenty requests with one Idempotency-Key spread over both', async () => {
    const email = 'anna.muster@example.ch';
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => passwordReset(i % 2 ? a.base : b.base, email, 'multi-instance-key-0001')));
    const bodies = await Promise.all(responses.map(async (r) => ({ status: r.status, body: (await r.json()) as { reference?: string } })));
    expect(bodies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(bodies.map((r) => r.body.reference)).size).toBe(1);
    const sent = (await sql.query("SELECT count(*)::int AS n FROM outbox WHERE recipient = $1 AND subject = 'Password reset'", [email])).rows[0].n;
    expect(sent).toBe(1);
  });

  it('holds the per-account limit across both instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await passwordReset(i % 2 ? a.base : b.base, 'someone.else@example.ch', `limit-across-${String(i).padStart(4, '0')}`)).status);
    expect(statuses.slice(0, 25)).toEqual(Array(25).fill(200));
    expect(statuses.slice(25)).toEqual(Array(5).fill(429));
  });

  it('lets the other instance continue a conversation when one is killed with SIGKILL', async () => {
    const first = await chat(a.base, { message: "je n'arrive pas à me connecter au CPTnet" });
    await chat(a.base, { conversationId: first.conversationId, choice: 'code' });
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    const next = await chat(b.base, { conversationId: first.conversationId, choice: 'resend' });
    expect(next.reply.flow?.step).toBe('resend-ask');
    const done = await chat(b.base, { conversationId: first.conversationId, message: 'KPT 1234 5678' });
    expect(done.reply.flow?.step).toBe('code-sent');
  });
});
