/**
 * What the library workers built, kept on disk per content version and code version: a restart with
 * unchanged content, or a second instance on the same data folder, reads each tenant's indexes and
 * model instead of learning them again. A part is named after the key of what it is built from (the
 * tenant's files, the shared files, the flows) and the worker's own code (a new release learns anew).
 * The cache only ever saves time: a file that cannot be read or written is as good as none.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

export type PartCache = {
  /** The part kept under this name, or undefined. */
  read<T>(name: string): T | undefined;
  /** Keeps a part named `<prefix>_<key>`, and drops the other versions of it (same prefix). */
  write(name: string, prefix: string, part: unknown): void;
};

const SUFFIX = '.part';

export function createPartCache(dir: string | undefined, codeVersion: string | undefined): PartCache | undefined {
  // Without a folder, or from the sources (no fixed code version), nothing is kept.
  if (!dir || !codeVersion) return undefined;
  const file = (name: string) => join(dir, `${name}_${codeVersion}${SUFFIX}`);
  return {
    read<T>(name: string) {
      try {
        return deserialize(readFileSync(file(name))) as T;
      } catch {
        return undefined;
      }
    },
    write(name, prefix, part) {
      try {
        mkdirSync(dir, { recursive: true });
        const target = file(name);
        // Written aside, then renamed: another process reading at the same time never reads half a file.
        const partial = `${target}.${process.pid}.tmp`;
        writeFileSync(partial, serialize(part));
        renameSync(partial, target);
        for (const f of readdirSync(dir)) if (f.startsWith(`${prefix}_`) && f.endsWith(SUFFIX) && join(dir, f) !== target) rmSync(join(dir, f), { force: true });
      } catch {
        // A read-only or full disk: the part is built again next time.
      }
    },
  };
}

/** The code version of a bundled worker, from its file name (`library-worker-<hash>.mjs`); none from the sources. */
export const codeVersionOf = (url: string): string | undefined => /library-worker-([0-9a-f]{16})\.mjs$/.exec(url)?.[1];
