/**
 * The dialogue policy: what a turn does, decided in one place from the event (a typed message or a
 * pressed button), the tracker (the conversation so far) and what understanding made of the message.
 * Each kind of turn is one named case below, tried in order; adding a kind of turn is adding a case.
 * Pure: no I/O, no model; understanding is asked only when a case needs it.
 */
import type { Decision } from '../understanding/decide.ts';
import type { ChoiceAction } from './reply.ts';
import type { Tracker } from './tracker.ts';
import type { SlotReading } from './typed.ts';
import type { Understood } from './understand.ts';

/** Every threshold of the policy (understanding's own are in `understanding/decide.ts`). */
export const POLICY = {
  /** Turns in a row that did not help (not understood, out of scope, "that does not help") before contact options lead. */
  unhelpfulTurns: 2,
  /** A message with at most this many words of its own leans on the last topic: it is read against it first. */
  ellipticWords: 3,
  /** A message this short that is not a valid value for the field asked is a mistyped value, not a question. */
  valueWords: 3,
  /** A correction that names a subject at least this surely means it; less surely, the topic's neighbours are likelier. */
  clearSubject: 0.6,
} as const;

export type MessageEvent = {
  type: 'message';
  text: string;
  /** Words of the message. */
  words: number;
  /** The open flow's button the text presses (its label typed, its position, "yes"), if any. */
  button?: string;
  /** The value the text gives for the open step's field, if the step asks for one. */
  slot?: SlotReading;
};
export type PressEvent = { type: 'press'; id: string; /** What the button does, if it is still understood. */ action?: ChoiceAction };
export type Event = MessageEvent | PressEvent;

export type Move =
  /** A button pressed. */
  | { case: 'press'; action: ChoiceAction }
  /** A button of an older reply that meant something only where the conversation was. */
  | { case: 'stale' }
  /** The label (or position) of one of the open step's buttons, typed. */
  | { case: 'typed-choice'; choice: string }
  /** A value for the open step's field, typed (alone or in a sentence). */
  | { case: 'typed-detail'; value: string }
  /** A value that is not valid for the field: asked again with why (and "did you mean" for a likely typo). */
  | { case: 'mistyped-detail'; error: string; didYouMean?: { value: string; typed: string } }
  /** Back to the paused flow, where it was or at the step the message names. */
  | { case: 'resume'; step?: string }
  /** The flow from its first question. */
  | { case: 'restart' }
  /** Inside the open flow, the message names another of its steps ("non, c'est le code qui n'arrive pas"). */
  | { case: 'jump'; step: string }
  /** "Thanks", "goodbye": a thanks after thanks closes. */
  | { case: 'closing'; intent: 'thanks' | 'goodbye' }
  /** "In French, please" and nothing else: said in the new language, what can be done. */
  | { case: 'language' }
  /** "Can't you do it for me here?": what the assistant can do about the subject, or how the visitor does it. */
  | { case: 'delegate' }
  /** "That does not help": the next closest entries and people, never another subject. */
  | { case: 'frustration' }
  /** The second turn in a row that did not help (or "that does not help" inside a flow): contact options lead. */
  | { case: 'give-up'; saidUnhelpful?: true }
  /** A short or elliptic message after an answer, read against its topic. */
  | { case: 'follow-up'; decision: Decision }
  /** "No, I meant…": what the last reply understood is left out (and an open flow left). */
  | { case: 'correction'; decision: Decision }
  /** A question or an out-of-scope message while a flow waits: answered, the flow kept to resume. */
  | { case: 'detour'; decision: Decision }
  /** Any other message: read alone. */
  | { case: 'new-question'; decision: Decision };

const isSubject = (d: Decision) => d.kind === 'answer' || d.kind === 'flow';
/** A subject named this surely is what a correction meant, neighbour of the topic or not. */
const isClear = (d: Decision) => isSubject(d) && (d as { p: number }).p >= POLICY.clearSubject;
const notHelping = (d: Decision) => d.kind === 'clarify' || d.kind === 'oos';

