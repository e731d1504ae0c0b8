/**
 * PostgreSQL for tests: DATABASE_URL names a server (CI starts a throw-away one, see .ci/run); each test
 * file gets a database of its own on it, dropped afterwards. Without DATABASE_URL the PostgreSQL tests are
 * skipped with a message, except under CI=true, where a missing PostgreSQL is a failure.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { it } from 'vitest';

export const PG_URL = process.env.DATABASE_URL || undefined;
const CI = process.env.CI === 'true';

export const SKIP_MESSAGE = 'PostgreSQL tests skipped: set DATABASE_URL=postgres://user@host:port/db to run them (.ci/run starts a server; with CI=true they are required)';

let told = false;
/** True when the PostgreSQL tests should be skipped here (a skipped test says so); under CI=true adds a failing test instead. */
export function withoutPostgres(): boolean {
  if (PG_URL) return false;
  if (CI) {
    it('has a PostgreSQL server to test against (CI=true)', () => {
      throw new Error('DATABASE_URL is not set: CI must run the PostgreSQL tests (see .ci/run)');
    });
    return true;
  }
  if (!told) {
    console.warn(SKIP_MESSAGE);
    told = true;
  }
  // Shown as skipped in the summary, with the reason (an empty suite would count as a failure).
  it.skip(`needs PostgreSQL (DATABASE_URL is not set)`, () => {});
  return true;
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

/** A new, empty database on the test server; `drop()` removes it (closing what still uses it). */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!PG_URL) throw new Error(SKIP_MESSAGE);
  const name = `help_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(PG_URL, name),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
