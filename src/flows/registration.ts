/**
 * myAtupri registration and re-registration: who may register (18 or older), new clients since
 * January 2025 (e-mail link valid 5 days), long-standing clients or expired links (insured number,
 * e-mail, mobile, then a letter with a QR code), and activation links (valid 30 days).
 */
import type { FlowDef } from '../chat/flow-types.ts';
import { parseEmail, parseInsuredNumber, parseMobile } from './inputs.ts';
import { actionStep, failedStep, vars } from './shared.ts';

const k = (key: string) => `flows:registration.${key}`;

export const registration: FlowDef = {
  id: 'registration',
  entryPoints: {
    'registration-new-clients': 'new-client',
    'registration-activation-link': 'activation',
    'registration-existing-clients': 'age',
    'registration-who': 'age',
  },
  start: () => 'situation',
  steps: {
    situation: {
      text: (ctx) => ctx.t(k('situation'), vars(ctx)),
      choices: (ctx) => [
        { id: 'new-client', label: ctx.t(k('choices.newClient')), next: 'new-client' },
        { id: 'existing', label: ctx.t(k('choices.existing')), next: 'age' },
        { id: 'link-expired', label: ctx.t(k('choices.linkExpired')), next: 'age' },
        { id: 'activation', label: ctx.t(k('choices.activation')), next: 'activation' },
      ],
    },
    'new-client': {
      text: (ctx) => ctx.t(k('newClient'), vars(ctx)),
      choices: (ctx) => [
        { id: 'done', label: ctx.t(k('choices.linkWorks')), next: 'good-luck' },
        { id: 'expired', label: ctx.t(k('choices.linkExpired')), next: 'age' },
      ],
    },
    age: {
      text: (ctx) => ctx.t(k('age'), vars(ctx)),
      choices: (ctx) => [
        { id: 'adult', label: ctx.t(k('choices.adult')), next: 'insured-number' },
        { id: 'minor', label: ctx.t(k('choices.minor')), next: 'minor' },
      ],
    },
    minor: { text: (ctx) => ctx.t(k('minor'), vars(ctx)), end: true },
    'insured-number': {
      text: (ctx) => ctx.t(k('insuredNumber'), vars(ctx)),
      input: { field: 'insuredNumber', parse: parseInsuredNumber, next: 'email' },
    },
    email: { text: (ctx) => ctx.t(k('email'), vars(ctx)), input: { field: 'email', parse: parseEmail, next: 'mobile', kind: 'email' } },
    mobile: { text: (ctx) => ctx.t(k('mobile'), vars(ctx)), input: { field: 'mobile', parse: parseMobile, next: 'confirm', kind: 'tel' } },
    confirm: {
      text: (ctx) => ctx.t(k('confirm'), vars(ctx)),
      choices: (ctx) => [{ id: 'send', label: ctx.t(k('choices.send')), next: 'start' }],
    },
    start: actionStep('start-registration', (ctx) => ({ insuredNumber: ctx.data.insuredNumber, email: ctx.data.email, mobile: ctx.data.mobile }), 'started'),
    started: { text: (ctx) => ctx.t(k('started'), vars(ctx)), end: true },
    activation: {
      text: (ctx) => ctx.t(k('activation'), vars(ctx)),
      input: { field: 'email', parse: parseEmail, next: 'resend-activation', kind: 'email' },
    },
    'resend-activation': actionStep('resend-activation', (ctx) => ({ email: ctx.data.email }), 'activation-sent'),
    'activation-sent': { text: (ctx) => ctx.t(k('activationSent'), vars(ctx)), end: true },
    'good-luck': { text: (ctx) => ctx.t(k('goodLuck'), vars(ctx)), end: true },
    failed: failedStep,
  },
};
