/**
 * KPT's online insurance: joining takes effect on the first day of the next month (computed from
 * today), leaving is possible at any time. Signed in, the visitor confirms here; else the insurer's
 * website (where its online form is) or the login.
 */
import type { FlowDef } from '../chat/flow-types.ts';
import { firstOfNextMonth, longDate } from '../rules/zurich-time.ts';
import { accountFor, actionStep, failedStep, loginChoice, vars } from './shared.ts';

const start = (flow: 'join' | 'leave'): FlowDef['start'] => async (ctx) => {
  if (!ctx.subject) return 'anonymous';
  const account = await accountFor(ctx);
  if (!account) return 'failed';
  const member = Boolean(account.onlineInsurance);
  if (flow === 'join' && member) return 'already';
  if (flow === 'leave' && !member) return 'already';
  return 'confirm';
};

const joinDate = (now: Date, lang: 'fr' | 'de' | 'it') => longDate(firstOfNextMonth(now), lang);

export const onlineInsuranceJoin: FlowDef = {
  id: 'online-insurance-join',
  tenants: ['kpt'],
  start: start('join'),
  steps: {
    anonymous: {
      text: (ctx) => ctx.t('flows:online-insurance-join.anonymous', vars(ctx, { date: joinDate(ctx.now, ctx.lang) })),
      choices: (ctx) =>
        ctx.tenant.urls.website ? [{ id: 'form', label: ctx.t('flows:online-insurance-join.openForm', vars(ctx)), url: ctx.tenant.urls.website }] : [],
      end: true,
    },
    already: { text: (ctx) => ctx.t('flows:online-insurance-join.already', vars(ctx)), end: true },
    confirm: {
      text: (ctx) => ctx.t('flows:online-insurance-join.confirm', vars(ctx, { date: joinDate(ctx.now, ctx.lang) })),
      choices: (ctx) => [{ id: 'confirm', label: ctx.t('flows:online-insurance-join.confirmButton'), next: 'apply' }],
    },
    apply: actionStep('online-insurance-join', () => ({}), 'done'),
    done: { text: (ctx) => ctx.t('flows:online-insurance-join.done', vars(ctx, { date: joinDate(ctx.now, ctx.lang) })), end: true },
    failed: failedStep,
  },
};

export const onlineInsuranceLeave: FlowDef = {
  id: 'online-insurance-leave',
  tenants: ['kpt'],
  start: start('leave'),
  steps: {
    anonymous: { text: (ctx) => ctx.t('flows:online-insurance-leave.anonymous', vars(ctx)), choices: (ctx) => loginChoice(ctx), end: true },
    already: { text: (ctx) => ctx.t('flows:online-insurance-leave.already', vars(ctx)), end: true },
    confirm: {
      text: (ctx) => ctx.t('flows:online-insurance-leave.confirm', vars(ctx)),
      choices: (ctx) => [{ id: 'confirm', label: ctx.t('flows:online-insurance-leave.confirmButton'), next: 'apply' }],
    },
    apply: actionStep('online-insurance-leave', () => ({}), 'done'),
    done: { text: (ctx) => ctx.t('flows:online-insurance-leave.done', vars(ctx)), end: true },
    failed: failedStep,
  },
};
