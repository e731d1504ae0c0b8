/**
 * The replies that are not a flow's step: an answer, contact options, "did you mean", a polite refusal,
 * small talk, "that did not help", a cancelled flow, an old button. Each writes what it means for the
 * tracker (the topic, the turns that did not help) and returns the turn's result.
 */
import type { FaqEntry } from '../content/types.ts';
import type { Label } from '../understanding/model.ts';
import { contactDetails, contactText } from './escalation.ts';
import type { ChoiceAction } from './reply.ts';
import { moveTopic } from './tracker.ts';
import type { OfferedChoice, Turn, TurnResult } from './turn.ts';

const faqUrl = (turn: Turn, e: FaqEntry) => `/${turn.tenant.id}/${e.lang}/faq/${e.id}`;

export const contactChoice = (turn: Turn): OfferedChoice => ({ id: 'contact', label: turn.t('chat:choices.contact'), action: { do: 'contact' } });
export const formChoice = (turn: Turn): OfferedChoice => ({ id: 'contact-form', label: turn.t('chat:choices.contactForm'), action: { do: 'contact-form' } });
export const flowChoice = (turn: Turn, id: string, step?: string): OfferedChoice => ({
  id: `flow:${id}`,
  label: turn.t(`flows:${id}.title`),
  action: { do: 'flow', id, ...(step ? { step } : {}) },
});
export const faqChoice = (e: FaqEntry): OfferedChoice => ({ id: `faq:${e.id}`, label: e.question, action: { do: 'faq', id: e.id } });

/** "Back to: <flow>" while a flow waits behind a question in between, where the turn offers it. */
export const resumeChoice = (turn: Turn): OfferedChoice[] =>
  turn.offerResume && turn.tracker.paused
    ? [{ id: 'resume', label: turn.t('chat:choices.resume', { flow: turn.t(`flows:${turn.tracker.paused.id}.title`) }), action: { do: 'resume' } }]
    : [];

/** The subject of a contact request, as the contact form's topic: the entry's category. */
export function categoryOf(turn: Turn, l: Label | undefined): string | null {
  if (!l) return null;
  const id = l.kind === 'faq' ? l.id : l.kind === 'flow' ? turn.deps.entryOf(l.flow) : undefined;
  return (id && turn.entry(id)?.category) || null;
}

export function answer(turn: Turn, e: FaqEntry, others: FaqEntry[] = [], offer?: { flow: string; step?: string }, o: { intro?: string } = {}): TurnResult {
  const tr = turn.tracker;
  tr.unhelpful = 0;
  moveTopic(tr, { entry: e.id, flow: offer?.flow ?? turn.deps.handlerOf(e.id)?.flow ?? null, category: e.category, others: others.map((o) => o.id) });
  return turn.finish(
    {
      kind: 'answer',
      text: o.intro ? `${o.intro}\n\n${e.text}` : e.text,
      sources: [{ id: e.id, title: e.question, url: faqUrl(turn, e) }],
      flow: null,
      choices: [
        // Back to what the visitor was doing comes first; then the flow that does what the answer
        // describes, since the visitor may have wanted that.
        ...resumeChoice(turn),
        ...(offer && offer.flow !== tr.paused?.id ? [flowChoice(turn, offer.flow, offer.step)] : []),
        { id: `helpful:${e.id}`, label: turn.t('chat:choices.helpful'), action: { do: 'feedback', id: e.id, helpful: true } },
        { id: `not-helpful:${e.id}`, label: turn.t('chat:choices.notHelpful'), action: { do: 'feedback', id: e.id, helpful: false } },
        ...others.slice(0, 2).map(faqChoice),
      ],
    },
    { entryId: e.id, topic: e.category, understood: true },
  );
}

/** Contact options: the phone line of the visitor's language with its hours, e-mail, the form. */
export function escalate(turn: Turn, intro?: string, topic: string | null = null, more: OfferedChoice[] = []): TurnResult {
  const { tenant, lang, deps, tracker } = turn;
  tracker.unhelpful = 0;
  // People take over from here: a paused flow is not offered again.
  tracker.paused = null;
  const text = [intro, contactText(tenant, lang, deps.now, turn.t)].filter(Boolean).join('\n\n');
  return turn.finish(
    {
      kind: 'escalate',
      text,
      sources: [],
      flow: null,
      contact: contactDetails(tenant, lang, deps.now, turn.t),
      choices: [...(tenant.support.contactForm ? [formChoice(turn)] : []), ...more],
    },
    { entryId: null, topic, understood: true },
  );
}

export const candidateChoices = (turn: Turn, l: Label): OfferedChoice[] => {
  if (l.kind === 'faq') {
    const e = turn.entry(l.id);
    return e ? [faqChoice(e)] : [];
  }
  return l.kind === 'flow' ? [flowChoice(turn, l.flow, l.step)] : [];
};

