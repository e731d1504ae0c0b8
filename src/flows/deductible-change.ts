/**
 * Changing the deductible (myAtupri). Signed in: pick a legal amount, see the date it takes effect and
 * what the deadlines still allow today, confirm. Anonymous: the steps in the portal and a login link.
 */
import type { FlowContext, FlowDef } from '../chat/flow-types.ts';
import { amountsFor, deadlines } from '../rules/deductible.ts';
import { longDate } from '../rules/zurich-time.ts';
import { accountFor, actionStep, failedStep, loginChoice, vars } from './shared.ts';

const k = (key: string) => `flows:deductible-change.${key}`;

const chf = (n: number | string) => `CHF ${n}`;

function timing(ctx: FlowContext) {
  const d = deadlines(ctx.now);
  return {
    effective: longDate(d.effective, ctx.lang),
    decreaseDeadline: longDate(d.decreaseDeadline, ctx.lang),
    increaseDeadline: longDate(d.increaseDeadline, ctx.lang),
    deadlineNote: ctx.t(k(d.canDecrease ? 'bothPossible' : 'onlyIncrease'), {
      effective: longDate(d.effective, ctx.lang),
      decreaseDeadline: longDate(d.decreaseDeadline, ctx.lang),
      increaseDeadline: longDate(d.increaseDeadline, ctx.lang),
    }),
    canDecrease: d.canDecrease,
  };
}

const wanted = (ctx: FlowContext) => Number((ctx.data['choice:choose'] ?? '').replace('amount-', ''));

export const deductibleChange: FlowDef = {
  id: 'deductible-change',
  tenants: ['atupri'],
  start: async (ctx) => {
    if (!ctx.subject) return 'anonymous';
    const account = await accountFor(ctx, (a) => a.deductible !== undefined);
    if (!account) return 'failed';
    ctx.data.current = String(account.deductible);
    ctx.data.adult = account.adult ? 'yes' : 'no';
    return 'choose';
  },
  steps: {
    anonymous: {
      text: (ctx) => ctx.t(k('anonymous'), vars(ctx, timing(ctx))),
      choices: (ctx) => loginChoice(ctx),
      end: true,
    },
    choose: {
      text: (ctx) => {
        const tm = timing(ctx);
        const options = amountsFor(ctx.data.adult === 'yes').filter((a) => a !== Number(ctx.data.current) && (tm.canDecrease || a > Number(ctx.data.current)));
        return ctx.t(k(options.length ? 'choose' : 'nothingPossible'), vars(ctx, { ...tm, current: chf(ctx.data.current!) }));
      },
      choices: (ctx) => {
        const { canDecrease } = timing(ctx);
        const current = Number(ctx.data.current);
        return amountsFor(ctx.data.adult === 'yes')
          .filter((a) => a !== current && (canDecrease || a > current))
          .map((a) => ({ id: `amount-${a}`, label: chf(a), next: 'confirm' }));
      },
    },
    confirm: {
      text: (ctx) =>
        ctx.t(k(wanted(ctx) > Number(ctx.data.current) ? 'confirmIncrease' : 'confirmDecrease'), vars(ctx, { ...timing(ctx), current: chf(ctx.data.current!), wanted: chf(wanted(ctx)) })),
      choices: (ctx) => [{ id: 'confirm', label: ctx.t(k('confirmButton')), next: 'apply' }],
    },
    apply: actionStep('deductible-change', (ctx) => ({ amount: wanted(ctx) }), 'done'),
    done: {
      text: (ctx) => ctx.t(k('done'), vars(ctx, { ...timing(ctx), wanted: chf(wanted(ctx)) })),
      end: true,
    },
    failed: failedStep,
  },
};
