/**
 * Editor sign-in kept on the server: a session is a random id recorded in the store (shared by every
 * instance), so signing out ends it everywhere at once, whatever copy of the cookie is kept. Failed
 * sign-ins (the form and a wrong `Authorization: Bearer`) are throttled per client address and overall;
 * while a throttle holds, even the right token is refused, or a guesser would learn when it got one right.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/types.ts';

/** A session lasts a working day. */
export const SESSION_SECONDS = 8 * 3600;

/** Failed attempts allowed before a pause: per client address, and all addresses together. */
export const SIGN_IN_LIMITS = {
  perAddress: { capacity: 10, windowMs: 15 * 60_000 },
  overall: { capacity: 100, windowMs: 15 * 60_000 },
} as const;

type SessionRecord = { expires: number };
type Block = { until: number };

const sessionKey = (id: string) => `editor-session:${id}`;
const blockKey = (scope: string) => `editor-sign-in-block:${scope}`;

export type EditorSessions = ReturnType<typeof editorSessions>;

export function editorSessions(store: Store, clock: () => Date) {
  const now = () => clock().getTime();

  /** Every scope an attempt from this address counts against. */
  const scopes = (address: string) => [
    { scope: `address:${address}`, ...SIGN_IN_LIMITS.perAddress },
    { scope: 'overall', ...SIGN_IN_LIMITS.overall },
  ];

  return {
    async open(): Promise<{ id: string; maxAgeSeconds: number }> {
      const id = randomBytes(18).toString('base64url');
      await store.setJson(sessionKey(id), { expires: now() + SESSION_SECONDS * 1000 } satisfies SessionRecord);
      return { id, maxAgeSeconds: SESSION_SECONDS };
    },

    async isOpen(id: string): Promise<boolean> {
      if (!/^[A-Za-z0-9_-]{24}$/.test(id)) return false;
      const record = await store.getJson<SessionRecord>(sessionKey(id));
      return typeof record?.expires === 'number' && record.expires > now();
    },

    /** Ends the session for every copy of its cookie. */
    async close(id: string): Promise<void> {
      if (/^[A-Za-z0-9_-]{24}$/.test(id)) await store.setJson(sessionKey(id), { expires: 0 } satisfies SessionRecord);
    },

    /** Seconds to wait when sign-ins from this address (or from everywhere) are paused; undefined when not. */
    async pausedFor(address: string): Promise<number | undefined> {
      const t = now();
      let wait = 0;
      for (const { scope } of scopes(address)) {
        const block = await store.getJson<Block>(blockKey(scope));
        if (block && block.until > t) wait = Math.max(wait, Math.ceil((block.until - t) / 1000));
      }
      return wait > 0 ? wait : undefined;
    },

    /**
     * Counts one failed attempt. Past the limit it pauses sign-ins of that scope until the bucket refills
     * a little, and says for how many seconds (this attempt is then answered as paused too).
     */
    async failed(address: string): Promise<number | undefined> {
      const t = now();
      let wait = 0;
      for (const { scope, capacity, windowMs } of scopes(address)) {
        const take = await store.takeToken(`editor-sign-in:${scope}`, capacity, windowMs, t);
        if (take.ok) continue;
        await store.setJson(blockKey(scope), { until: t + take.retryAfterSeconds * 1000 } satisfies Block);
        wait = Math.max(wait, take.retryAfterSeconds);
      }
      return wait > 0 ? wait : undefined;
    },
  };
}
