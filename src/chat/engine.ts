/**
 * One turn of a conversation: the event (a typed message or a pressed button) and the tracker go to the
 * policy, whose move is carried out by the flow runner or the reply rendering. Pure apart from the
 * injected services (understanding, actions, clock).
 */
import { offers } from './flow-types.ts';
import * as flow from './flow-runner.ts';
import { nextMove, type Event, type Move } from './policy.ts';
import * as render from './render.ts';
import type { ChoiceAction } from './reply.ts';
import { startTurn, type ChatDeps, type Turn, type TurnInput, type TurnRequest, type TurnResult } from './turn.ts';
import { typedButton } from './typed.ts';
import type { Decision } from '../understanding/decide.ts';

export type { ChatDeps, TurnInput, TurnOutcome, TurnResult } from './turn.ts';

/** Moves whose message answered the flow's question rather than asking one: not logged as questions. */
const ANSWERS = new Set<Move['case']>(['typed-choice', 'typed-detail', 'mistyped-detail']);

export async function handleTurn(deps: ChatDeps, req: TurnRequest, input: TurnInput): Promise<TurnResult> {
  const turn = startTurn(deps, req);
  const tr = turn.tracker;
  // "Resume" was offered by the last reply: thanks or feedback on the detour's answer keep offering it.
  const resumeWasOffered = Object.hasOwn(tr.offered, 'resume');
  const event = eventOf(turn, input);
  const move = nextMove(tr, event, () => deps.understand('message' in input ? input.message : '', { lang: req.lang, topic: tr.topic, earlier: tr.earlier ?? null }));
  turn.note.move = move.case;
  turn.note.question = 'message' in input && !ANSWERS.has(move.case);
  turn.offerResume = resumeWasOffered && (move.case === 'closing' || (move.case === 'press' && move.action.do === 'feedback'));
  if (move.case === 'press') {
    const label = req.tracker.lastReply?.choices.find((c) => c.id === (input as { choice: string }).choice)?.label;
    turn.note.pressed = { label: label ?? lastingChoice(turn, (input as { choice: string }).choice)?.label ?? (input as { choice: string }).choice, action: move.action };
  }
  const said = 'message' in input ? input.message : undefined;
  return carryOut(turn, move, said);
}

/** What the visitor did, with what it means for an open flow's question. */
function eventOf(turn: Turn, input: TurnInput): Event {
  const tr = turn.tracker;
  if ('choice' in input) {
    // Own keys only: a choice id such as "constructor" or "__proto__" is not an offered button.
    const offered = Object.hasOwn(tr.offered, input.choice) ? tr.offered[input.choice] : undefined;
    const action = offered ?? lastingChoice(turn, input.choice)?.action;
    return { type: 'press', id: input.choice, ...(action ? { action } : {}) };
  }
  const text = input.message;
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  const fs = tr.flow;
  if (!fs) return { type: 'message', text, words };
  const waits = flow.waitsFor(turn, fs);
  const button = typedButton(text, flow.waitingButtons(turn, fs), turn.deps.dialogue[turn.lang]);
  const slot = waits === 'input' ? flow.slotOf(turn, fs, text) : undefined;
  return { type: 'message', text, words, ...(button ? { button } : {}), ...(slot ? { slot } : {}) };
}

async function carryOut(turn: Turn, move: Move, said: string | undefined): Promise<TurnResult> {
  const tr = turn.tracker;
  switch (move.case) {
    case 'press':
      return pressed(turn, move.action);
    case 'stale':
      // A button from an older reply: say so and show where the conversation stands.
      return tr.flow ? flow.show(turn, tr.flow, tr.flow.step, { prefix: turn.t('chat:stale') }) : render.stale(turn);
    case 'typed-choice':
      if (move.choice === 'cancel') return pressed(turn, { do: 'cancel' });
      if (move.choice === 'back') return pressed(turn, { do: 'back' });
      return flow.press(turn, tr.flow!, move.choice);
    case 'typed-detail':
      return flow.fill(turn, tr.flow!, move.value);
    case 'mistyped-detail':
      return flow.refuse(turn, tr.flow!, { error: move.error, ...(move.didYouMean ? { didYouMean: move.didYouMean } : {}) });
    case 'resume':
      return flow.resume(turn, { ...(move.step ? { step: move.step } : {}), ...(said ? { said } : {}) });
    case 'restart':
      return flow.restart(turn);
    case 'jump': {
      const fs = tr.flow!;
      if (move.step === fs.step) return flow.show(turn, fs, fs.step);
      fs.history.push(fs.step);
      return flow.show(turn, fs, move.step, said ? { said } : {});
    }
    case 'closing':
      return render.smalltalk(turn, move.intent);
    case 'language':
      return render.smalltalk(turn, 'language');
    case 'delegate':
      return delegated(turn);
    case 'frustration':
      return render.unhelpful(turn);
    case 'give-up':
      // Said it did not help: sorry for that; otherwise nothing was found twice.
      return render.escalate(turn, turn.t(move.saidUnhelpful ? 'chat:unhelpful.people' : 'chat:clarify.giveUp'));
    case 'correction':
      // What was understood is dropped, not kept to resume: the visitor said it was not meant.
      tr.flow = null;
      tr.paused = null;
      return reply(turn, move.decision, said);
    case 'detour':
      flow.pause(turn);
      return reply(turn, move.decision, said, { keepPaused: true });
    case 'follow-up':
    case 'new-question':
      return reply(turn, move.decision, said);
  }
}

