/** Reads the process environment into a typed Config; a bad value stops start-up with a clear message. */
import { z } from 'zod';

const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  CONTENT_DIR: z.string().min(1).default('./content'),
  LOCALES_DIR: z.string().min(1).default('./locales'),
  DEFAULT_TENANT: z.string().min(1).default('atupri'),
  /** Secret shared with the portals to sign visitor tokens (HS256). Without it no token is accepted. */
  PORTAL_TOKEN_SECRET: z.string().optional(),
  /** Token that opens the editor pages (status, insights); without it they are closed. */
  EDITOR_TOKEN: z.string().optional(),
  ACTIONS_BACKEND: z.enum(['demo', 'http']).default('demo'),
  ACTIONS_BASE_URL: z.url().optional(),
  ACTIONS_TOKEN: z.string().optional(),
  ACTIONS_TIMEOUT_MS: z.coerce.number().int().positive().default(4000),
  /** Days to keep question logs and feedback. */
  LOG_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  /** Set to "false" to turn off watching content/ and locales/ for changes. */
  WATCH_CONTENT: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  host: string;
  port: number;
  dataDir: string;
  contentDir: string;
  localesDir: string;
  defaultTenant: string;
  portalTokenSecret: string | undefined;
  editorToken: string | undefined;
  actions:
    | { backend: 'demo' }
    | { backend: 'http'; baseUrl: string; token: string | undefined; timeoutMs: number };
  logRetentionDays: number;
  watchContent: boolean;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
};

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  // Empty variables count as unset, the way shells and .env files are usually written.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  }
  const e = parsed.data;
  if (e.ACTIONS_BACKEND === 'http' && !e.ACTIONS_BASE_URL) {
    return { ok: false, errors: ['ACTIONS_BASE_URL: required when ACTIONS_BACKEND=http'] };
  }
  return {
    ok: true,
    config: {
      host: e.HOST,
      port: e.PORT,
      dataDir: e.DATA_DIR,
      contentDir: e.CONTENT_DIR,
      localesDir: e.LOCALES_DIR,
      defaultTenant: e.DEFAULT_TENANT,
      portalTokenSecret: e.PORTAL_TOKEN_SECRET,
      editorToken: e.EDITOR_TOKEN,
      actions:
        e.ACTIONS_BACKEND === 'http'
          ? { backend: 'http', baseUrl: e.ACTIONS_BASE_URL!, token: e.ACTIONS_TOKEN, timeoutMs: e.ACTIONS_TIMEOUT_MS }
          : { backend: 'demo' },
      logRetentionDays: e.LOG_RETENTION_DAYS,
      watchContent: e.WATCH_CONTENT === 'true',
      logLevel: e.LOG_LEVEL,
    },
  };
}
