/**
 * The shapes of the public API's answers as zod schemas, for the OpenAPI document and the contract tests
 * that hold every answer in the test suite to it. The types below are checked against the ones the code
 * returns, so a reply that changes shape without its schema does not compile.
 */
import { z } from 'zod';
import { backendSuccess, perAction } from '../actions/backend-contract.ts';
import type { Reply } from '../chat/reply.ts';
import { LANGS } from '../content/types.ts';
import type { toResult } from './results.ts';

const lang = z.enum(LANGS).meta({ description: 'The language used, always echoed back.' });

export const searchResult = z.object({
  id: z.string().meta({ description: 'The FAQ entry id, the same in every language.', examples: ['login-code-card'] }),
  title: z.string().meta({ description: 'The question the entry answers.' }),
  answer: z.string().meta({ description: 'Plain text of the answer, Markdown stripped.' }),
  score: z.number().meta({ description: 'Relevance (BM25), best first; only comparable within one answer.' }),
  url: z.string().meta({ description: "The entry's page on the help centre.", examples: ['/acme/fr/faq/login-code-card'] }),
});

export const searchResponse = z.object({
  tenant: z.string(),
  lang,
  query: z.string().meta({ description: 'The query as searched (trimmed).' }),
  results: z.array(searchResult),
});

const choice = z.object({
  id: z.string().meta({ description: 'Send it back as `choice` to press this button.' }),
  label: z.string(),
  url: z.string().optional().meta({ description: 'A link to open instead of a message to send.' }),
});

export const chatReply = z.object({
  kind: z.enum(['answer', 'flow', 'clarify', 'escalate', 'smalltalk']).meta({
    description:
      '`answer`: an FAQ answer; `flow`: a step of a guided flow; `clarify`: not confident, the closest entries and a way to contact support; `escalate`: contact options; `smalltalk`: greetings, thanks, goodbyes.',
  }),
  text: z.string().meta({ description: 'Plain text the visitor reads first.' }),
  sources: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })).meta({ description: 'The FAQ entries an answer came from.' }),
  choices: z.array(choice),
  flow: z.object({ id: z.string(), step: z.string() }).nullable().meta({ description: 'The guided flow and its step, for `flow` (and the end of a flow).' }),
  input: z
    .object({ kind: z.enum(['text', 'email', 'tel', 'textarea']) })
    .optional()
    .meta({ description: 'The step waits for typed input of this kind.' }),
  contact: z
    .object({ phone: z.string().optional(), hours: z.string().optional(), openNow: z.boolean().optional(), email: z.string().nullable().optional() })
    .optional()
    .meta({ description: 'For `escalate`: the phone line of the language, its hours, whether it is open now, an e-mail address.' }),
});

export const chatResponse = z.object({
  conversationId: z.string().meta({ description: 'Send it with the next message to continue the conversation.' }),
  lang,
  reply: chatReply,
});

/**
 * `200` of `POST /api/actions/<action>`: the reference, and what changed for account changes (passed on
 * from the backend, which the backend contract requires to say it; a backend of another kind may not).
 */
export const actionResponse = perAction((name): z.ZodObject => {
  const details = backendSuccess[name].shape.details;
  return z.object({
    ok: z.literal(true),
    action: z.literal(name),
    reference: z.string().meta({ description: 'Quote it to support; a repeated Idempotency-Key returns the same one.' }),
    ...(details ? { details: details.optional() } : {}),
  });
});

export const errorResponse = z.object({
  error: z.object({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/),
    message: z.string().meta({ description: "Human readable, in the request's language where known." }),
  }),
});

/** `GET /healthz`: alive; more fields may come (content version, errors). */
export const healthResponse = z.looseObject({ status: z.literal('ok') });

/** `GET /readyz`: ready to serve; what it adds about its checks is free. */
export const readyResponse = z.looseObject({ status: z.string().optional() });

// The schemas above describe what the code really returns: these fail to compile when either side moves.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const replyMatches: Same<z.output<typeof chatReply>, Reply> = true;
const resultMatches: Same<z.output<typeof searchResult>, ReturnType<typeof toResult>> = true;
void replyMatches;
void resultMatches;
