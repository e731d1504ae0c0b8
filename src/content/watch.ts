/**
 * Watches the editor folders (and every folder under them) and calls back once a burst of saves has
 * settled. One non-recursive watcher per folder, kept in step with the tree after each change, works
 * the same on every platform and sees editors' save-by-rename as well as plain writes.
 *
 * A deploy may also replace a whole folder (`mv content content.old && mv content.new content`). A
 * watcher follows the folder it was opened on, not its name, so the parent of each root is watched for
 * that name too, and every folder is re-opened when the one under its path is no longer the same.
 * (chokidar 5 was tried first: it misses such a swap of the folder it watches.)
 */
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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

/** Which folder a path names now (device and inode), or undefined when there is none. */
function identity(dir: string): string | undefined {
  try {
    const s = statSync(dir);
    return s.isDirectory() ? `${s.dev}:${s.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param roots folders to watch with everything under them
 * @param onChange called with the changed file names (relative to their folder) after the quiet time
 */
export function watchFolders(roots: string[], onChange: (changed: string[]) => void, options: WatchOptions = {}): FolderWatcher {
  const { debounceMs } = { ...DEFAULT_OPTIONS, ...options };
  const absolute = roots.map((r) => resolve(r));
  const watchers = new Map<string, { w: FSWatcher; id: string | undefined }>();
  const parents: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  let closed = false;

  const fire = () => {
    timer = undefined;
    if (closed) return;
    const names = [...changed];
    changed = new Set();
    // Folders may have come or gone with this change (a new tenant, a renamed or replaced folder): the
    // tree is listed again. Not after an edit of files in folders already watched, the usual change:
    // listing every folder of many tenants holds the thread for tens of milliseconds, a stat per file not.
    if (!names.every((name) => watchers.has(dirname(name)) && isFile(name))) sync();
    onChange(names);
  };

  const schedule = (name: string) => {
    if (closed) return;
    changed.add(name);
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
    timer.unref();
  };

  const forget = (dir: string) => {
    watchers.get(dir)?.w.close();
    watchers.delete(dir);
  };

  const add = (dir: string) => {
    try {
      const id = identity(dir);
      const w = watch(dir, { persistent: false }, (_event, filename) => {
        const name = filename ? String(filename) : '';
        if (name && IGNORED.test(name)) return;
        schedule(name ? join(dir, name) : dir);
      });
      w.on('error', (err) => {
        // The folder went away: forget it; the next change re-reads the tree.
        if (watchers.get(dir)?.w === w) forget(dir);
        else w.close();
        schedule(dir);
        options.onError?.(err, dir);
      });
      watchers.set(dir, { w, id });
    } catch (err) {
      options.onError?.(err as Error, dir);
    }
  };

  const sync = () => {
    const wanted = new Set(absolute.flatMap(foldersUnder));
    for (const [dir, { id }] of watchers) {
      // Gone, or another folder now under that name (the old one was moved away): watch what is there now.
      if (!wanted.has(dir) || identity(dir) !== id) forget(dir);
    }
    for (const dir of wanted) if (!watchers.has(dir)) add(dir);
  };

  // The parents see a root being renamed away, replaced or brought back.
  for (const root of absolute) {
    const name = basename(root);
    try {
      const w = watch(dirname(root), { persistent: false }, (_event, filename) => {
        if (!filename || String(filename) === name) schedule(root);
      });
      w.on('error', (err) => options.onError?.(err, dirname(root)));
      parents.push(w);
    } catch (err) {
      options.onError?.(err as Error, dirname(root));
    }
  }

  sync();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const { w } of watchers.values()) w.close();
      for (const w of parents) w.close();
      watchers.clear();
    },
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
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
