/**
 * Watches the editor folders (and every folder under them) and calls back once a burst of saves has
 * settled. One non-recursive watcher per folder, kept in step with the tree after each change, works
 * the same on every platform and sees editors' save-by-rename as well as plain writes.
 */
import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export type WatchOptions = {
  /** Quiet time after the last change before the callback runs (an editor's save is several events). */
  debounceMs?: number;
  /** A folder that cannot be watched; watching goes on for the others. */
  onError?: (err: Error, dir: string) => void;
};

const DEFAULT_OPTIONS: Required<Omit<WatchOptions, 'onError'>> = { debounceMs: 200 };

export type FolderWatcher = { close(): void };

/** Editor and system leftovers that are not content: swap files, backups, hidden files. */
const IGNORED = /(^\.|~$|\.swp$|\.swx$|\.tmp$|^4913$)/;

/**
 * @param roots folders to watch with everything under them
 * @param onChange called with the changed file names (relative to their folder) after the quiet time
 */
export function watchFolders(roots: string[], onChange: (changed: string[]) => void, options: WatchOptions = {}): FolderWatcher {
  const { debounceMs } = { ...DEFAULT_OPTIONS, ...options };
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  let closed = false;

  const fire = () => {
    timer = undefined;
    if (closed) return;
    // Folders may have come or gone with this change (a new tenant, a renamed folder).
    sync();
    const names = [...changed];
    changed = new Set();
    onChange(names);
  };

  const schedule = (name: string) => {
    changed.add(name);
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
    timer.unref();
  };

  const add = (dir: string) => {
    try {
      const w = watch(dir, { persistent: false }, (_event, filename) => {
        const name = filename ? String(filename) : '';
        if (name && IGNORED.test(name)) return;
        schedule(name ? join(dir, name) : dir);
      });
      w.on('error', (err) => {
        // The folder went away: forget it; the next change re-reads the tree.
        w.close();
        watchers.delete(dir);
        if (!closed) schedule(dir);
        options.onError?.(err, dir);
      });
      watchers.set(dir, w);
    } catch (err) {
      options.onError?.(err as Error, dir);
    }
  };

  const sync = () => {
    const wanted = new Set(roots.flatMap(foldersUnder));
    for (const [dir, w] of watchers) {
      if (!wanted.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of wanted) if (!watchers.has(dir)) add(dir);
  };

  sync();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/** The folder and every folder under it, hidden ones left out. */
function foldersUnder(root: string): string[] {
  const out = [root];
  try {
    for (const d of readdirSync(root, { withFileTypes: true })) {
      if (d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules') out.push(...foldersUnder(join(root, d.name)));
    }
  } catch {
    // A folder that vanished while listing: the next change lists again.
    return [];
  }
  return out;
}
