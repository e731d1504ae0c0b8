/**
 * Parsed files kept between loads by a process that reloads often: YAML and Markdown of a file that did
 * not change are not parsed again. Entries a load did not use are dropped at its end, so the cache holds
 * one version of the content, not its history.
 */
export type ParseCache = {
  /** The value made for `key` before, or `make()`'s now. Values are shared between loads: never change them. */
  get<T>(key: string, make: () => T): T;
  /** Drops what was not asked for since the last sweep. */
  sweep(): void;
};

export function createParseCache(): ParseCache {
  let kept = new Map<string, unknown>();
  let used = new Map<string, unknown>();
  return {
    get<T>(key: string, make: () => T): T {
      if (used.has(key)) return used.get(key) as T;
      const value = kept.has(key) ? (kept.get(key) as T) : make();
      used.set(key, value);
      return value;
    },
    sweep() {
      kept = used;
      used = new Map();
    },
  };
}

/** No cache: every load parses everything (tools that load once). */
export const NO_CACHE: ParseCache = { get: (_key, make) => make(), sweep: () => {} };
