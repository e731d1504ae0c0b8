/**
 * What flows read from a tenant's tenant.yaml (`flows: <flow id>: ...`): the parameter schemas several
 * flows share, and the typed access to one flow's parameters.
 */
import { z } from 'zod';
import type { FlowContext } from '../chat/flow-types.ts';

export const localizedText = z.object({ fr: z.string().min(1), de: z.string().min(1), it: z.string().min(1) }).strict();

/** A regular expression an editor writes for a whole identifier ("KPT\\d{8}"); checked to compile. */
export const pattern = z.string().min(1).refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'a regular expression, e.g. "KPT\\\\d{8}" (KPT and eight digits)');

/** Whether a whole value matches an editor's pattern (anchored: "KPT\\d{8}" does not match "XKPT12345678"). */
export const matchesWhole = (source: string, value: string) => new RegExp(`^(?:${source})$`, 'u').test(value);

/** A date in any year, as month and day: "11-30" for 30 November. */
export const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a day of the year as MM-DD, e.g. "11-30" for 30 November');

const parsed = new WeakMap<object, unknown>();

/**
 * One flow's parameters for the tenant of the conversation. Content loaded with the flows known has
 * them checked already (an offered flow's parameters always pass); the parse here only fills in
 * defaults for content read without them, and is kept per tenant file.
 */
export function paramsOf<S extends z.ZodType>(ctx: Pick<FlowContext, 'tenant'>, flowId: string, schema: S): z.output<S> {
  const raw = ctx.tenant.flows[flowId] ?? {};
  const hit = parsed.get(raw);
  if (hit !== undefined) return hit as z.output<S>;
  const value = schema.parse(raw);
  parsed.set(raw, value);
  return value;
}
