/** Validators for what visitors type in flows; each returns the clean value or the error to show. */
import emailSpellChecker from '@zootools/email-spell-checker';
import { z } from 'zod';
import type { FlowContext, InputResult } from '../chat/flow-types.ts';
import type { LoginIdentifier } from './login-trouble.ts';
import { matchesWhole } from './params.ts';

const email = z.email();

const fail = (ctx: FlowContext, key: string, vars?: Record<string, unknown>): InputResult => ({ ok: false, error: ctx.t(`flows:errors.${key}`, vars) });

/** The mail providers people in Switzerland use most, besides the world's: a typo of one is likely a typo. */
const SWISS_DOMAINS = ['bluewin.ch', 'gmx.ch', 'sunrise.ch', 'hispeed.ch', 'swissonline.ch', 'yahoo.ch', 'hotmail.ch', 'outlook.ch', 'protonmail.ch', 'proton.me'];
const DOMAINS = [...new Set([...emailSpellChecker.POPULAR_DOMAINS, ...SWISS_DOMAINS])];
const TLDS = [...new Set([...emailSpellChecker.POPULAR_TLDS, 'ch', 'li'])];

/** The address with a well-known provider's domain, when the one typed is one letter or two away from it. */
export function emailTypoFix(address: string): string | undefined {
  const fixed = emailSpellChecker.run({ email: address, domains: DOMAINS, topLevelDomains: TLDS })?.full;
  return fixed && fixed.toLowerCase() !== address.toLowerCase() ? fixed : undefined;
}

/** An e-mail address; a likely typo in a provider's domain is asked about ("did you mean …?") before it is taken. */
export const parseEmail = (raw: string, ctx: FlowContext): InputResult => {
  const v = raw.trim();
  if (!email.safeParse(v).success || v.length > 200) return fail(ctx, 'email');
  const fixed = emailTypoFix(v);
  return fixed ? { ok: false, error: ctx.t('flows:errors.emailTypo', { suggestion: fixed }), didYouMean: { value: fixed, typed: v } } : { ok: true, value: v };
};

/** The same, without the question about a typo: the visitor confirmed the address as typed. */
export const acceptEmail = (raw: string, ctx: FlowContext): InputResult => {
  const v = raw.trim();
  return email.safeParse(v).success && v.length <= 200 ? { ok: true, value: v } : fail(ctx, 'email');
};

/** Insured number: digits, as printed on the policy (dots and spaces allowed); the tenant may say how many. */
export const parseInsuredNumber = (raw: string, ctx: FlowContext, pattern = '\\d{5,16}'): InputResult => {
  const v = raw.replace(/[\s.]/g, '');
  return /^\d+$/.test(v) && matchesWhole(pattern, v) ? { ok: true, value: v } : fail(ctx, 'insuredNumber');
};

/**
 * The login identifier in the tenant's form: a contract number in its format (KPT's "KPT" and eight
 * digits), or an e-mail address or insured number.
 */
export const parseLoginIdentifier = (raw: string, ctx: FlowContext, id: LoginIdentifier): InputResult => {
  if (id.kind === 'contract-number') {
    const v = raw.replace(/[\s.-]/g, '').toUpperCase();
    return matchesWhole(id.pattern, v) ? { ok: true, value: v } : fail(ctx, 'contractNumber', { example: id.example ?? '', format: id.format?.[ctx.lang] ?? '' });
  }
  const asEmail = parseEmail(raw, ctx);
  if (asEmail.ok) return asEmail;
  const asNumber = parseInsuredNumber(raw, ctx, id.pattern);
  return asNumber.ok ? asNumber : fail(ctx, 'identifier');
};

export const parseMobile = (raw: string, ctx: FlowContext): InputResult => {
  const v = raw.replace(/[\s./()-]/g, '');
  return /^(\+41|0041|0)7[5-9]\d{7}$/.test(v) ? { ok: true, value: v } : fail(ctx, 'mobile');
};

export const parseName = (raw: string, ctx: FlowContext): InputResult => {
  const v = raw.trim().replace(/\s+/g, ' ');
  return v.length >= 2 && v.length <= 120 && /\p{L}/u.test(v) ? { ok: true, value: v } : fail(ctx, 'name');
};

export const parseMessage = (raw: string, ctx: FlowContext): InputResult => {
  const v = raw.trim();
  return v.length >= 5 && v.length <= 4000 ? { ok: true, value: v } : fail(ctx, 'message');
};

export const parseOptionalNumber = (raw: string, ctx: FlowContext): InputResult => {
  const v = raw.trim();
  return v.length <= 40 && /^[\p{L}\d\s.-]*$/u.test(v) ? { ok: true, value: v } : fail(ctx, 'customerNumber');
};
