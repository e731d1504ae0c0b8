/**
 * Login trouble (both tenants): forgotten password (reset link), code by SMS or e-mail not received
 * (checks, then resend), forgotten contract or insured number, lost code card (KPT: order a new one),
 * and people when nothing helped.
 */
import type { FlowDef } from '../chat/flow-types.ts';
import { parseLoginIdentifier } from './inputs.ts';
import { actionStep, contactLinks, failedStep, loginChoice, vars } from './shared.ts';

const k = (key: string) => `flows:login-trouble.${key}`;

export const loginTrouble: FlowDef = {
  id: 'login-trouble',
  tenants: ['atupri', 'kpt'],
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
      text: (ctx) => ctx.t(k(`problem.${ctx.tenant.id}`), vars(ctx)),
      choices: (ctx) => [
        { id: 'password', label: ctx.t(k('choices.password')), next: 'password' },
        { id: 'code', label: ctx.t(k('choices.code')), next: 'code-checks' },
        { id: 'number', label: ctx.t(k(`choices.number.${ctx.tenant.id}`)), next: 'forgot-number' },
        ...(ctx.tenant.id === 'kpt' ? [{ id: 'card', label: ctx.t(k('choices.card')), next: 'card' }] : []),
        { id: 'other', label: ctx.t(k('choices.other')), next: 'nothing-helped' },
      ],
    },
    password: {
      text: (ctx) => ctx.t(k(`password.${ctx.tenant.id}`), vars(ctx)),
      input: { field: 'identifier', parse: parseLoginIdentifier, next: 'send-reset' },
    },
    'send-reset': actionStep('password-reset', (ctx) => ({ identifier: ctx.data.identifier }), 'reset-sent'),
    'reset-sent': {
      text: (ctx) => ctx.t(k('resetSent'), vars(ctx)),
      choices: (ctx) => [...loginChoice(ctx), { id: 'still-stuck', label: ctx.t(k('choices.stillStuck')), next: 'nothing-helped' }],
    },
    'code-checks': {
      text: (ctx) => ctx.t(k(`codeChecks.${ctx.tenant.id}`), vars(ctx)),
      choices: (ctx) => [
        { id: 'resend', label: ctx.t(k('choices.resend')), next: 'resend-ask' },
        { id: 'solved', label: ctx.t(k('choices.solved')), next: 'solved' },
        { id: 'still-stuck', label: ctx.t(k('choices.stillStuck')), next: 'nothing-helped' },
      ],
    },
    'resend-ask': {
      text: (ctx) => ctx.t(k(`resendAsk.${ctx.tenant.id}`), vars(ctx)),
      input: { field: 'identifier', parse: parseLoginIdentifier, next: 'resend' },
    },
    resend: actionStep('resend-code', (ctx) => ({ identifier: ctx.data.identifier, channel: 'sms' }), 'code-sent'),
    'code-sent': {
      text: (ctx) => ctx.t(k('codeSent'), vars(ctx)),
      choices: (ctx) => [...loginChoice(ctx), { id: 'still-stuck', label: ctx.t(k('choices.stillStuck')), next: 'nothing-helped' }],
    },
    'forgot-number': {
      text: (ctx) => ctx.t(k(`forgotNumber.${ctx.tenant.id}`), vars(ctx)),
      choices: contactLinks,
      end: true,
      contact: true,
    },
    card: {
      text: (ctx) => ctx.t(k('card'), vars(ctx)),
      input: { field: 'identifier', parse: parseLoginIdentifier, next: 'order-card' },
    },
    'order-card': actionStep('order-code-card', (ctx) => ({ identifier: ctx.data.identifier }), 'card-ordered'),
    'card-ordered': {
      text: (ctx) => ctx.t(k('cardOrdered'), vars(ctx)),
      end: true,
    },
    solved: { text: (ctx) => ctx.t(k('solved'), vars(ctx)), end: true },
    'nothing-helped': { text: (ctx) => ctx.t(k('nothingHelped'), vars(ctx)), choices: contactLinks, end: true, escalate: true },
    failed: failedStep,
  },
};
