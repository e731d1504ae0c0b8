/**
 * Brings a database's schema up to date with MIGRATIONS, once per database: the versions applied are
 * kept in schema_migrations. SQLite migrates inside one write transaction (the file lock keeps a second
 * process out); PostgreSQL under an advisory lock, so instances starting together apply each version
 * once and the others wait, then find nothing left to do.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

const TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;

/** The advisory lock's key: any fixed number other applications on the database are unlikely to use. */
export const MIGRATION_LOCK = 7_310_422_001;

/** The newest version a migration list reaches. */
export const latestVersion = (migrations: readonly Migration[] = MIGRATIONS) => Math.max(0, ...migrations.map((m) => m.version));

/** Applies what is missing; returns the versions applied now. */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const applied: number[] = [];
  db.exec(TABLE);
  db.transaction(() => {
    const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      for (const sql of m.statements('sqlite')) db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      applied.push(m.version);
    }
  }).immediate();
  return applied;
}

/** Applies what is missing, each version in its own transaction, under the advisory lock. */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(TABLE);
      const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          for (const sql of m.statements('postgres')) await client.query(sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
        applied.push(m.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
  return applied;
}
