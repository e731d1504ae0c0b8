/**
 * Changes made in the portal itself, where the visitor fills in personal data and picks a product:
 * adding a person and taking out supplementary insurance (myAtupri). The flow gives the steps and
 * the login link.
 */
import type { FlowDef } from '../chat/flow-types.ts';
import { contactLinks, loginChoice, vars } from './shared.ts';

const portalSteps = (id: string): FlowDef => ({
  id,
  start: () => 'steps',
  steps: {
    steps: {
      text: (ctx) => ctx.t(`flows:${id}.steps`, vars(ctx)),
      choices: (ctx) => [...loginChoice(ctx), { id: 'help', label: ctx.t('flows:common.needHelp'), next: 'help' }],
    },
    help: { text: (ctx) => ctx.t('flows:common.helpIntro', vars(ctx)), choices: contactLinks, end: true, escalate: true },
  },
});

export const addPerson = portalSteps('add-person');
export const supplementaryInsurance = portalSteps('supplementary-insurance');
