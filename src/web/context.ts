/** What the HTTP layer is given: live content, the clock, the logger and (later) storage and actions. */
import type { Logger } from 'pino';
import type { SearchLog } from '../insights/search-log.ts';
import type { Library } from '../library.ts';

export type WebDeps = {
  /** The content now serving; live reload swaps what this returns. */
  library: () => Library;
  /** Problems of the last reload that did not take (the previous content keeps serving). */
  contentErrors: () => string[];
  defaultTenant: string;
  clock: () => Date;
  logger: Logger;
  /** Longest accepted lifetime of a portal token, in seconds (PORTAL_TOKEN_MAX_LIFETIME). */
  portalTokenMaxLifetime?: number;
  /**
   * Where absolute links point: PUBLIC_URL's origin; `null` builds none (production without PUBLIC_URL);
   * unset: the request's own origin (development, tests).
   */
  publicOrigin?: string | null;
  /** Notes searches that found nothing, for the editors' insights. */
  searchLog?: Pick<SearchLog, 'searched'>;
};

export type Env = {
  Variables: {
    lang?: import('../content/types.ts').Lang;
    /** Host origins allowed to frame this response (the chat page, for the widget). */
    frameAncestors?: string[];
    /** The response shows what anyone may read, nothing of a visitor's (help and FAQ pages, a fresh chat). */
    publicContent?: boolean;
    /** The client address the per-address limits count (unset for an exempt address, such as this machine). */
    client?: string;
    /** This request's id (X-Request-Id, given or made), on every log line it writes. */
    requestId: string;
    /** The logger of this request: a child of the process's carrying the request id. */
    logger: Logger;
  };
};

/**
 * The origin absolute links are built on: the configured public one, none, or (in development) the
 * request's, which comes from its Host header and so from whoever sent it.
 */
export function linkOrigin(c: { req: { url: string } }, deps: Pick<WebDeps, 'publicOrigin'>): string | undefined {
  if (deps.publicOrigin === null) return undefined;
  return deps.publicOrigin ?? new URL(c.req.url).origin;
}
