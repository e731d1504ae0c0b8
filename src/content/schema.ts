/** zod schemas for the editor files: what a tenant file, FAQ front matter and the YAML lists may hold. */
import { z } from 'zod';
import { HINT_IDS } from '../rules/hints.ts';

const localized = z.object({ fr: z.string().min(1), de: z.string().min(1), it: z.string().min(1) }).strict();
const lang = z.enum(['fr', 'de', 'it']);
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like "08:00"');
/** Swiss numbers as people read them: "0800 815 415", "031 555 09 11", "+41 31 555 09 11". */
export const phoneNumber = z
  .string()
  .regex(/^(\+41 ?|0)\d{2,3}( ?\d{2,3}){2,3}$/, 'a Swiss phone number like "0800 815 415"');

const flowId = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a flow id: lower case letters, digits and hyphens');

/** A flow's parameters in tenant.yaml: a mapping, or nothing at all ("registration:") for none. */
const flowParams = z.preprocess((v) => v ?? {}, z.record(z.string(), z.unknown()));

export const tenantSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower case letters, digits and hyphens'),
    defaultLanguage: lang,
    insurer: localized,
    portal: z.union([z.string().min(1), localized]),
    theme: z
      .object({
        primary: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#003c71"'),
        accent: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like "#e6eef6"'),
      })
      .strict(),
    urls: z.record(z.string(), z.url({ protocol: /^https$/, message: 'an https:// address' })),
    support: z
      .object({
        name: localized,
        email: z.email().nullable(),
        contactForm: z.boolean(),
        phones: z.partialRecord(lang, z.object({ number: phoneNumber, label: localized }).strict()),
        hours: z.array(
          z
            .object({
              days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
              open: time,
              close: time,
            })
            .strict(),
        ),
        /** When support answers a contact request, told in the confirmation: working days or hours. */
        responseTime: z
          .union([
            z.object({ workingDays: z.int('a whole number of working days').min(1, 'at least 1 working day').max(20, 'at most 20 working days') }).strict(),
            z.object({ hours: z.int('a whole number of hours').min(1, 'at least 1 hour').max(72, 'at most 72 hours: beyond, give working days') }).strict(),
          ], { error: 'either "workingDays: 2" or "hours: 24"' })
          .optional(),
      })
      .strict(),
    /**
     * Sites that may frame the chat and call the API from a browser: https origins only (scheme, host and
     * port, no path), so a slip cannot let in `javascript:`, `data:` (whose pages send `Origin: null`) or a
     * plain-http page anyone on the network can rewrite. A loopback page (http://localhost, 127.0.0.1) is
     * accepted for trying the widget on one's own machine.
     */
    embed: z.object({ allowedOrigins: z.array(z.string().refine(isEmbedOrigin, { message: 'an origin like "https://www.example.ch" (https, no path)' })) }).strict(),
    categories: z.array(z.object({ id: z.string().min(1), title: localized }).strict()).min(1),
    /**
     * The guided flows this insurer offers, each with its parameters. The shape of each flow's
     * parameters is the flow's own (`params` of its FlowDef), checked when the content is loaded with
     * the flows known (`tenantSchemaWith`); here any mapping, or nothing for a flow without parameters.
     */
    flows: z.record(flowId, flowParams),
    /** FAQ entry ids the chat suggests when it opens, until the question log knows what people ask. */
    suggestions: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'an FAQ entry id')).max(5).optional(),
    /** Timely hints the help page and the chat greeting show while they are due. */
    hints: z.array(z.enum(HINT_IDS)).optional(),
  })
  .strict();

/**
 * The tenant schema with each known flow's parameter schema: an unknown flow id or a wrong parameter
 * is reported at its line in tenant.yaml, like any other setting.
 */
