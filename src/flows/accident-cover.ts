/** Including or excluding accident cover (myAtupri): signed in, confirm the change; else the portal steps. */
import type { FlowDef } from '../chat/flow-types.ts';
import { accountFor, actionStep, failedStep, loginChoice, vars } from './shared.ts';

const k = (key: string) => `flows:accident-cover.${key}`;

export const accidentCover: FlowDef = {
  id: 'accident-cover',
  start: async (ctx) => {
    if (!ctx.subject) return 'anonymous';
    const account = await accountFor(ctx, (a) => a.accidentCover !== undefined);
    if (!account) return 'failed';
    ctx.data.included = account.accidentCover ? 'yes' : 'no';
    return 'choose';
  },
  steps: {
    anonymous: { text: (ctx) => ctx.t(k('anonymous'), vars(ctx)), choices: (ctx) => loginChoice(ctx), end: true },
    choose: {
      text: (ctx) => ctx.t(k(ctx.data.included === 'yes' ? 'currentlyIncluded' : 'currentlyExcluded'), vars(ctx)),
      choices: (ctx) =>
        ctx.data.included === 'yes'
          ? [{ id: 'exclude', label: ctx.t(k('exclude')), next: 'apply' }]
          : [{ id: 'include', label: ctx.t(k('include')), next: 'apply' }],
    },
    apply: actionStep('accident-cover', (ctx) => ({ include: ctx.data['choice:choose'] === 'include' }), 'done'),
    done: { text: (ctx) => ctx.t(k(ctx.data['choice:choose'] === 'include' ? 'doneIncluded' : 'doneExcluded'), vars(ctx)), end: true },
    failed: failedStep,
  },
};
