/** Reads the process environment into a typed Config; a bad value stops start-up with a clear message. */
import { z } from 'zod';

const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  CONTENT_DIR: z.string().min(1).default('./content'),
  LOCALES_DIR: z.string().min(1).default('./locales'),
  /** Where `/` leads; unset: the first tenant folder of the content, in alphabetical order. */
  DEFAULT_TENANT: z.string().min(1).optional(),
  /** Secret shared with the portals to sign visitor tokens (HS256). Without it no token is accepted. */
  PORTAL_TOKEN_SECRET: z.string().optional(),
  /** Longest lifetime of a portal token (exp minus iat, or minus now without iat), in seconds. */
  PORTAL_TOKEN_MAX_LIFETIME: z.coerce.number().int().positive().default(3600),
  /**
   * Token that opens the editor pages (status, insights); without it they are closed. Long enough that
   * guessing it is hopeless even before the sign-in throttle counts.
   */
  EDITOR_TOKEN: z.string().min(32, 'at least 32 characters (for example `openssl rand -base64 32`)').optional(),
  /** Token that opens GET /metrics from anywhere; without it, only clients on this machine get it. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** "production" asks for every setting a live service needs: no demo unless said so. */
  NODE_ENV: z.string().optional(),
  /**
   * The public origin of the service (https://help.example.ch): canonical and hreflang links, the sitemap
   * and robots.txt are built from it, never from the request's Host header. Unset: from Host in
   * development; in production no absolute link is built (and the server warns at start).
   */
  PUBLIC_URL: z
    .url()
    .refine((u) => /^https?:\/\/[^/]+\/?$/.test(u), 'an origin without a path, such as https://help.example.ch')
    .transform((u) => new URL(u).origin)
    .optional(),
  /** Unset: `demo` in development; in production it must be set (`http`, or `demo` on purpose). */
  ACTIONS_BACKEND: z.enum(['demo', 'http']).optional(),
  /** The demo backend's outbox page (/demo/outbox); unset: shown in development only. */
  DEMO_PAGES: z.enum(['true', 'false']).optional(),
  ACTIONS_BASE_URL: z.url().optional(),
  ACTIONS_TOKEN: z.string().optional(),
  ACTIONS_TIMEOUT_MS: z.coerce.number().int().positive().default(4000),
  /** Days to keep question logs, feedback and suggested phrasings. */
  LOG_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  /** Days to keep a conversation and its messages after its last turn; unset: LOG_RETENTION_DAYS. */
  CONVERSATION_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  /** Days to keep contact requests (support works on them longer than on logs). */
  CONTACT_RETENTION_DAYS: z.coerce.number().int().positive().default(365),
  /** postgres://user:password@host:port/database: PostgreSQL instead of the SQLite file under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// address')
    .optional(),
  /** Connections each instance keeps open to PostgreSQL at most. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Set to "false" to turn off watching content/ and locales/ for changes. */
  WATCH_CONTENT: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Requests per minute from one IP address (token bucket; /healthz and /static are not counted). */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1000),
  /** Chat turns per minute in one conversation (API and chat form). */
  RATE_LIMIT_CONVERSATION_PER_MINUTE: z.coerce.number().int().positive().default(60),
  /** Calls of /api/actions per hour for one account identifier (e-mail, insured number, token subject). */
  RATE_LIMIT_ACCOUNT_PER_HOUR: z.coerce.number().int().positive().default(30),
  /** Contact requests per hour from one client address (API and chat). */
  RATE_LIMIT_CONTACT_PER_HOUR: z.coerce.number().int().positive().default(10),
  /** Contact requests per hour in one conversation. */
  RATE_LIMIT_CONTACT_CONVERSATION_PER_HOUR: z.coerce.number().int().positive().default(3),
  /** "true" behind a reverse proxy: the client address is then the last one in X-Forwarded-For. */
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /**
   * Client addresses never limited per address: "loopback" (this machine: health checks, a local proxy
   * without TRUST_PROXY, evaluation scripts), "none", or a comma-separated list. Conversation and account
   * limits still apply to them.
   */
  RATE_LIMIT_EXEMPT: z.string().default('loopback'),
});

