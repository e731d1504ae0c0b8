/**
 * The online insurance: joining takes effect on the date the tenant's start rule gives (KPT: the first
 * day of the next month, computed from today), leaving is possible at any time. Signed in, the visitor confirms here; else the insurer's
 * website (where its online form is) or the login.
 */
import type { FlowContext, FlowDef } from '../chat/flow-types.ts';
import { z } from 'zod';
import { firstOfNextMonth, isoDate, longDate, zurichNow } from '../rules/zurich-time.ts';
import { paramsOf } from './params.ts';
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

export const onlineInsuranceJoinParams = z
  .object({
    /** When joining takes effect: the first day of the next month, or of the next year. */
    start: z.enum(['first-of-next-month', 'first-of-next-year']),
    /** The key in `urls` of the page with the online form, for visitors who are not signed in. */
    link: z.string().min(1).default('website'),
  })
  .strict();

const joinParams = (ctx: FlowContext) => paramsOf(ctx, 'online-insurance-join', onlineInsuranceJoinParams);

const START_RULES: Record<z.output<typeof onlineInsuranceJoinParams>['start'], (now: Date) => string> = {
  'first-of-next-month': firstOfNextMonth,
  'first-of-next-year': (now) => isoDate(zurichNow(now).year + 1, 1, 1),
};

const joinDate = (ctx: FlowContext) => longDate(START_RULES[joinParams(ctx).start](ctx.now), ctx.lang);
const formUrl = (ctx: FlowContext) => ctx.tenant.urls[joinParams(ctx).link];

export const onlineInsuranceJoin: FlowDef = {
  id: 'online-insurance-join',
  params: onlineInsuranceJoinParams,
  start: start('join'),
  steps: {
    anonymous: {
      text: (ctx) => ctx.t('flows:online-insurance-join.anonymous', vars(ctx, { date: joinDate(ctx) })),
      choices: (ctx) => {
        const url = formUrl(ctx);
        return url ? [{ id: 'form', label: ctx.t('flows:online-insurance-join.openForm', vars(ctx)), url }] : [];
      },
      end: true,
    },
    already: { text: (ctx) => ctx.t('flows:online-insurance-join.already', vars(ctx)), end: true },
    confirm: {
      text: (ctx) => ctx.t('flows:online-insurance-join.confirm', vars(ctx, { date: joinDate(ctx) })),
      choices: (ctx) => [{ id: 'confirm', label: ctx.t('flows:online-insurance-join.confirmButton'), next: 'apply' }],
    },
    apply: actionStep('online-insurance-join', () => ({}), 'done'),
    done: { text: (ctx) => ctx.t('flows:online-insurance-join.done', vars(ctx, { date: joinDate(ctx) })), end: true },
    failed: failedStep,
  },
};

export const onlineInsuranceLeave: FlowDef = {
  id: 'online-insurance-leave',
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
