/**
 * The conversation service: finds or starts a conversation, runs one turn, keeps it in the store and
 * logs the question (redacted) for insights. Expected failures come back as values for the web layer.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ActionService } from '../actions/service.ts';
import type { Lang } from '../content/types.ts';
import { redact } from '../insights/redact.ts';
import { fold } from '../search/fold.ts';
import { DECISION } from '../understanding/decide.ts';
import type { Library } from '../library.ts';
import { SUGGESTION_DEFAULTS, suggestedEntries } from './suggestions.ts';
import type { Conversation, Store, StoredMessage } from '../store/types.ts';
import type { ReplyKind } from '../metrics.ts';
import { handleTurn, type TurnInput, type TurnOutcome } from './engine.ts';
import { withLanguageNote } from './language-note.ts';
import type { FlowDef } from './flow-types.ts';
import { turnDeps } from './deps.ts';
import { chooseLanguage } from './language.ts';
import type { Reply } from './reply.ts';
import { emptyTracker, readTracker } from './tracker.ts';

export type ChatRequest = {
  tenant: string;
  lang?: Lang | undefined;
  conversationId?: string | undefined;
  input: TurnInput;
  subject: string | null;
  acceptLanguage?: Lang | undefined;
  /** The client address, counted by the per-address limit of contact requests (unset: not counted). */
  client?: string | undefined;
};

export type ChatResult =
  | {
      ok: true;
      conversationId: string;
      lang: Lang;
      reply: Reply;
      /** What the visitor said or pressed, as shown. */
      visitorText: string;
      /** The field the reply asks for, and why a value was refused (for the page, not the API). */
      ask?: { field: string; error?: string } | null;
    }
  | { ok: false; code: 'unknown_tenant' | 'unknown_conversation'; lang?: Lang };

export type Assistant = {
  reply(req: ChatRequest): Promise<ChatResult>;
  /** The messages of a conversation, for the chat page after a reload. */
  history(tenant: string, conversationId: string): Promise<{ conversation: Conversation; messages: StoredMessage[] } | undefined>;
  /** The questions the chat suggests when it opens (most asked lately, else the editors' choice). */
  suggestions(tenant: string, lang: Lang, topic?: string): Promise<{ id: string; question: string }[]>;
};

