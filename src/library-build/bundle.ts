/**
 * The library worker's code as one JavaScript file, bundled by esbuild from the TypeScript sources once
 * per process. A worker started from it is ready in a few hundred milliseconds; one started from the
 * sources through tsx resolves and compiles its hundred-odd modules on a loader thread of its own, 1–2 s
 * of CPU per worker, taken from the cores the build itself needs at start-up. esbuild (tsx's own
 * compiler) runs in a process of its own meanwhile, so this thread goes on loading its code.
 *
 * The file is named after its content in the system's temporary folder: the same code is one file,
 * written once, whatever the number of processes. Should bundling fail, the worker loads its sources
 * through tsx as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Registers tsx, then loads the TypeScript worker (Node 20 does not hand a loader given by --import to a worker early enough for its entry file). */
export const SOURCE_WORKER = new URL('./boot.mjs', import.meta.url);

let bundled: Promise<URL> | undefined;

/** The worker's script: the bundle, or the sources through tsx when it cannot be made. */
export function workerScript(): Promise<URL> {
  bundled ??= bundle().catch(() => SOURCE_WORKER);
  return bundled;
}

async function bundle(): Promise<URL> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // CommonJS packages inside an ES module bundle still call require() for Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const code = result.outputFiles[0]!.contents;
  const file = join(tmpdir(), `library-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(file)) {
    // Written aside, then renamed: another process starting at the same time never reads half a file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return pathToFileURL(file);
}