/** "Did you mean": the closest subjects, or a plain "I did not understand" without any. */
export function clarify(turn: Turn, candidates: Label[]): TurnResult {
  turn.tracker.unhelpful += 1;
  // "None of these" only under a list of guesses; without one, a plain "I did not understand".
  const guesses = candidates.flatMap((l) => candidateChoices(turn, l));
  const text = guesses.length ? turn.t('chat:clarify.didYouMean') : turn.t('chat:clarify.notUnderstood', { portal: turn.tenant.portal[turn.lang] });
  return turn.finish(
    {
      kind: 'clarify',
      text,
      sources: [],
      flow: null,
      choices: [...guesses, guesses.length ? { id: 'none', label: turn.t('chat:choices.noneOfThese'), action: { do: 'contact' } } : contactChoice(turn), ...resumeChoice(turn)],
    },
    { entryId: null, topic: null, understood: false },
  );
}

/** A polite refusal that says what the assistant covers, with contact. */
export function outOfScope(turn: Turn): TurnResult {
  turn.tracker.unhelpful += 1;
  return turn.finish(
    { kind: 'clarify', text: turn.t('chat:outOfScope'), sources: [], flow: null, choices: [contactChoice(turn), ...resumeChoice(turn)] },
    { entryId: null, topic: null, understood: false, outOfScope: true },
  );
}

export function smalltalk(turn: Turn, intent: 'greeting' | 'thanks' | 'goodbye' | 'language'): TurnResult {
  turn.tracker.unhelpful = 0;
  return turn.finish(
    // A goodbye ends the conversation: no button to go back to a flow the visitor is leaving.
    { kind: 'smalltalk', text: turn.t(`chat:smalltalk.${intent}`, { portal: turn.tenant.portal[turn.lang] }), sources: [], flow: null, choices: intent === 'goodbye' ? [] : resumeChoice(turn) },
    { entryId: null, topic: null, understood: true },
  );
}

/**
 * "That does not help": sorry, the entries closest to the one that did not help, and people. Never a
 * flow of another subject: the visitor is stuck, not asking for something new.
 */
export function unhelpful(turn: Turn): TurnResult {
  const tr = turn.tracker;
  tr.unhelpful += 1;
  const topic = tr.topic;
  const shown = new Set(topic?.entry ? [topic.entry] : []);
  const near = [...(topic?.others ?? []), ...((topic?.entry && turn.entry(topic.entry)?.related) || [])]
    .filter((id) => !shown.has(id) && (shown.add(id), true))
    .flatMap((id) => turn.entry(id) ?? [])
    .slice(0, 2);
  return turn.finish(
    {
      kind: 'clarify',
      text: turn.t(near.length ? 'chat:unhelpful.others' : 'chat:unhelpful.people'),
      sources: [],
      flow: null,
      choices: [...near.map(faqChoice), contactChoice(turn), ...(turn.tenant.support.contactForm ? [formChoice(turn)] : [])],
    },
    { entryId: topic?.entry ?? null, topic: topic?.category ?? null, understood: true },
  );
}

export function cancelled(turn: Turn, flowId: string | undefined): TurnResult {
  return turn.finish(
    { kind: 'flow', text: turn.t('chat:cancelled'), sources: [], flow: flowId ? { id: flowId, step: 'cancelled' } : null, choices: [contactChoice(turn)] },
    { entryId: null, topic: flowId ?? null, understood: true },
  );
}

/** A button of an older reply that meant something only where the conversation was. */
export function stale(turn: Turn): TurnResult {
  return turn.finish({ kind: 'clarify', text: turn.t('chat:stale'), sources: [], flow: null, choices: [contactChoice(turn)] }, { entryId: null, topic: null, understood: false });
}

/** Feedback pressed on an answer: thanks, or why not and then people. Recorded by the caller from the outcome. */
export function feedback(turn: Turn, action: Extract<ChoiceAction, { do: 'feedback' }>): TurnResult {
  const e = turn.entry(action.id);
  const category = e?.category ?? null;
  if (action.helpful) {
    return turn.finish({ kind: 'smalltalk', text: turn.t('chat:feedback.thanks'), sources: [], flow: null, choices: resumeChoice(turn) }, { entryId: action.id, topic: category, understood: true });
  }
  if (!action.reason) {
    return turn.finish(
      {
        kind: 'clarify',
        text: turn.t('chat:feedback.why'),
        sources: [],
        flow: null,
        choices: [
          { id: `reason-unrelated:${action.id}`, label: turn.t('chat:feedback.unrelated'), action: { do: 'feedback', id: action.id, helpful: false, reason: 'not_related' } },
          { id: `reason-incomplete:${action.id}`, label: turn.t('chat:feedback.incomplete'), action: { do: 'feedback', id: action.id, helpful: false, reason: 'did_not_answer' } },
        ],
      },
      { entryId: action.id, topic: category, understood: true },
    );
  }
  return escalate(turn, turn.t('chat:feedback.sorry'), category);
}
