/**
 * The demo accounts of the `demo` backend, documented in the README so anyone can try every flow. They
 * are data, one file beside the content (`demo/accounts.json`), so that adding an insurer needs no code:
 * its demo persons are added there.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const demoAccount = z
  .object({
    tenant: z.string().min(1),
    sub: z.string().min(1),
    name: z.string().min(1),
    email: z.email(),
    mobile: z.string().min(1),
    /** The number the insurer knows the person by: insured number or online contract number. */
    customerNumber: z.string().min(1),
    birthYear: z.number().int(),
    deductible: z.number().int().min(0),
    accidentCover: z.boolean(),
    onlineInsurance: z.boolean(),
    /** The account changes the conformance kit tries on this person; null leaves the person out of it. */
    conformance: z.array(z.enum(['deductible-change', 'accident-cover', 'online-insurance'])).nullable().default([]),
  })
  .strict();

export type DemoAccount = Omit<z.output<typeof demoAccount>, 'conformance'>;

const FILE = new URL('../../demo/accounts.json', import.meta.url);

/** Read once at start: a broken file is a packaging bug, reported with the file's name. */
function read(): z.output<typeof demoAccount>[] {
  const parsed = z.array(demoAccount).safeParse(JSON.parse(readFileSync(FILE, 'utf8')));
  if (!parsed.success) throw new Error(`demo/accounts.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const ALL = read();

export const DEMO_ACCOUNTS: DemoAccount[] = ALL.map(({ conformance: _, ...a }) => a);

/** The demo accounts the conformance kit exercises, with the changes to try on each. */
export const DEMO_CONFORMANCE = ALL.flatMap((a) => (a.conformance ? [{ tenant: a.tenant, sub: a.sub, changes: a.conformance }] : []));
