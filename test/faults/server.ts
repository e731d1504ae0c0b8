/**
 * Runs the production entry point (src/index.ts) as a child process on a free port, for tests that
 * signal or kill it, and a fake insurer API on 127.0.0.1 for the http action backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../helpers/app.ts';

export type RunningServer = {
  child: ChildProcess;
  base: string;
  /** Everything the process wrote, for failure messages. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Starts `node --import tsx src/index.ts` (no npx in between, so signals reach the server itself). */
export function startServer(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/index.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      CONTENT_DIR: join(ROOT, 'content'),
      LOCALES_DIR: join(ROOT, 'locales'),
      WATCH_CONTENT: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      // pino writes one JSON object per line; the start line carries the URL with the real port.
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const url = (JSON.parse(line) as { url?: string }).url;
          if (url) {
            clearTimeout(timer);
            child.stdout!.off('data', onData);
            child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
            resolve({ child, base: url.replace(/\/$/, ''), output: () => out, exited });
            return;
          }
        } catch {
          // a partial line: wait for the rest
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
}

export type FakeInsurer = {
  url: string;
  /** Requests received, in order. */
  calls: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
};

/** A local stand-in for the insurer's API; `handle` decides each answer (it may wait before answering). */
export async function fakeInsurer(handle: (req: { method: string; path: string; body: string; n: number }, res: ServerResponse) => void | Promise<void>): Promise<FakeInsurer> {
  const calls: FakeInsurer['calls'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      void Promise.resolve(handle({ method: req.method ?? '', path: req.url ?? '', body, n: calls.length }, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
