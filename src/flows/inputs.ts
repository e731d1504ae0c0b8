/** Validators for what visitors type in flows; each returns the clean value or the error to show. */
import { z } from 'zod';
import type { FlowContext, InputResult } from '../chat/flow-types.ts';

const email = z.email();

const fail = (ctx: FlowContext, key: string): InputResult => ({ ok: false, error: ctx.t(`flows:errors.${key}`) });

export const parseEmail = (raw: string, ctx: FlowContext): InputResult => {
  const v = raw.trim();
  return email.safeParse(v).success && v.length <= 200 ? { ok: true, value: v } : fail(ctx, 'email');
};

/** KPT online contract number: "KPT" and eight digits, e.g. KPT12345678. */
export const parseContractNumber = (raw: string, ctx: FlowContext): InputResult => {
  const v = raw.replace(/[\s.-]/g, '').toUpperCase();
  return /^KPT\d{8}$/.test(v) ? { ok: true, value: v } : fail(ctx, 'contractNumber');
};

/** Atupri insured number: digits, as printed on the policy (dots and spaces allowed). */
export const parseInsuredNumber = (raw: string, ctx: FlowContext): InputResult => {
  const v = raw.replace(/[\s.]/g, '');
  return /^\d{5,16}$/.test(v) ? { ok: true, value: v } : fail(ctx, 'insuredNumber');
};

/** The login identifier of the tenant: e-mail or insured number (myAtupri), contract number (KPT). */
export const parseLoginIdentifier = (raw: string, ctx: FlowContext): InputResult => {
  if (ctx.tenant.id === 'kpt') return parseContractNumber(raw, ctx);
  const asEmail = parseEmail(raw, ctx);
  if (asEmail.ok) return asEmail;
  const asNumber = parseInsuredNumber(raw, ctx);
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