export function createAssistant(deps: {
  library: () => Library;
  store: Store;
  actions: ActionService;
  flows: ReadonlyMap<string, FlowDef>;
  clock: () => Date;
  logger: Logger;
  /** Told of each reply's kind, for operators' metrics (no text, no person). */
  onReply?: (r: { tenant: string; lang: Lang; kind: ReplyKind }) => void;
}): Assistant {
  // The question log is read at most every ten minutes per tenant: suggestions need not be to the second.
  const asked = new Map<string, { at: number; log: { entryId: string | null }[] }>();
  const recentlyAsked = async (tenant: string) => {
    const now = deps.clock().getTime();
    const cached = asked.get(tenant);
    if (cached && now - cached.at < 10 * 60_000) return cached.log;
    let log: { entryId: string | null }[] = [];
    try {
      const since = new Date(now - SUGGESTION_DEFAULTS.days * 86_400_000).toISOString();
      log = (await deps.store.questions(tenant, since)).filter((q) => q.outcome === 'answer');
    } catch {
      // A store that cannot answer leaves the editors' suggestions, not a broken chat page.
    }
    asked.set(tenant, { at: now, log });
    return log;
  };

  return {
    async suggestions(tenant, lang, topic) {
      const tc = deps.library().content.tenants.get(tenant);
      if (!tc) return [];
      const known = topic && tc.tenant.categories.some((c) => c.id === topic) ? topic : undefined;
      return suggestedEntries(await recentlyAsked(tenant), tc.entries[lang], tc.tenant.suggestions, known ? { topic: known } : {}).map((e) => ({ id: e.id, question: e.question }));
    },

    async reply(req) {
      const library = deps.library();
      const tc = library.content.tenants.get(req.tenant);
      if (!tc) return { ok: false, code: 'unknown_tenant' };
      const now = deps.clock();
      let conversation: Conversation | undefined;
      if (req.conversationId) {
        conversation = await deps.store.getConversation(req.conversationId);
        // Someone else's conversation (another tenant, or another signed-in person) is not there for them.
        const owner = conversation?.state.subject ?? null;
        if (!conversation || conversation.tenant !== req.tenant || (owner !== null && owner !== req.subject)) {
          return { ok: false, code: 'unknown_conversation', ...(req.lang ? { lang: req.lang } : {}) };
        }
        // A signed-in person never takes up an anonymous conversation: its id may be known to whoever
        // started it, and its history would join the person's contact requests. They start their own.
        if (owner === null && req.subject !== null) conversation = undefined;
      }
      const tracker = conversation ? readTracker(conversation.state) : emptyTracker();
      const text = 'message' in req.input ? req.input.message : '';
      const { lang, switched } = chooseLanguage({
        detected: text ? library.search.detectLanguage(text) : undefined,
        words: text.trim().split(/\s+/).filter(Boolean).length,
        pageLang: req.lang,
        conversation: conversation ? { lang: conversation.lang, pageLang: tracker.pageLang ?? null } : undefined,
        acceptLanguage: req.acceptLanguage,
        tenantDefault: tc.tenant.defaultLanguage,
      });
      conversation ??= {
        id: randomBytes(16).toString('base64url'),
        tenant: req.tenant,
        lang,
        state: tracker,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      const conversationId = conversation.id;

      const result = await handleTurn(
        turnDeps(library, tc, {
          flows: deps.flows,
          actions: deps.actions,
          now,
          submitContact: async (form) => {
            const outcome = await deps.actions.run({
              tenant: req.tenant,
              action: 'contact-request',
              params: { ...form, conversationId },
              subject: req.subject,
              lang,
              idempotencyKey: `${conversationId}:contact:${tracker.runs}`,
              client: req.client,
            });
            if (!outcome.ok) return { ok: false, limited: outcome.reason === 'rate_limited' };
            const reference = outcome.reference;
            if (!(await deps.store.getContactRequest(reference))) {
              await deps.store.saveContactRequest({
                reference,
                tenant: req.tenant,
                lang,
                conversationId,
                name: form.name,
                email: form.email,
                customerNumber: form.customerNumber ?? null,
                topic: form.topic,
                message: form.message,
                transcript: await deps.store.transcript(conversationId),
                createdAt: now.toISOString(),
              });
            }
            return { ok: true, reference };
          },
        }),
        { conversationId, tenant: tc, lang, tracker, subject: req.subject },
        req.input,
      );

      if (switched && req.lang && lang !== req.lang) {
        // Said in the page's language, so a visitor who did not expect the switch understands it.
        result.reply = { ...result.reply, text: withLanguageNote(library.t, req.lang, lang, result.reply.text) };
      }

      // Record feedback pressed on an answer.
      // (also pressed under an older answer: its button names the entry.)
      if ('choice' in req.input) {
        const action = result.pressed?.action;
        if (action?.do === 'feedback') {
          await deps.store.addFeedback({ tenant: req.tenant, lang, entryId: action.id, helpful: action.helpful, reason: action.reason ?? null, source: 'chat', at: now.toISOString() });
        }
        // The visitor showed which entry their wording meant: a suggested alternate for editors.
        const asked = tracker.asked;
        const pickedFromDidYouMean = action?.do === 'faq' && tracker.lastReply?.kind === 'clarify';
        const guessRatedHelpful = action?.do === 'feedback' && action.helpful && asked?.entry === action.id && (asked.p ?? 1) < DECISION.learnBelow;
        if (asked && action && (pickedFromDidYouMean || guessRatedHelpful) && 'id' in action) {
          const phrasing = redact(asked.text).replace(/\s+/g, ' ').trim().slice(0, 200);
          const entry = tc.entries[lang].find((e) => e.id === action.id);
          const known = entry && [entry.question, ...entry.alternates].some((x) => fold(x).trim() === fold(phrasing));
          if (entry && phrasing && !known) await deps.store.addSuggestion({ tenant: req.tenant, lang, entryId: entry.id, phrasing, at: now.toISOString() });
        }
      }

      // The transcript keeps what was typed (support needs it with a contact request) and the labels pressed.
      // A button no longer understood shows as such, never as its raw id.
      const visitorText = 'message' in req.input ? req.input.message : (result.pressed?.label ?? library.t(lang, 'chat:oldChoice'));
      // The turn is kept at once (one round trip to a server database): state, both messages, the question.
      await deps.store.saveTurn({
        conversation: {
          ...conversation,
          lang,
          state: { ...result.tracker, lastReply: result.reply, subject: tracker.subject ?? req.subject, pageLang: req.lang ?? tracker.pageLang ?? null },
          updatedAt: now.toISOString(),
        },
        messages: [
          { role: 'visitor', text: visitorText, at: now.toISOString() },
          { role: 'assistant', text: result.reply.text, kind: result.reply.kind, at: now.toISOString() },
        ],
        question:
          'message' in req.input && result.outcome.question
            ? {
                tenant: req.tenant,
                lang,
                question: redact(req.input.message).slice(0, 500),
                outcome: result.outcome.outOfScope ? 'out_of_scope' : result.outcome.understood ? result.outcome.kind : 'unanswered',
                entryId: result.outcome.entryId,
                topic: result.outcome.topic,
                source: 'chat',
                at: now.toISOString(),
              }
            : undefined,
      });
      deps.onReply?.({ tenant: req.tenant, lang, kind: replyKind(result.outcome) });
      return { ok: true, conversationId: conversation.id, lang, reply: result.reply, visitorText, ask: result.tracker.ask ?? null };
    },

    async history(tenant, conversationId) {
      const conversation = await deps.store.getConversation(conversationId);
      if (!conversation || conversation.tenant !== tenant) return undefined;
      return { conversation, messages: await deps.store.transcript(conversationId) };
    },
  };
}


/** The reply as operators count it: "people" for contact options, out of scope apart from clarifying. */
function replyKind(outcome: TurnOutcome): ReplyKind {
  if (outcome.outOfScope) return 'out_of_scope';
  return outcome.kind === 'escalate' ? 'people' : outcome.kind;
}
