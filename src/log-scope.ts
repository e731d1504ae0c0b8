/**
 * Which logger a line goes to: while a request runs, its own child logger (carrying its request id);
 * otherwise the process's. Code below the HTTP layer (the assistant, the action service, the backends)
 * keeps the one logger it was given at start and still writes each line under the request it serves.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

const current = new AsyncLocalStorage<Logger>();

/** Runs `fn` with `logger` as the logger of everything it awaits. */
export function withLogger<T>(logger: Logger, fn: () => T): T {
  return current.run(logger, fn);
}

/**
 * A logger that writes through the logger of the running request when there is one, and through `base`
 * otherwise. Its child loggers are children of that same logger.
 */
export function scopedLogger(base: Logger): Logger {
  return new Proxy(base, {
    get(target, prop) {
      const active = current.getStore() ?? target;
      const value = Reflect.get(active, prop, active);
      // pino's methods read their own instance through `this`.
      return typeof value === 'function' ? value.bind(active) : value;
    },
  });
}
