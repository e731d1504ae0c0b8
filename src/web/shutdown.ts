/**
 * Graceful stop of the node HTTP server: stop accepting connections, answer every request already read
 * (with `Connection: close`, so the client opens no further request on that socket), close keep-alive
 * sockets once they have stayed idle for a moment, then call back.
 *
 * Closing an idle keep-alive socket at once races the client's next request, which may already be on the
 * wire: the client gets a reset for a request nobody read. A socket that carried a request after the stop
 * closes right after its answer, announced by the header. One that stays quiet is closed once it has been
 * idle as long as the keep-alive timeout the server announces (`Keep-Alive: timeout=5`): clients stop
 * reusing a socket before that hint runs out, so none of them is caught sending on it.
 */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

export type ShutdownOptions = {
  /** How long a socket must have been idle before the stop closes it; the server's keepAliveTimeout by default. */
  idleGraceMs?: number;
};

export type GracefulServer = {
  /** Stops the server; `done` runs once every socket is closed. */
  stop(done: () => void): void;
};

type Tracked = { busy: number; idleSince: number };

export function graceful(server: HttpServer, options: ShutdownOptions = {}): GracefulServer {
  const idleGraceMs = options.idleGraceMs ?? server.keepAliveTimeout;
  const sockets = new Map<Socket, Tracked>();
  let stopping = false;

  server.on('connection', (socket: Socket) => {
    sockets.set(socket, { busy: 0, idleSince: Date.now() });
    socket.once('close', () => sockets.delete(socket));
  });
  // Listeners run in the order added; this one is added before the app's (serve() adds it at creation,
  // but only responds asynchronously), and it only marks the response.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const tracked = sockets.get(req.socket);
    if (tracked) tracked.busy++;
    if (stopping) res.shouldKeepAlive = false;
    res.once('finish', () => {
      if (!tracked) return;
      tracked.busy--;
      tracked.idleSince = Date.now();
    });
  });

  return {
    stop(done) {
      if (stopping) return;
      stopping = true;
      // http's own close() also destroys every idle socket at once (the race above): stop listening with
      // the plain net close, and let the sweep below end idle sockets gently.
      NetServer.prototype.close.call(server, () => done());
      // Requests being answered now close their socket after the answer.
      for (const [socket, t] of sockets) {
        const res = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
        if (t.busy > 0 && res && !res.headersSent) res.shouldKeepAlive = false;
      }
      const sweep = () => {
        const now = Date.now();
        for (const [socket, t] of sockets) {
          if (t.busy === 0 && now - t.idleSince >= idleGraceMs) socket.end();
        }
        if (sockets.size) setTimeout(sweep, Math.min(250, Math.max(10, idleGraceMs / 5))).unref();
      };
      sweep();
    },
  };
}