export function tenantSchemaWith(params: ReadonlyMap<string, z.ZodType>) {
  const shape: Record<string, z.ZodType> = {};
  for (const [id, schema] of params) shape[id] = z.preprocess((v) => v ?? {}, schema).optional();
  const known = [...params.keys()].join(', ');
  return tenantSchema.extend({
    flows: z.strictObject(shape, {
      error: (iss) =>
        iss.code === 'unrecognized_keys' ? `no flow is called ${iss.keys.map((k) => `"${k}"`).join(', ')} (the flows: ${known})` : undefined,
    }),
  });
}

export const frontMatterSchema = z
  .object({
    question: z.string().trim().min(3, 'the question is empty'),
    alternates: z.array(z.string().trim().min(2)).default([]),
    category: z.string().min(1),
    related: z.array(z.string()).default([]),
  })
  .strict();

export const synonymsSchema = z.array(z.array(z.string().trim().min(1)).min(2, 'a group needs two words or more'));

const phrases = z.array(z.string().trim().min(1));

export const intentsSchema = z
  .object({
    contact: z.array(z.string().min(1)).min(1),
    greeting: z.array(z.string().min(1)).min(1),
    thanks: z.array(z.string().min(1)).min(1),
    goodbye: z.array(z.string().min(1)).min(1),
    // What visitors say about the conversation itself, learned like the intents above.
    /** "That does not help", "still not working". */
    unhelpful: phrases.default([]),
    /** "Back to my login problem", "let's go on". */
    resume: phrases.default([]),
    /** "Start over". */
    restart: phrases.default([]),
    /** "En français, s'il vous plaît": the reply follows the message's language, nothing else is asked. */
    language: phrases.default([]),
    /** "Can't you do it for me here?": asks what the assistant itself can do about the subject. */
    delegate: phrases.default([]),
    // Matched as words, not learned: short answers to the question a flow asks.
    /** "Yes", "exactly": presses the step's one confirming button. */
    affirm: phrases.default([]),
    /** "No", "not at all". */
    deny: phrases.default([]),
    /** "No, I meant…": the visitor corrects what the last reply understood. A single word counts only as the first word. */
    correction: phrases.default([]),
    /** The words a follow-up opens with ("and if…", "und wenn…"): the message leans on the last topic. */
    followUp: phrases.default([]),
    /** "Another question", "kurz was anderes": the message is about something else than the last topic. */
    newTopic: phrases.default([]),
    /** "The first", "the second"…, each line the words for one position. */
    ordinals: z.array(phrases.min(1)).default([]),
  })
  .strict();

/** Examples the understanding model learns from besides the FAQ: out of scope, act, fact or advice, wrappers. */
export const understandingSchema = z
  .object({
    outOfScope: z.array(z.string().trim().min(1)).default([]),
    act: z.array(z.string().trim().min(1)).default([]),
    fact: z.array(z.string().trim().min(1)).default([]),
    /** Follow-up questions that name no subject ("et si je la perds ?", "und dann?"): read against the conversation's topic. */
    detail: z.array(z.string().trim().min(1)).default([]),
    advice: z.array(z.string().trim().min(1)).default([]),
    wrappers: z.array(z.string().regex(/\{q\}/, 'a wrapper holds {q} where the question goes')).default([]),
    about: z.array(z.string().trim().min(1)).default([]),
    /** Other insurers, banks and providers: a question about one of them and not about us is out of scope. */
    otherCompanies: z.array(z.string().trim().min(2)).default([]),
    /** How visitors speak of the insurer without naming it ("chez vous", "bei euch"). */
    us: z.array(z.string().trim().min(2)).default([]),
  })
  .strict();

/** A flow's id, or "flow/step": phrases that name a step enter the flow there ("login-trouble/password"). */
export const triggersSchema = z.record(z.string().regex(/^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)?$/, 'a flow id, or a flow id and one of its steps: login-trouble/password'), z.array(z.string().trim().min(2)).min(1));

/** `https://host[:port]` exactly as its origin reads, or a loopback `http://` origin. */
export function isEmbedOrigin(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const loopback = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return (url.protocol === 'https:' || loopback) && url.origin === value.replace(/\/$/, '');
}
