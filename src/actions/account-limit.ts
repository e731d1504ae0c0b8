/**
 * The per-account limit on actions, whoever asks (the API or a flow in the chat): each account named in
 * the parameters (identifier, e-mail, insured or customer number, mobile) and the signed-in person count
 * one attempt in a bucket shared by every instance. Identifiers compare the way people write them.
 */
import type { TokenTake } from '../store/types.ts';

/** Takes one attempt from the bucket of a key. */
export type TakeToken = (key: string) => Promise<TokenTake>;

const ACCOUNT_PARAMS = ['identifier', 'email', 'insuredNumber', 'customerNumber', 'mobile'] as const;

/** Case, spaces, dots and dashes do not matter: "Anna.Muster@Example.CH " is anna.muster@example.ch. */
export const normalizeAccount = (v: string) => v.toLowerCase().replace(/[\s./-]/g, '').slice(0, 200);

/** The buckets an action request counts in. */
export function accountKeys(tenant: string, params: Record<string, unknown>, subject: string | null): string[] {
  const keys = new Set<string>();
  for (const p of ACCOUNT_PARAMS) {
    const v = params[p];
    if (typeof v === 'string' && v.trim()) keys.add(`account:${tenant}:${normalizeAccount(v)}`);
  }
  if (subject) keys.add(`subject:${tenant}:${subject}`);
  return [...keys];
}

/** Takes from every bucket (each counts the attempt) and returns the longest wait, if any refused. */
export async function takeAll(take: TakeToken, keys: string[]): Promise<Extract<TokenTake, { ok: false }> | undefined> {
  let worst: Extract<TokenTake, { ok: false }> | undefined;
  for (const key of keys) {
    const r = await take(key);
    if (!r.ok && (!worst || r.retryAfterSeconds > worst.retryAfterSeconds)) worst = r;
  }
  return worst;
}
