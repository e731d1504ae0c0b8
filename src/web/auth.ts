/**
 * Signed-in visitors: the portal passes a short-lived HS256 JWT (claims sub, tenant, exp) signed with
 * PORTAL_TOKEN_SECRET. Returns who is asking, nobody, or a refusal the portal learns to renew from.
 */
import { verify } from 'hono/jwt';

export type Visitor = { ok: true; subject: string | null } | { ok: false };

export async function visitorFrom(authorization: string | undefined, tenant: string, secret: string | undefined): Promise<Visitor> {
  if (!authorization) return { ok: true, subject: null };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match || !secret) return { ok: false };
  try {
    // verify() checks the signature, the algorithm and exp (and nbf/iat when present).
    const payload = await verify(match[1]!, secret, 'HS256');
    if (typeof payload.exp !== 'number' || payload.tenant !== tenant || typeof payload.sub !== 'string' || !payload.sub) return { ok: false };
    return { ok: true, subject: payload.sub };
  } catch {
    return { ok: false };
  }
}
