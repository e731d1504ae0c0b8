/**
 * Decides what a visitor's message asks for: an FAQ answer, a guided flow, people, small talk, or
 * nothing we know ("clarify"). Confidence comes from two measures that do not depend on the corpus
 * size: how much of the message the best entry covers, and how close the message is to one of the
 * entry's known phrasings (F1). An answer needs both a high confidence and a lead over the runner-up.
 */
import type { Lang } from '../content/types.ts';
import { fold } from '../search/fold.ts';
import { NEGATION_TOKEN } from '../search/analyzer.ts';
import type { SearchService } from '../search/service.ts';
import type { Hit } from '../search/tenant-index.ts';
import type { ChatModel } from './model.ts';
import { bestMatch, similarity } from './similarity.ts';

/** Thresholds, calibrated with `npm run eval` on the case files (see README, "Answer quality"). */
export const THRESHOLDS = {
  /**
   * Match quality (share of the message the entry covers, or closeness to one of its phrasings) for an
   * answer. On the case files every right answer scored 0.63 or more and every out-of-scope question
   * 0.5 or less: a one-word overlap with a two-word question is not an answer.
   */
  answer: 0.6,
  /** Below the answer threshold but above this, "did you mean" offers the closest entries. */
  suggest: 0.25,
  /** Runner-ups scoring at least this share of the best are offered next to the answer. */
  close: 0.8,
  /** Similarity from which a flow trigger or a contact phrase counts. */
  trigger: 0.6,
  /** Small talk only for short messages that are close to a greeting, thanks or goodbye. */
  smalltalk: 0.75,
} as const;

export type Scored = {
  hit: Hit;
  /** Closeness to the entry's nearest phrasing (question or alternate), 0..1. */
  closest: number;
  /** Match quality, 0..1: the larger of `closest` and the share of the message the entry covers. */
  confidence: number;
};

export type Understanding =
  | { kind: 'answer'; best: Scored; others: Scored[] }
  | { kind: 'flow'; flow: string; step?: string; score: number; /** The FAQ entry the message is closest to, to enter the flow at the right step. */ entry?: string }
  | { kind: 'contact'; score: number }
  | { kind: 'smalltalk'; intent: 'greeting' | 'thanks' | 'goodbye' }
  | { kind: 'clarify'; candidates: Scored[] };

// A question asks for a fact ("bis wann", "combien"); an intention asks to do something ("je veux").
const QUESTION_START = /^(comment|combien|quand|pourquoi|qui|que|quel|quelle|quels|quelles|ou|est-ce|a quoi|faut-il|puis-je|peut-on|dois-je|wie|wann|was|wer|wo|warum|weshalb|welche|welcher|welches|kann|muss|darf|gibt|bis wann|come|quando|quanto|quanti|quante|perche|chi|cosa|che|dove|quale|quali|posso|devo|si puo|fino a quando|entro quando)\b/;
const INTENT = /\b(je veux|je voudrais|j'aimerais|je souhaite|j'ai besoin|ich mochte|ich will|ich wurde gerne|ich muss|vorrei|voglio|desidero|ho bisogno)\b/;

// Asked anywhere in a short query ("Franchise senken bis wann", "délai franchise"), these ask for a fact too.
const FACT_WORDS = /\b(quand|combien|pourquoi|delai|date limite|wann|wie lange|wie viel|wieviel|warum|frist|quando|quanto|quanti|perche|termine|scadenza)\b/;

export const isQuestion = (message: string) => {
  const m = fold(message).trim();
  return m.endsWith('?') || QUESTION_START.test(m) || FACT_WORDS.test(m);
};
export const isIntention = (message: string) => INTENT.test(fold(message));

export type UnderstandDeps = {
  search: SearchService;
  model: ChatModel;
  /** The flow (and step) that handles an FAQ entry's problem, if any (from the flows' entry points). */
  flowFor?: (entryId: string) => { flow: string; step: string } | undefined;
};

export function understand(deps: UnderstandDeps, tenant: string, lang: Lang, said: string): Understanding {
  const model = deps.model.get(tenant, lang);
  if (!model) return { kind: 'clarify', candidates: [] };
  // "Bonjour, je …": the greeting is politeness, the rest is the question (a greeting alone stays one).
  const rest = fold(said).trim().replace(model.greeting, '');
  const message = rest.trim() ? rest : said;
  const concepts = model.analyzer.concepts(message);

  const hits = deps.search.search(tenant, lang, message, { limit: 5 });
  // If the page's language is not the message's, the hits come from the message's language: compare there.
  const detected = deps.search.detectLanguage(message);
  const phrasingModel = detected && detected.lang !== lang ? (deps.model.get(tenant, detected.lang) ?? model) : model;
  const phrasingConcepts = phrasingModel === model ? concepts : phrasingModel.analyzer.concepts(message);
  const scored: Scored[] = hits.map((hit) => {
    const phrasings = phrasingModel.phrasings.get(hit.entry.id) ?? [];
    const closest = Math.max(0, ...phrasings.map((p) => similarity(phrasingConcepts, p)));
    return { hit, closest, confidence: Math.max(closest, hit.coverage) };
  });
  const best = scored[0];
  const faqConfidence = best?.confidence ?? 0;
  const confident = faqConfidence >= THRESHOLDS.answer;

  const flow = bestMatch(phrasingConcepts, phrasingModel.triggers);
  const contact = bestMatch(phrasingConcepts, phrasingModel.intents.contact);
  const words = fold(said).split(/\s+/).filter(Boolean).length;

  if (words <= 6) {
    for (const intent of ['greeting', 'thanks', 'goodbye'] as const) {
      const m = bestMatch(phrasingModel.analyzer.concepts(said), phrasingModel.intents[intent]);
      if (m && m.score >= THRESHOLDS.smalltalk && !confident) return { kind: 'smalltalk', intent };
    }
  }
  if (contact && contact.score >= THRESHOLDS.trigger && contact.score >= (flow?.score ?? 0) && (contact.score >= (best?.closest ?? 0) || !confident || isIntention(message))) {
    return { kind: 'contact', score: contact.score };
  }
  if (flow && flow.score >= THRESHOLDS.trigger) {
    const factQuestion = isQuestion(message) && !isIntention(message);
    if (!(factQuestion && confident) && !(faqConfidence > flow.score + 0.2)) {
      return {
        kind: 'flow',
        flow: flow.value.flow,
        ...(flow.value.step ? { step: flow.value.step } : {}),
        // A specific entry closer than the trigger names the step ("SMS code not received"); a general
        // trigger ("je n'arrive pas à me connecter") starts at the flow's first question.
        ...(best && confident && faqConfidence >= flow.score ? { entry: best.hit.entry.id } : {}),
        score: flow.score,
      };
    }
  }
  // Something that does not work ("je ne reçois pas le code") or a wish ("je veux…"), and a flow solves
  // it: solve it there rather than describe it.
  const problem = !isQuestion(message) && (isIntention(message) || model.analyzer.terms(message).includes(NEGATION_TOKEN));
  const handler = best && confident && problem ? deps.flowFor?.(best.hit.entry.id) : undefined;
  if (handler) return { kind: 'flow', flow: handler.flow, step: handler.step, score: faqConfidence, entry: best!.hit.entry.id };
  if (best && confident) {
    return { kind: 'answer', best, others: scored.slice(1).filter((s) => s.hit.score >= THRESHOLDS.close * best.hit.score) };
  }
  return { kind: 'clarify', candidates: scored.filter((s) => s.confidence >= THRESHOLDS.suggest).slice(0, 3) };
}
