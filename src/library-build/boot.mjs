// Starts a library worker: registers tsx, so the worker runs the TypeScript sources as the server does
// whatever started the process (node with tsx, the test runner), then loads the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
