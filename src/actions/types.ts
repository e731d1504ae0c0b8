/** The account actions the assistant can perform, their parameters (zod) and the backend interface. */
import { z } from 'zod';

const identifier = z.string().trim().min(3).max(120);
const swissMobile = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s./-]/g, ''))
  .pipe(z.string().regex(/^(\+41|0041|0)7[5-9]\d{7}$/, 'a Swiss mobile number'))
  .meta({ description: 'A Swiss mobile number (075–079, +41 or 0041); spaces, dots and dashes are ignored.', examples: ['079 123 45 67'] });

/** Parameters per action. Public actions work without a token and answer the same for unknown accounts. */
export const ACTIONS = {
  'password-reset': { auth: false, params: z.object({ identifier }).strict() },
  'resend-code': { auth: false, params: z.object({ identifier, channel: z.enum(['sms', 'email']).default('sms') }).strict() },
  'order-code-card': { auth: false, params: z.object({ identifier }).strict() },
  'start-registration': {
    auth: false,
    params: z.object({ insuredNumber: z.string().trim().regex(/^[0-9.\s]{5,20}$/, 'an insured number'), email: z.email(), mobile: swissMobile }).strict(),
  },
  'resend-activation': { auth: false, params: z.object({ email: z.email() }).strict() },
  'deductible-change': { auth: true, params: z.object({ amount: z.number().int().min(0).max(2500) }).strict() },
  'accident-cover': { auth: true, params: z.object({ include: z.boolean() }).strict() },
  'online-insurance-join': { auth: true, params: z.object({}).strict() },
  'online-insurance-leave': { auth: true, params: z.object({}).strict() },
  'contact-request': {
    auth: false,
    params: z
      .object({
        name: z.string().trim().min(2).max(120),
        email: z.email().max(200),
        customerNumber: z.string().trim().max(40).optional(),
        topic: z.string().trim().min(2).max(80),
        message: z.string().trim().min(5).max(4000),
        conversationId: z.string().max(80).optional(),
      })
      .strict(),
  },
} as const;

export type ActionName = keyof typeof ACTIONS;
export const isActionName = (v: string): v is ActionName => Object.hasOwn(ACTIONS, v);
export type ActionParams<A extends ActionName> = z.output<(typeof ACTIONS)[A]['params']>;

export type ActionRequest = {
  tenant: string;
  action: ActionName;
  params: Record<string, unknown>;
  /** The signed-in person (token `sub`), required for account changes. */
  subject: string | null;
  lang: 'fr' | 'de' | 'it';
  idempotencyKey: string;
};

export type ActionResult =
  | { ok: true; reference: string; details?: Record<string, unknown> }
  | { ok: false; reason: 'unavailable' | 'rejected'; code: string };

/** A backend that performs actions: the demo one (SQLite) or the insurer's API (http). */
export interface ActionBackend {
  perform(request: ActionRequest): Promise<ActionResult>;
  /** Facts about the signed-in person that flows need (current deductible, adult or child...). */
  account(tenant: string, subject: string): Promise<AccountView | undefined>;
}

export type AccountView = {
  adult: boolean;
  deductible?: number;
  accidentCover?: boolean;
  onlineInsurance?: boolean;
};
