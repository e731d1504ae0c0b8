/** Opens the store the configuration asks for: PostgreSQL with DATABASE_URL, else the SQLite file under DATA_DIR. */
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { openPostgresStore } from './postgres.ts';
import { tryOpenSqliteStore, type OpenResult } from './sqlite.ts';

export function openStore(config: Pick<Config, 'dataDir' | 'database'>, options: { onIdleError?: (err: Error) => void } = {}): OpenResult {
  if (config.database) {
    return { ok: true, store: openPostgresStore({ url: config.database.url, poolMax: config.database.poolMax, ...options }) };
  }
  return tryOpenSqliteStore(join(config.dataDir, 'assistant.db'));
}