/** Whether a decision is about the tracker's topic (its entry or its flow). */
function aboutTopic(d: Decision, t: Tracker): boolean {
  const topic = t.topic;
  if (!topic) return false;
  if (d.kind === 'answer') return d.entry === topic.entry || (topic.flow !== null && d.offer?.flow === topic.flow);
  if (d.kind === 'flow') return d.flow === topic.flow || (d.entry !== undefined && d.entry === topic.entry);
  return false;
}

export function nextMove(t: Tracker, e: Event, understand: () => Understood): Move {
  if (e.type === 'press') return e.action ? { case: 'press', action: e.action } : { case: 'stale' };

  const open = t.flow;
  // A flow waits: a typed button or value answers its question.
  if (open && e.button) return { case: 'typed-choice', choice: e.button };
  if (open && e.slot) {
    if (e.slot.ok) return { case: 'typed-detail', value: e.slot.value };
    const refused = { case: 'mistyped-detail' as const, error: e.slot.error, ...(e.slot.didYouMean ? { didYouMean: e.slot.didYouMean } : {}) };
    // A word or two, or something shaped like the value: a mistyped value, not a new question.
    if (e.slot.didYouMean || e.slot.looked || e.words < POLICY.valueWords) return refused;
    const { alone, inTopic, thanksOnly } = understand();
    // A thanks or goodbye is not a mistyped value: the visitor is done (the closing below).
    const closes = thanksOnly || (alone.kind === 'smalltalk' && alone.intent !== 'greeting');
    if (!closes && (alone.kind === 'smalltalk' || (alone.kind === 'clarify' && !inTopic) || (alone.kind === 'detail' && !inTopic))) return refused;
  }

  const u = understand();
  const d = u.alone;
  // "Hab ich schon probiert, das geht nicht. Ihr seid unmöglich", "fatto, non funziona. basta, mi passi
  // qualcuno": a clause says it did not help and the rest vents or asks for someone, nothing of ours.
  // Past trying the answers again: people lead.
  if (d.kind !== 'act' && u.says.includes('unhelpful') && !isSubject(d) && !u.correction) return { case: 'give-up', saidUnhelpful: true };

  // What the message says of the conversation itself.
  if (d.kind === 'act') {
    if (d.act === 'resume' && (t.paused || open)) return { case: 'resume' };
    if (d.act === 'restart' && (open || t.paused)) return { case: 'restart' };
    // Inside a flow the visitor has already followed its steps: people lead at once.
    if (d.act === 'unhelpful') return open || t.unhelpful + 1 >= POLICY.unhelpfulTurns ? { case: 'give-up', saidUnhelpful: true } : { case: 'frustration' };
    // The reply is already in the language asked for: the open step again, or what to ask.
    if (d.act === 'language') return open ? { case: 'jump', step: open.step } : { case: 'language' };
    if (u.thanksOnly && !open) return thanked(t);
    if (d.act === 'delegate' && (open || t.topic)) return { case: 'delegate' };
    return { case: 'new-question', decision: { kind: 'clarify', candidates: [] } };
  }
  // "Back to my registration": the paused flow's own subject takes it up again; a question for a fact
  // of it is answered as it is asked, not read as a follow-up of the question in between.
  if (t.paused && !open && d.kind === 'flow' && d.flow === t.paused.id) return { case: 'resume', ...(d.step ? { step: d.step } : {}) };
  if (t.paused && !open && d.kind === 'answer' && d.offer?.flow === t.paused.id) return { case: 'new-question', decision: d };

  if (open) {
    // "Merci vielmal, das wars" while the flow waits: the visitor is done; the flow stays to come back to.
    if (u.thanksOnly && !isSubject(d) && d.kind !== 'contact') return { case: 'closing', intent: d.kind === 'smalltalk' && d.intent === 'goodbye' ? 'goodbye' : 'thanks' };
    if (d.kind === 'smalltalk' && d.intent === 'goodbye') return { case: 'closing', intent: 'goodbye' };
    if (u.correction && (aboutTopic(d, t) || !isSubject(d))) return { case: 'correction', decision: u.besides() };
    if (u.correction && isSubject(d)) return { case: 'correction', decision: d };
    if (d.kind === 'flow' && d.flow === open.id) {
      if (d.step && d.step !== open.step) return { case: 'jump', step: d.step };
      // The flow's subject again without a step of its own ("je n'ai pas de carte de code"): the
      // entry it is closest to answers it, and the flow waits where it was.
      if (d.entry) return { case: 'detour', decision: { kind: 'answer', entry: d.entry, others: [], p: d.p } };
      return { case: 'jump', step: open.step };
    }
    if (d.kind === 'contact') return { case: 'new-question', decision: d };
    // A question for a detail of what the flow is about ("et ce lien, il vaut combien de temps ?").
    if (u.inTopic && leansOn(u, d)) return { case: 'detour', decision: u.inTopic };
    return { case: 'detour', decision: d };
  }

  // "Super danke, dann mach ich das grad", "merci ça marche !": thanks, and nothing asked of ours but
  // perhaps the subject just answered.
  if (u.thanksOnly && (!isSubject(d) || aboutTopic(d, t)) && d.kind !== 'contact') return thanked(t);
  if (d.kind === 'smalltalk' && d.intent !== 'greeting') {
    // A second thanks (the first was answered with "anything else?") is a goodbye.
    const closing = d.intent === 'thanks' && t.lastReply?.kind === 'smalltalk' ? 'goodbye' : d.intent;
    return { case: 'closing', intent: closing };
  }

  if (u.correction && t.topic) {
    const meant = aboutTopic(d, t) || !isSubject(d) || !isClear(d) ? u.besides() : d;
    // "Ich meine senken, nicht erhöhen": nothing else is named, a detail of the same subject is
    // corrected in words of its answer; the subject stays.
    const namesNothingElse = !isSubject(meant) && !(meant.kind === 'clarify' && meant.candidates.length > 0);
    if (namesNothingElse && u.inTopic && aboutTopic(u.inTopic, t) && u.grounding === 'shared') return { case: 'follow-up', decision: u.inTopic };
    return { case: 'correction', decision: askedAsBefore(meant, t) };
  }

  // After an answer, a message that leans on it is read against its topic first; one that fits
  // nothing there is a new question (understanding leaves out a reading against the topic for a
  // message clearly about something else: "und das Wetter in Bern?").
  // Out of scope alone, a message is a follow-up when it opens as one or uses a word of the answer
  // itself ("mi serve per forza un conto PostFinance?"), unless none of its words is the topic's.
  const outOfScopeOnTopic = d.kind === 'oos' && u.grounding !== 'strange' && (u.opensAsFollowUp || u.grounding === 'shared');
  if (u.inTopic && (leansOn(u, d) || outOfScopeOnTopic)) return { case: 'follow-up', decision: u.inTopic };

  if (notHelping(d) && t.unhelpful + 1 >= POLICY.unhelpfulTurns) return { case: 'give-up' };
  return { case: 'new-question', decision: d };
}

/** A thanks closes; after "anything else?" (the last reply was small talk) it is a goodbye. */
const thanked = (t: Tracker): Move => ({ case: 'closing', intent: t.lastReply?.kind === 'smalltalk' ? 'goodbye' : 'thanks' });

/**
 * "Nein, ich meinte den Online-Rabatt" after a question for a fact asks the same of the other subject:
 * its answer (with its flow offered), not the flow that acts on it.
 */
function askedAsBefore(meant: Decision, t: Tracker): Decision {
  if (meant.kind !== 'flow' || !meant.entry || t.lastReply?.kind !== 'answer') return meant;
  return { kind: 'answer', entry: meant.entry, others: [], p: meant.p, offer: { flow: meant.flow, ...(meant.step ? { step: meant.step } : {}) } };
}

/**
 * Whether a message leans on the topic: a question for a detail, one not understood alone, or a short
 * or follow-up-opened one that lands on a subject ("il reste valable combien de temps ?").
 */
function leansOn(u: Understood, d: Decision): boolean {
  const elliptic = u.opensAsFollowUp || u.ownWords <= POLICY.ellipticWords;
  return d.kind === 'detail' || d.kind === 'clarify' || (elliptic && isSubject(d));
}
