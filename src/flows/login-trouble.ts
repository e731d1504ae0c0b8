/**
 * Login trouble: forgotten password (reset link), code by SMS or e-mail not received (checks, then
 * resend), forgotten contract or insured number, lost code card (order a new one), and people when
 * nothing helped. Which identifier visitors sign in with and which of these branches exist is the
 * tenant's setting (`flows: login-trouble:` in tenant.yaml).
 */
import { z } from 'zod';
import type { FlowContext, FlowDef } from '../chat/flow-types.ts';
import { parseLoginIdentifier } from './inputs.ts';
import { localizedText, paramsOf, pattern } from './params.ts';
import { actionStep, contactLinks, failedStep, loginChoice, vars } from './shared.ts';

const ID = 'login-trouble';
const k = (key: string) => `flows:${ID}.${key}`;

const BRANCHES = ['password', 'code', 'number', 'card', 'other'] as const;

export const loginIdentifier = z
  .object({
    /**
     * What visitors sign in with, which also chooses the wording of the flow's texts:
     * "email-or-insured-number" (an e-mail address, or the insured number made of digits) or
     * "contract-number" (one number in a fixed format, e.g. KPT's "KPT" and eight digits).
     */
    kind: z.enum(['email-or-insured-number', 'contract-number']),
    /** The number's whole form once spaces, dots and hyphens are removed (upper case for a contract number). */
    pattern,
    /** An example the texts show, in the number's format. */
    example: z.string().min(1).optional(),
    /** The format in words, for the texts: "KPT suivi de huit chiffres". */
    format: localizedText.optional(),
  })
  .strict()
  .refine((v) => v.kind !== 'contract-number' || (v.example !== undefined && v.format !== undefined), {
    message: 'a contract number needs an example and its format in words (fr, de, it): the texts show them',
  });

export const loginTroubleParams = z
  .object({
    identifier: loginIdentifier,
    /** The problems offered on the first step, in this order. "card" needs code cards (an action). */
    branches: z
      .array(z.enum(BRANCHES))
      .min(1)
      .refine((b) => new Set(b).size === b.length, 'each branch once')
      .default(['password', 'code', 'number', 'other']),
  })
  .strict()
  .refine((p) => !p.branches.includes('card') || p.identifier.kind === 'contract-number', {
    message: 'the "card" branch (code cards) asks for a contract number: identifier.kind must be contract-number',
    path: ['branches'],
  });

export type LoginIdentifier = z.output<typeof loginIdentifier>;

const params = (ctx: Pick<FlowContext, 'tenant'>) => paramsOf(ctx, ID, loginTroubleParams);

/** The wording variant of the texts: "contractNumber" or "emailOrInsuredNumber". */
const wording = (ctx: FlowContext) => (params(ctx).identifier.kind === 'contract-number' ? 'contractNumber' : 'emailOrInsuredNumber');

/** The identifier's example and format in the visitor's language, for the texts that show them. */
export const identifierVars = (id: LoginIdentifier, lang: FlowContext['lang']) => ({
  example: id.example ?? '',
  format: id.format?.[lang] ?? '',
});

const say = (ctx: FlowContext, key: string) => ctx.t(k(key), vars(ctx, identifierVars(params(ctx).identifier, ctx.lang)));

const parseIdentifier = (raw: string, ctx: FlowContext) => parseLoginIdentifier(raw, ctx, params(ctx).identifier);

const NEXT: Record<(typeof BRANCHES)[number], string> = {
  password: 'password',
  code: 'code-checks',
  number: 'forgot-number',
  card: 'card',
  other: 'nothing-helped',
};

export const loginTrouble: FlowDef = {
  id: ID,
  params: loginTroubleParams,
  entryPoints: {
    'login-forgot-password': 'password',
    'login-sms-not-received': 'code-checks',
    'login-extra-code': 'code-checks',
    'login-sms-code': 'code-checks',
    'login-forgot-contract-number': 'forgot-number',
    'login-support-contact': 'nothing-helped',
    'login-trouble': 'problem',
  },
  start: () => 'problem',
  steps: {
    problem: {
      text: (ctx) => say(ctx, `problem.${wording(ctx)}`),
      choices: (ctx) =>
        params(ctx).branches.map((id) => ({
          id,
          label: ctx.t(k(id === 'number' ? `choices.number.${wording(ctx)}` : `choices.${id}`)),
          next: NEXT[id],
        })),
    },
    password: {
      text: (ctx) => say(ctx, `password.${wording(ctx)}`),
      input: { field: 'identifier', parse: parseIdentifier, next: 'send-reset' },
    },
    'send-reset': actionStep('password-reset', (ctx) => ({ identifier: ctx.data.identifier }), 'reset-sent'),
    'reset-sent': {
      text: (ctx) => say(ctx, 'resetSent'),
      choices: (ctx) => [...loginChoice(ctx), { id: 'still-stuck', label: ctx.t(k('choices.stillStuck')), next: 'nothing-helped' }],
    },
    'code-checks': {
      text: (ctx) => say(ctx, `codeChecks.${wording(ctx)}`),
      choices: (ctx) => [
        { id: 'resend', label: ctx.t(k('choices.resend')), next: 'resend-ask' },
        { id: 'solved', label: ctx.t(k('choices.solved')), next: 'solved' },
        { id: 'still-stuck', label: ctx.t(k('choices.stillStuck')), next: 'nothing-helped' },
      ],
    },
    'resend-ask': {
      text: (ctx) => say(ctx, `resendAsk.${wording(ctx)}`),
      input: { field: 'identifier', parse: parseIdentifier, next: 'resend' },
    },
    resend: actionStep('resend-code', (ctx) => ({ identifier: ctx.data.identifier, channel: 'sms' }), 'code-sent'),
    'code-sent': {
      text: (ctx) => say(ctx, 'codeSent'),
      choices: (ctx) => [...loginChoice(ctx), { id: 'still-stuck', label: ctx.t(k('choices.stillStuck')), next: 'nothing-helped' }],
    },
    'forgot-number': {
      text: (ctx) => say(ctx, `forgotNumber.${wording(ctx)}`),
      choices: contactLinks,
      end: true,
      contact: true,
    },
    card: {
      text: (ctx) => say(ctx, 'card'),
      input: { field: 'identifier', parse: parseIdentifier, next: 'order-card' },
    },
    'order-card': actionStep('order-code-card', (ctx) => ({ identifier: ctx.data.identifier }), 'card-ordered'),
    'card-ordered': {
      text: (ctx) => say(ctx, 'cardOrdered'),
      end: true,
    },
    solved: { text: (ctx) => say(ctx, 'solved'), end: true },
    'nothing-helped': { text: (ctx) => say(ctx, 'nothingHelped'), choices: contactLinks, end: true, escalate: true },
    failed: failedStep,
  },
};