export type Config = {
  host: string;
  port: number;
  dataDir: string;
  contentDir: string;
  localesDir: string;
  defaultTenant: string | undefined;
  portalTokenSecret: string | undefined;
  portalTokenMaxLifetime: number;
  editorToken: string | undefined;
  metricsToken: string | undefined;
  /** NODE_ENV=production. */
  production: boolean;
  /** PUBLIC_URL's origin. */
  publicUrl: string | undefined;
  /** The demo outbox page is served (only ever with the demo backend). */
  demoPages: boolean;
  actions:
    | { backend: 'demo' }
    | { backend: 'http'; baseUrl: string; token: string | undefined; timeoutMs: number };
  logRetentionDays: number;
  retention: { logDays: number; conversationDays: number; contactDays: number };
  /** PostgreSQL when set, else the SQLite file under dataDir. */
  database: { url: string; poolMax: number } | undefined;
  watchContent: boolean;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  rateLimits: {
    perIpPerMinute: number;
    perConversationPerMinute: number;
    perAccountPerHour: number;
    contactPerAddressPerHour: number;
    contactPerConversationPerHour: number;
    trustProxy: boolean;
    exempt: string[];
  };
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
  const production = e.NODE_ENV === 'production';
  if (production && !e.ACTIONS_BACKEND) {
    return { ok: false, errors: ['ACTIONS_BACKEND: required with NODE_ENV=production (http for the insurer\'s account backend; demo only to run a demonstration on purpose)'] };
  }
  const backend = e.ACTIONS_BACKEND ?? 'demo';
  if (backend === 'http' && !e.ACTIONS_BASE_URL) {
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
      portalTokenMaxLifetime: e.PORTAL_TOKEN_MAX_LIFETIME,
      editorToken: e.EDITOR_TOKEN,
      metricsToken: e.METRICS_TOKEN,
      production,
      publicUrl: e.PUBLIC_URL,
      demoPages: backend === 'demo' && (e.DEMO_PAGES ? e.DEMO_PAGES === 'true' : !production),
      actions:
        backend === 'http'
          ? { backend: 'http', baseUrl: e.ACTIONS_BASE_URL!, token: e.ACTIONS_TOKEN, timeoutMs: e.ACTIONS_TIMEOUT_MS }
          : { backend: 'demo' },
      logRetentionDays: e.LOG_RETENTION_DAYS,
      retention: {
        logDays: e.LOG_RETENTION_DAYS,
        conversationDays: e.CONVERSATION_RETENTION_DAYS ?? e.LOG_RETENTION_DAYS,
        contactDays: e.CONTACT_RETENTION_DAYS,
      },
      database: e.DATABASE_URL ? { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX } : undefined,
      watchContent: e.WATCH_CONTENT === 'true',
      logLevel: e.LOG_LEVEL,
      rateLimits: {
        perIpPerMinute: e.RATE_LIMIT_PER_MINUTE,
        perConversationPerMinute: e.RATE_LIMIT_CONVERSATION_PER_MINUTE,
        perAccountPerHour: e.RATE_LIMIT_ACCOUNT_PER_HOUR,
        contactPerAddressPerHour: e.RATE_LIMIT_CONTACT_PER_HOUR,
        contactPerConversationPerHour: e.RATE_LIMIT_CONTACT_CONVERSATION_PER_HOUR,
        trustProxy: e.TRUST_PROXY === 'true',
        exempt:
          e.RATE_LIMIT_EXEMPT === 'none'
            ? []
            : e.RATE_LIMIT_EXEMPT.split(',').flatMap((a) => (a.trim() === 'loopback' ? ['127.0.0.1', '::1', '::ffff:127.0.0.1'] : a.trim() ? [a.trim()] : [])),
      },
    },
  };
}
