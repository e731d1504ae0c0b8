/** What the editors' command-line scripts share: their options, --help, the environment's config, the database. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type Config } from '../src/config.ts';
import { openStore } from '../src/store/open.ts';
import type { Store } from '../src/store/types.ts';

/** The script's arguments; `--help` prints the usage and exits. */
export function cliArgs(usage: string) {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(usage);
    process.exit(0);
  }
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return { args, option };
}

/** The configuration from the environment, or a clear message and exit 2. */
export function configOrExit(): Config {
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    console.error(`Configuration error:\n  ${parsed.errors.join('\n  ')}`);
    process.exit(2);
  }
  return parsed.config;
}

/**
 * The database the service writes to, ready: the PostgreSQL one of DATABASE_URL, else the SQLite file in
 * DATA_DIR, which must exist (`nothingYet` says so in the script's words). Else a clear message and exit 1.
 */
export async function existingStoreOrExit(config: Config, nothingYet: string): Promise<Store> {
  const file = join(config.dataDir, 'assistant.db');
  if (!config.database && !existsSync(file)) {
    console.error(`${nothingYet}: ${file} does not exist (DATA_DIR=${config.dataDir}).`);
    process.exit(1);
  }
  const opened = openStore(config);
  if (!opened.ok) {
    console.error(opened.problem);
    process.exit(1);
  }
  try {
    await opened.store.ready();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  return opened.store;
}
