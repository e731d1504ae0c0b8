/** Builds the real application for tests: shipped content and locales, a temporary data folder, no watching, no logs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { compose, type Composed } from '../../src/compose.ts';
import { parseConfig } from '../../src/config.ts';
import { holdToOpenApi } from './openapi.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type TestApp = Composed & { dataDir: string; dispose(): Promise<void> };

export function buildApp(env: Record<string, string> = {}): TestApp {
  const dataDir = mkdtempSync(join(tmpdir(), 'help-test-data-'));
  const parsed = parseConfig({
    DATA_DIR: dataDir,
    CONTENT_DIR: join(ROOT, 'content'),
    LOCALES_DIR: join(ROOT, 'locales'),
    WATCH_CONTENT: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  });
  if (!parsed.ok) throw new Error(`test config: ${parsed.errors.join('; ')}`);
  const result = compose(parsed.config, { logger: pino({ level: 'silent' }) });
  if (!result.ok) throw new Error(`test app: ${result.errors.join('\n')}`);
  const composed = result.composed;
  // Every API answer of the tests is held to the public OpenAPI document.
  holdToOpenApi(composed.app);
  return {
    ...composed,
    dataDir,
    async dispose() {
      await composed.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What eta's auto-escaping makes of a text, to look for it in rendered HTML. */
export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
