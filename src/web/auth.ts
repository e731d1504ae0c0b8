/**
 * Signed-in visitors: the portal passes a short-lived HS256 JWT (claims sub, tenant, exp) signed with
 * PORTAL_TOKEN_SECRET. Returns who is asking, nobody, or a refusal the portal learns to renew from.
 */
import { verify } from 'hono/jwt';

export type Visitor = { ok: true; subject: string | null } | { ok: false };

/** Longest lifetime a portal token may have unless PORTAL_TOKEN_MAX_LIFETIME says otherwise: one hour. */
export const DEFAULT_MAX_LIFETIME_SECONDS = 3600;

/**
 * @param maxLifetimeSeconds `exp` may lie at most this far after `iat` (or after now, without `iat`): a
 *   token that stays valid for years is a stolen session that never ends, so it is refused.
 */
export async function visitorFrom(
  authorization: string | undefined,
  tenant: string,
  secret: string | undefined,
  maxLifetimeSeconds: number = DEFAULT_MAX_LIFETIME_SECONDS,
): Promise<Visitor> {
  if (!authorization) return { ok: true, subject: null };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match || !secret) return { ok: false };
  try {
    // verify() checks the signature, the algorithm and exp (and nbf/iat when present).
    const payload = await verify(match[1]!, secret, 'HS256');
    if (typeof payload.exp !== 'number' || payload.tenant !== tenant || typeof payload.sub !== 'string' || !payload.sub) return { ok: false };
    const issued = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
    if (payload.exp - issued > maxLifetimeSeconds) return { ok: false };
    return { ok: true, subject: payload.sub };
  } catch {
    return { ok: false };
  }
}
