/** Steps and helpers several flows share: the outcome of an action, login links, phone line text. */
import { createHash } from 'node:crypto';
import type { ActionOutcome } from '../actions/service.ts';
import type { AccountView, ActionName } from '../actions/types.ts';
import type { FlowContext, StepChoice, StepDef } from '../chat/flow-types.ts';

/** The step to show after an action: success, or an apology with the contact options. */
export function afterAction(ctx: FlowContext, outcome: ActionOutcome, success: string, failure = 'failed'): string {
  if (outcome.ok) {
    ctx.data.reference = outcome.reference;
    for (const [k, v] of Object.entries(outcome.details ?? {})) ctx.data[k] = String(v);
    return success;
  }
  ctx.data.failure = outcome.code;
  return failure;
}

/**
 * A step that performs an account action and moves on to `success`, or to the flow's "failed" step.
 * The idempotency key names the conversation, the flow run, the action and its parameters: a double
 * click changes nothing twice, a corrected e-mail address is a new request.
 */
export function actionStep(action: ActionName, params: (ctx: FlowContext) => Record<string, unknown>, success: string): StepDef {
  return {
    text: () => '',
    run: async (ctx) => {
      const values = params(ctx);
      const step = `${action}:${createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 16)}`;
      const outcome = await ctx.actions.run({
        tenant: ctx.tenant.id,
        action,
        params: values,
        subject: ctx.subject,
        lang: ctx.lang,
        idempotencyKey: ctx.actionKey(step),
      });
      return afterAction(ctx, outcome, success);
    },
  };
}

/**
 * The signed-in person's account when it has what the flow needs; otherwise undefined, with the reason
 * noted for the flow's "failed" step (no answer from the backend, or an account without that cover).
 */
export async function accountFor(ctx: FlowContext, has: (a: AccountView) => boolean = () => true): Promise<AccountView | undefined> {
  const account = await ctx.account();
  if (account && has(account)) return account;
  ctx.data.failure = account ? 'rejected' : 'backend_unavailable';
  return undefined;
}

export const loginChoice = (ctx: FlowContext): StepChoice[] =>
  ctx.tenant.urls.login ? [{ id: 'open-login', label: ctx.t('flows:common.openLogin', { portal: ctx.tenant.portal[ctx.lang] }), url: ctx.tenant.urls.login }] : [];

/** The phone line of the visitor's language and the e-mail address as links to call or write. */
export function contactLinks(ctx: FlowContext): StepChoice[] {
  const line = ctx.tenant.support.phones[ctx.lang] ?? Object.values(ctx.tenant.support.phones)[0];
  const email = ctx.tenant.support.email;
  return [
    ...(line ? [{ id: 'call', label: ctx.t('flows:common.call', { number: line.number }), url: `tel:${telUri(line.number)}` }] : []),
    ...(email ? [{ id: 'write', label: ctx.t('flows:common.write', { email }), url: `mailto:${email}` }] : []),
  ];
}

/** "0800 815 416" → "+41800815416", the form tel: links take. */
export const telUri = (number: string) => `+41${number.replace(/\D/g, '').replace(/^(0041|41|0)/, '')}`;

/** "0800 815 416" for the visitor's language, with the e-mail where the tenant has one. */
export function supportLine(ctx: FlowContext): string {
  const line = ctx.tenant.support.phones[ctx.lang] ?? Object.values(ctx.tenant.support.phones)[0];
  const parts = [line ? ctx.t('flows:common.phone', { number: line.number }) : null, ctx.tenant.support.email ? ctx.t('flows:common.email', { email: ctx.tenant.support.email }) : null];
  return parts.filter(Boolean).join(' ');
}

export const vars = (ctx: FlowContext, extra: Record<string, unknown> = {}) => ({
  portal: ctx.tenant.portal[ctx.lang],
  insurer: ctx.tenant.insurer[ctx.lang],
  team: ctx.tenant.support.name[ctx.lang],
  support: supportLine(ctx),
  ...ctx.data,
  ...extra,
});

const FAILURE_TEXT: Record<string, string> = {
  backend_unavailable: 'flows:common.unavailable',
  // The account's limit is reached (the same as the API's): nothing was sent; later, or people.
  rate_limited: 'flows:common.tooMany',
};

/** The failure step every action flow ends in when the action cannot be done: sorry, and people. */
export const failedStep = {
  text: (ctx: FlowContext) => ctx.t(FAILURE_TEXT[ctx.data.failure ?? ''] ?? 'flows:common.rejected', vars(ctx)),
  choices: contactLinks,
  end: true,
  escalate: true,
} as const;