/**
 * "Can't you do it here?": where a flow does the subject, it runs (signed in it acts; anonymous, it says
 * where to sign in); an open flow is where it is done already. Otherwise the answer again, saying that
 * this is for the visitor to do, and how.
 */
async function delegated(turn: Turn): Promise<TurnResult> {
  const tr = turn.tracker;
  if (tr.flow) return flow.show(turn, tr.flow, tr.flow.step, { prefix: turn.t('chat:delegate.here') });
  const topic = tr.topic;
  if (topic?.flow && offers(turn.tenant, topic.flow)) return flow.start(turn, topic.flow);
  const e = topic?.entry ? turn.entry(topic.entry) : undefined;
  return e ? render.answer(turn, e, [], undefined, { intro: turn.t('chat:delegate.yours') }) : render.clarify(turn, []);
}

/** The reply to what a message asks. */
async function reply(turn: Turn, d: Decision, said: string | undefined, o: { keepPaused?: boolean } = {}): Promise<TurnResult> {
  const tr = turn.tracker;
  if (said) tr.asked = { text: said, entry: d.kind === 'answer' ? d.entry : null, p: d.kind === 'answer' ? d.p : null };
  switch (d.kind) {
    case 'answer': {
      const e = turn.entry(d.entry);
      if (!e) return render.clarify(turn, []);
      return render.answer(turn, e, d.others.flatMap((id) => turn.entry(id) ?? []), d.offer);
    }
    case 'flow':
      return flow.start(turn, d.flow, { ...(d.step ? { step: d.step } : {}), ...(said ? { said } : {}), ...(o.keepPaused ? { keepPaused: true } : {}) });
    case 'contact': {
      tr.contactTopic = d.topic ? render.categoryOf(turn, d.topic) : null;
      return render.escalate(turn, undefined, tr.contactTopic);
    }
    case 'smalltalk':
      return render.smalltalk(turn, d.intent);
    case 'oos':
      return render.outOfScope(turn);
    case 'advice': {
      // Which option suits the visitor is for an adviser to say; the facts it rests on stay one tap away.
      const e = d.entry ? turn.entry(d.entry) : undefined;
      return render.escalate(turn, turn.t('chat:advice'), e?.category ?? null, e ? [render.faqChoice(e)] : []);
    }
    case 'act':
    case 'detail':
    case 'clarify':
      return render.clarify(turn, d.kind === 'clarify' ? d.candidates : []);
  }
}

/** A pressed button. */
async function pressed(turn: Turn, action: ChoiceAction): Promise<TurnResult> {
  const tr = turn.tracker;
  switch (action.do) {
    case 'faq': {
      const e = turn.entry(action.id);
      return e ? render.answer(turn, e) : render.clarify(turn, []);
    }
    case 'flow':
      return flow.start(turn, action.id, action.step ? { step: action.step } : {});
    case 'step':
      return tr.flow ? flow.press(turn, tr.flow, action.choice) : render.stale(turn);
    case 'fill':
      return tr.flow ? flow.fill(turn, tr.flow, action.value, action.confirmed ? { confirmed: true } : {}) : render.stale(turn);
    case 'back':
      return tr.flow ? flow.back(turn, tr.flow) : render.stale(turn);
    case 'cancel': {
      const id = tr.flow?.id;
      tr.flow = null;
      return render.cancelled(turn, id);
    }
    case 'resume':
      return tr.paused ? flow.resume(turn) : render.clarify(turn, []);
    case 'contact':
      return render.escalate(turn);
    case 'contact-form':
      return flow.start(turn, 'contact', { data: tr.contactTopic ? { 'choice:topic': `topic-${tr.contactTopic}` } : {} });
    case 'feedback':
      return render.feedback(turn, action);
  }
}

/**
 * A button of an older reply whose id says all it does (feedback on an answer, an entry, a flow, contact)
 * still works when pressed later; others (a flow's steps, back, resume) depend on where the conversation was.
 */
function lastingChoice(turn: Turn, id: string): { label: string; action: ChoiceAction } | undefined {
  const i = id.indexOf(':');
  const [kind, arg] = i < 0 ? [id, ''] : [id.slice(0, i), id.slice(i + 1)];
  const e = arg ? turn.entry(arg) : undefined;
  const t = turn.t;
  switch (kind) {
    case 'helpful':
      return e && { label: t('chat:choices.helpful'), action: { do: 'feedback', id: e.id, helpful: true } };
    case 'not-helpful':
      return e && { label: t('chat:choices.notHelpful'), action: { do: 'feedback', id: e.id, helpful: false } };
    case 'reason-unrelated':
      return e && { label: t('chat:feedback.unrelated'), action: { do: 'feedback', id: e.id, helpful: false, reason: 'not_related' } };
    case 'reason-incomplete':
      return e && { label: t('chat:feedback.incomplete'), action: { do: 'feedback', id: e.id, helpful: false, reason: 'did_not_answer' } };
    case 'faq':
      return e && { label: e.question, action: { do: 'faq', id: e.id } };
    case 'flow':
      return turn.deps.flows.get(arg) && offers(turn.tenant, arg) && arg !== 'contact' ? { label: t(`flows:${arg}.title`), action: { do: 'flow', id: arg } } : undefined;
    case 'contact':
      return arg ? undefined : { label: t('chat:choices.contact'), action: { do: 'contact' } };
    default:
      return undefined;
  }
}
