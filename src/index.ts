/**
 * Entry point. The library workers' script is bundled first (in esbuild's own process) while this
 * thread loads the server's code: each takes a second or so, and one after the other they would add up
 * to the start-up. Then the server starts (`serve.ts`).
 */
import { workerScript } from './library-build/bundle.ts';

void workerScript();
await import('./serve.ts');
