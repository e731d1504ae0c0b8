/** The contact form inside the conversation: name, e-mail, optional customer number, topic, message. */
import { z } from 'zod';
import type { FlowContext, FlowDef } from '../chat/flow-types.ts';
import { paramsOf } from './params.ts';
import { parseEmail, parseMessage, parseName, parseOptionalNumber } from './inputs.ts';
import { vars } from './shared.ts';

const k = (key: string) => `flows:contact.${key}`;
export const contactParams = z
  .object({
    /** The number the form asks for (optional for the visitor): the insured number or the contract number. */
    customerNumber: z.enum(['insured-number', 'contract-number']).default('insured-number'),
  })
  .strict();

const TOPICS = ['login', 'registration', 'coverage', 'documents', 'invoices', 'other'] as const;

/** The confirmation, with when support answers when the tenant's editors have set it. */
function sentText(ctx: FlowContext): string {
  const time = ctx.tenant.support.responseTime;
  if (!time) return ctx.t(k('sent'), vars(ctx));
  const within = 'workingDays' in time ? ctx.t(k('within.workingDays'), { count: time.workingDays }) : ctx.t(k('within.hours'), { count: time.hours });
  return ctx.t(k('sentWithin'), vars(ctx, { within }));
}

export const contact: FlowDef = {
  id: 'contact',
  params: contactParams,
  start: () => 'name',
  steps: {
    name: { text: (ctx) => ctx.t(k('name'), vars(ctx)), input: { field: 'name', parse: parseName, next: 'email' } },
    email: { text: (ctx) => ctx.t(k('email'), vars(ctx)), input: { field: 'email', parse: parseEmail, next: 'number', kind: 'email' } },
    number: {
      text: (ctx) => ctx.t(k(`number.${paramsOf(ctx, 'contact', contactParams).customerNumber === 'contract-number' ? 'contractNumber' : 'insuredNumber'}`), vars(ctx)),
      input: { field: 'customerNumber', parse: parseOptionalNumber, next: 'which-topic' },
      choices: (ctx) => [{ id: 'skip', label: ctx.t(k('skip')), next: 'which-topic' }],
    },
    // A subject named when asking for a person ("call me back about my deductible") is not asked again.
    'which-topic': { text: () => '', run: async (ctx) => (TOPICS.some((t) => ctx.data['choice:topic'] === `topic-${t}`) ? 'message' : 'topic') },
    topic: {
      text: (ctx) => ctx.t(k('topic'), vars(ctx)),
      choices: (ctx) => TOPICS.map((id) => ({ id: `topic-${id}`, label: ctx.t(k(`topics.${id}`)), next: 'message' })),
    },
    message: { text: (ctx) => ctx.t(k('message'), vars(ctx)), input: { field: 'message', parse: parseMessage, next: 'confirm', kind: 'textarea' } },
    confirm: {
      text: (ctx) =>
        ctx.t(k('confirm'), vars(ctx, { topicLabel: ctx.t(k(`topics.${(ctx.data['choice:topic'] ?? 'topic-other').replace('topic-', '')}`)), customerNumber: ctx.data.customerNumber || '–' })),
      choices: (ctx) => [{ id: 'send', label: ctx.t(k('send')), next: 'submit' }],
    },
    submit: {
      text: () => '',
      run: async (ctx) => {
        const result = await ctx.submitContact({
          name: ctx.data.name!,
          email: ctx.data.email!,
          ...(ctx.data.customerNumber ? { customerNumber: ctx.data.customerNumber } : {}),
          topic: (ctx.data['choice:topic'] ?? 'topic-other').replace('topic-', ''),
          message: ctx.data.message!,
        });
        if (!result.ok) return result.limited ? 'limited' : 'failed';
        ctx.data.reference = result.reference;
        return 'sent';
      },
    },
    sent: { text: sentText, end: true },
    // Nothing typed is lost: the answers stay in the flow, and "try again" sends them again.
    failed: {
      text: (ctx) => ctx.t(k('failed'), vars(ctx)),
      choices: (ctx) => [{ id: 'retry', label: ctx.t(k('retry')), next: 'submit' }],
      escalate: true,
    },
    // Several requests in a short time: the ones sent are with support; the phone line is there if it is urgent.
    limited: { text: (ctx) => ctx.t(k('limited'), vars(ctx)), end: true, escalate: true },
  },
};
