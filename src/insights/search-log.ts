/**
 * Logs searches of the help page and /api/search that found nothing (personal data removed), so editors
 * see what visitors could not find. The help page searches as the visitor types: of such a burst only
 * the last query counts, not "mot", "mot de" and "mot de p" on the way.
 */
import type { Lang } from '../content/types.ts';
import { StoreUnavailableError, type Store } from '../store/types.ts';
import { redact } from './redact.ts';

export type SearchEvent = {
  tenant: string;
  lang: Lang;
  query: string;
  /** How many results the visitor got. */
  found: number;
  /** Sent while typing (the help page's live search): kept back until the visitor stops typing. */
  typing?: boolean;
  /** Who types: the page's tab, else the client's address. Another visitor's search never ends a burst. */
  visitor?: string | undefined;
};

export type SearchLog = {
  searched(e: SearchEvent): void;
  /** Writes what is kept back, and waits for writes under way (used on shutdown). */
  close(): Promise<void>;
};

export type SearchLogOptions = {
  store: Store;
  clock: () => Date;
  /** How long a typed query that found nothing waits for the visitor to type on. */
  settleMs?: number;
  /** Told of a failure that is not the database's (a bug), which a search does not wait for. */
  onError?: (err: unknown) => void;
};

const DEFAULT_SETTLE_MS = 3000;
/** Shorter typed queries are half-words on the way to a question. */
const MIN_TYPED = 3;
const MAX_LOGGED = 500;

const comparable = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/** One query grew out of the other: it starts with it, or differs only in its last few letters. */
function sameBurst(earlier: string, later: string): boolean {
  const [a, b] = [comparable(earlier), comparable(later)];
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const shorter = Math.min(a.length, b.length);
  return common === shorter || (common >= MIN_TYPED && common >= shorter - 3);
}

export function createSearchLog({ store, clock, settleMs = DEFAULT_SETTLE_MS, onError = () => {} }: SearchLogOptions): SearchLog {
  type Pending = { e: SearchEvent; at: string; timer: NodeJS.Timeout };
  // One pending query per visitor, tenant and language: a live search burst is one visitor typing.
  const pending = new Map<string, Pending>();

  // The log is for the editors, not the visitor: a search still answers when the database does not take
  // the line (readiness reports the database; a timer's write must not throw into the void either).
  // Writes are not awaited by the search; close() waits for those under way.
  const writing = new Set<Promise<void>>();
  const write = (e: SearchEvent, at: string) => {
    const w = logLine(e, at)
      .catch((err: unknown) => {
        if (!(err instanceof StoreUnavailableError)) onError(err);
      })
      .finally(() => writing.delete(w));
    writing.add(w);
  };
  const logLine = (e: SearchEvent, at: string) =>
    store.logQuestion({
      tenant: e.tenant,
      lang: e.lang,
      question: redact(e.query).slice(0, MAX_LOGGED),
      outcome: 'unanswered',
      entryId: null,
      topic: null,
      source: 'search',
      at,
    });

  const flush = (key: string) => {
    const p = pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(key);
    write(p.e, p.at);
  };

  return {
    searched(e) {
      const query = e.query.trim();
      if (!query) return;
      const key = `${e.tenant}|${e.lang}|${e.visitor ?? ''}`;
      const before = pending.get(key);
      if (before) {
        // The same visitor typing on or correcting a typo: the earlier query was not the question.
        if (sameBurst(before.e.query, query)) {
          clearTimeout(before.timer);
          pending.delete(key);
        } else flush(key);
      }
      if (e.found > 0) return;
      const at = clock().toISOString();
      if (!e.typing) {
        write(e, at);
        return;
      }
      if (query.length < MIN_TYPED) return;
      const timer = setTimeout(() => flush(key), settleMs);
      timer.unref();
      pending.set(key, { e: { ...e, query }, at, timer });
    },
    async close() {
      for (const key of [...pending.keys()]) flush(key);
      await Promise.all(writing);
    },
  };
}
