/**
 * The contract of the account-action backend an insurer implements behind `ACTIONS_BACKEND=http`, as zod
 * schemas: what the assistant sends, and the only replies it takes for an answer. The http backend checks
 * every reply with them, the reference backend answers by them, the conformance kit tests a backend against
 * them, and the backend's OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { ACTIONS, type ActionName } from './types.ts';

const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

/** One value per action, made by `make`. */
export const perAction = <T>(make: (name: ActionName) => T): Record<ActionName, T> =>
  Object.fromEntries(ACTION_NAMES.map((name) => [name, make(name)])) as Record<ActionName, T>;

const isoDate = z.iso.date().meta({ description: 'A calendar date (YYYY-MM-DD), Europe/Zurich.', examples: ['2027-01-01'] });

/** The body of `POST /actions/<action>`: parameters as the assistant validated and normalised them. */
export const backendRequest = perAction(
  (name): z.ZodObject =>
    z
      .object({
        tenant: z.string().min(1).max(40).meta({ description: 'The insurer help centre the request comes from.', examples: ['acme'] }),
        subject: z
          .string()
          .min(1)
          .nullable()
          .meta({ description: "The signed-in person's id in the account backend (the portal token's `sub`); null for an anonymous visitor." }),
        lang: z.enum(['fr', 'de', 'it']).meta({ description: "The visitor's language, for what the backend sends them." }),
        params: ACTIONS[name].params,
      })
      .strict(),
);

const reference = z
  .string()
  .min(1)
  .max(120)
  .meta({ description: "The backend's reference for this request, shown to the visitor. The same for a repeated Idempotency-Key.", examples: ['R-7F3A21'] });

/** What a successful action must add, per action; the rest of a reply is ignored. */
const DETAILS: Partial<Record<ActionName, z.ZodObject>> = {
  'deductible-change': z.object({
    before: z.number().int().min(0).meta({ description: 'The deductible in CHF until the change.' }),
    after: z.number().int().min(0).meta({ description: 'The deductible in CHF from `effective`.' }),
    effective: isoDate,
  }),
  'accident-cover': z.object({ include: z.boolean().meta({ description: 'Accident cover is included from now on.' }) }),
  'online-insurance-join': z.object({ effective: isoDate }),
};

/**
 * A `200` reply, per action. Requests for links and codes answer with a reference only, the same whether
 * or not the account exists, so nothing in the reply tells a stranger who is insured.
 */
export const backendSuccess = perAction((name): z.ZodObject => {
  const details = DETAILS[name];
  return details ? z.object({ reference, details }) : z.object({ reference });
});

/** A `422` reply: the backend refused the request for a reason the visitor can be told about. */
export const backendRefusal = z.object({
  code: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,59}$/)
    .meta({ description: 'Why, in snake_case. The codes the assistant knows are listed per action; others are shown as a general refusal.' }),
  message: z.string().max(500).optional().meta({ description: 'For the logs of the insurer; never shown to the visitor.' }),
});

/** Refusal codes with a meaning in the assistant, per action (a backend may use others). */
export const REFUSAL_CODES: Record<ActionName, readonly string[]> = {
  'password-reset': ['idempotency_key_reused'],
  'resend-code': ['idempotency_key_reused'],
  'order-code-card': ['idempotency_key_reused'],
  'start-registration': ['idempotency_key_reused'],
  'resend-activation': ['idempotency_key_reused'],
  'contact-request': ['idempotency_key_reused'],
  'deductible-change': ['unknown_account', 'same_amount', 'not_allowed_amount', 'decrease_too_late', 'idempotency_key_reused'],
  'accident-cover': ['unknown_account', 'idempotency_key_reused'],
  'online-insurance-join': ['unknown_account', 'already_online', 'idempotency_key_reused'],
  'online-insurance-leave': ['unknown_account', 'not_online', 'idempotency_key_reused'],
};

/** The reply of `GET /accounts/<tenant>/<subject>`: what the guided flows need to know about the person. */
export const accountView = z.object({
  adult: z.boolean().meta({ description: '18 or older this year (the deductible amounts differ for children).' }),
  deductible: z.number().int().min(0).optional().meta({ description: 'The current deductible in CHF.' }),
  accidentCover: z.boolean().optional().meta({ description: 'Accident cover is included in the basic insurance.' }),
  onlineInsurance: z.boolean().optional().meta({ description: 'KPT: the person is in the online insurance.' }),
});

/** The error reply for anything that is not an answer to the request (bad token, bad body, unknown path or account). */
export const backendError = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,59}$/),
  message: z.string().max(500).optional(),
});

/** An answer slower than this is a timeout for the assistant (`ACTIONS_TIMEOUT_MS`, default). */
export const DEFAULT_BACKEND_TIMEOUT_MS = 4000;
