/** Wires the real dependencies together from a Config: used by the server, the eval and the bench. */
import { pino, type Logger } from 'pino';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { formatProblem } from './content/types.ts';
import { loadLibrary, type Library } from './library.ts';

export type Composed = {
  app: ReturnType<typeof createApp>;
  library: () => Library;
  logger: Logger;
  close(): void;
};

export type ComposeResult = { ok: true; composed: Composed } | { ok: false; errors: string[] };

export function compose(config: Config, overrides: { clock?: () => Date; logger?: Logger } = {}): ComposeResult {
  const logger = overrides.logger ?? pino({ level: config.logLevel });
  const clock = overrides.clock ?? (() => new Date());
  const loaded = loadLibrary(config, clock);
  if (!loaded.ok) return { ok: false, errors: loaded.problems.map(formatProblem) };
  const library = loaded.library;
  const app = createApp({
    library: () => library,
    contentErrors: () => [],
    defaultTenant: config.defaultTenant,
    clock,
    logger,
  });
  return { ok: true, composed: { app, library: () => library, logger, close: () => {} } };
}
