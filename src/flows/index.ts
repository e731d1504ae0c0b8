/** Every guided flow, by id. */
export { paramSchemas } from '../chat/flow-types.ts';
import type { FlowDef } from '../chat/flow-types.ts';
import { accidentCover } from './accident-cover.ts';
import { contact } from './contact.ts';
import { deductibleChange } from './deductible-change.ts';
import { loginTrouble } from './login-trouble.ts';
import { onlineInsuranceJoin, onlineInsuranceLeave } from './online-insurance.ts';
import { addPerson, supplementaryInsurance } from './portal-steps.ts';
import { registration } from './registration.ts';

export const FLOWS: ReadonlyMap<string, FlowDef> = new Map(
  [loginTrouble, registration, deductibleChange, accidentCover, addPerson, supplementaryInsurance, onlineInsuranceJoin, onlineInsuranceLeave, contact].map((f) => [f.id, f]),
);
