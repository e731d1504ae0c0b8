/** Validators for what visitors type in flows; each returns the clean value or the error to show. */
import { z } from 'zod';
import type { FlowContext, InputResult } from '../chat/flow-types.ts';
import type { LoginIdentifier } from './login-trouble.ts';
import { matchesWhole } from './params.ts';

const email = z.email();

const fail = (ctx: FlowContext, key: string, vars?: Record<string, unknown>): InputResult => ({ ok: false, error: ctx.t(`flows:errors.${key}`, vars) });

export const parseEmail = (raw: string, ctx: FlowContext): InputResult => {
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
