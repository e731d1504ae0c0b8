/**
 * Changing the deductible. The amounts offered to adults and children and the deadlines are the
 * tenant's setting (`flows: deductible-change:` in tenant.yaml). Signed in: pick a legal amount, see the date it takes effect and
 * what the deadlines still allow today, confirm. Anonymous: the steps in the portal and a login link.
 */
import type { FlowContext, FlowDef } from '../chat/flow-types.ts';
import { z } from 'zod';
import { deadlines } from '../rules/deductible.ts';
import { longDate } from '../rules/zurich-time.ts';
import { monthDay, paramsOf } from './params.ts';
import { accountFor, actionStep, failedStep, loginChoice, vars } from './shared.ts';

const ID = 'deductible-change';

const amounts = z
  .array(z.number().int().min(0).max(10000))
  .min(2, 'at least two amounts, or there is nothing to change to')
  .refine((a) => a.every((v, i) => i === 0 || v > a[i - 1]!), 'amounts in increasing order, each once');

export const deductibleParams = z
  .object({
    /** The deductibles offered, in CHF: adults (from 19) and children. */
    amounts: z.object({ adults: amounts, children: amounts }).strict(),
    /** The last day a change may arrive for 1 January next year, as MM-DD: a decrease, an increase. */
    deadlines: z
      .object({ decrease: monthDay, increase: monthDay })
      .strict()
      .refine((d) => d.decrease <= d.increase, 'a decrease cannot be allowed later than an increase'),
  })
  .strict();

const params = (ctx: FlowContext) => paramsOf(ctx, ID, deductibleParams);
const amountsFor = (ctx: FlowContext, adult: boolean) => (adult ? params(ctx).amounts.adults : params(ctx).amounts.children);

const k = (key: string) => `flows:${ID}.${key}`;

const chf = (n: number | string) => `CHF ${n}`;

function timing(ctx: FlowContext) {
  const d = deadlines(ctx.now, params(ctx).deadlines);
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
  id: ID,
  params: deductibleParams,
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
        const options = amountsFor(ctx, ctx.data.adult === 'yes').filter((a) => a !== Number(ctx.data.current) && (tm.canDecrease || a > Number(ctx.data.current)));
        return ctx.t(k(options.length ? 'choose' : 'nothingPossible'), vars(ctx, { ...tm, current: chf(ctx.data.current!) }));
      },
      choices: (ctx) => {
        const { canDecrease } = timing(ctx);
        const current = Number(ctx.data.current);
        return amountsFor(ctx, ctx.data.adult === 'yes')
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
