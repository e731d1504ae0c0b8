/**
 * Runs the guided flows in a conversation: start (at the step the message points to, with what it
 * already says filled in), show a step, take a pressed or typed answer, back, cancel, pause and resume,
 * start over. The flows themselves are declarative (`flows/`); this is the one place that walks them.
 */
import { contactDetails, contactText } from './escalation.ts';
import { offers, type FlowContext, type StepChoice, type StepDef } from './flow-types.ts';
import { escalate, formChoice } from './render.ts';
import type { ChoiceAction } from './reply.ts';
import { moveTopic, type FlowState } from './tracker.ts';
import type { OfferedChoice, Turn, TurnResult } from './turn.ts';
import { readSlot, typedButton, type OfferedButton } from './typed.ts';

/** Steps an action may hand over to in one turn, and steps a first message may fill: a guard against a mis-declared loop. */
const MAX_HOPS = 10;
const MAX_FILLED = 3;

export function flowContext(turn: Turn, fs: FlowState): FlowContext {
  const { deps, req } = turn;
  return {
    tenant: turn.tenant,
    lang: turn.lang,
    t: turn.t,
    now: deps.now,
    subject: req.subject,
    account: async () => {
      if (!req.subject) return undefined;
      try {
        return await deps.actions.backend.account(turn.tenant.id, req.subject);
      } catch {
        // The flows treat a missing account as the backend being unavailable: an apology and people.
        return undefined;
      }
    },
    data: fs.data,
    actions: deps.actions,
    actionKey: (step) => `${req.conversationId}:${fs.id}:${fs.run}:${step}`,
    submitContact: deps.submitContact,
  };
}

const stepOf = (turn: Turn, fs: FlowState): StepDef | undefined => turn.deps.flows.get(fs.id)?.steps[fs.step];

/** The buttons a waiting step offers (its own, then back and cancel), as the visitor could type them. */
export function waitingButtons(turn: Turn, fs: FlowState): OfferedButton[] {
  const step = stepOf(turn, fs);
  const own = (step?.choices?.(flowContext(turn, fs)) ?? []).filter((c) => c.next).map((c) => ({ id: c.id, label: c.label, step: true }));
  return [
    ...own,
    ...(fs.history.length ? [{ id: 'back', label: turn.t('chat:choices.back'), step: false }] : []),
    { id: 'cancel', label: turn.t('chat:choices.cancel'), step: false },
  ];
}

/** What the open flow waits for: a typed value (its field), a press among buttons, or nothing. */
export const waitsFor = (turn: Turn, fs: FlowState): 'input' | 'choice' | 'nothing' => {
  const step = stepOf(turn, fs);
  return step?.input ? 'input' : step?.choices ? 'choice' : 'nothing';
};

/** The value typed for the open step's field, read from the whole message or a part of it. */
export const slotOf = (turn: Turn, fs: FlowState, text: string) => {
  const input = stepOf(turn, fs)?.input;
  return input ? readSlot(text, input, flowContext(turn, fs)) : undefined;
};

type ShowOptions = {
  /** Said before the step's text ("Let's pick up where we were"). */
  prefix?: string;
  /** Why the value typed for the step was refused: said alone, not with the whole question again. */
  refused?: { error: string; didYouMean?: { value: string; typed: string } };
  /** The message that led here: what it already says is not asked again. */
  said?: string;
};

/** Shows a flow's step: runs action steps on the way, and answers from the message what it already says. */
export async function show(turn: Turn, fs: FlowState, stepId: string, o: ShowOptions = {}): Promise<TurnResult> {
  const { deps, tracker, tenant, lang } = turn;
  const def = deps.flows.get(fs.id)!;
  let current = stepId;
  const ctx = flowContext(turn, fs);
  let filled = 0;
  for (let hops = 0; hops < MAX_HOPS; hops++) {
    const step = def.steps[current];
    if (!step) throw new Error(`flow ${def.id}: unknown step "${current}"`);
    if (step.run) {
      current = await step.run(ctx);
      continue;
    }
    const next = o.said && !o.refused && filled < MAX_FILLED && !step.end ? answeredBy(turn, fs, step, current, o.said) : undefined;
    if (!next) break;
    fs.history.push(current);
    current = next;
    filled++;
  }
  const step = def.steps[current]!;
  fs.step = current;
  const text = o.refused?.error ?? [o.prefix, step.text(ctx)].filter(Boolean).join('\n\n');
  const own: OfferedChoice[] = (step.choices?.(ctx) ?? []).map((c: StepChoice) => ({
    id: c.id,
    label: c.label,
    ...(c.url ? { url: c.url } : {}),
    ...(c.next ? { action: { do: 'step', choice: c.id } as ChoiceAction } : {}),
  }));
  // A likely typo in an address: the fix and the address as typed, one click each.
  const typo: OfferedChoice[] = o.refused?.didYouMean
    ? [
        { id: 'fill:suggested', label: o.refused.didYouMean.value, action: { do: 'fill', value: o.refused.didYouMean.value } },
        { id: 'fill:typed', label: turn.t('chat:choices.keepTyped', { value: o.refused.didYouMean.typed }), action: { do: 'fill', value: o.refused.didYouMean.typed, confirmed: true } },
      ]
    : [];
  tracker.flow = step.end ? null : fs;
  // The step's own entry when the flow declares one ("activation" is the entry on activation links),
  // else the flow's main entry unless that one belongs to another step.
  const stepEntry = Object.entries(def.entryPoints ?? {}).find(([, s]) => s === current)?.[0];
  const main = deps.entryOf(fs.id);
  const entry = stepEntry ?? (main && (def.entryPoints?.[main] ?? current) === current ? main : null);
  moveTopic(tracker, { entry, flow: fs.id, category: tracker.topic?.flow === fs.id ? tracker.topic.category : null });
  const nav: OfferedChoice[] = step.end
    ? []
    : [
        ...(fs.history.length ? [{ id: 'back', label: turn.t('chat:choices.back'), action: { do: 'back' } as ChoiceAction }] : []),
        { id: 'cancel', label: turn.t('chat:choices.cancel'), action: { do: 'cancel' } as ChoiceAction },
      ];
  tracker.unhelpful = 0;
  tracker.ask = step.input && !step.end ? { field: step.input.field, ...(o.refused ? { error: o.refused.error } : {}) } : null;
  const people = step.escalate || step.contact;
  return turn.finish(
    {
      kind: step.escalate ? 'escalate' : 'flow',
      text: people ? [text, contactText(tenant, lang, deps.now, turn.t)].join('\n\n') : text,
      sources: [],
      flow: { id: fs.id, step: current },
      ...(people ? { contact: contactDetails(tenant, lang, deps.now, turn.t) } : {}),
      ...(step.input ? { input: { kind: step.input.kind ?? 'text' } } : {}),
      choices: [...typo, ...own, ...(people && tenant.support.contactForm && fs.id !== 'contact' ? [formChoice(turn)] : []), ...nav],
    },
    { entryId: null, topic: fs.id, understood: true },
  );
}

/**
 * The step that follows when the message that led here already answers this one: the one button whose
 * amount it names ("passer à la franchise de 2500"), or a value for the field that cannot be mistaken
 * for another (an e-mail address, a login identifier).
 */
function answeredBy(turn: Turn, fs: FlowState, step: StepDef, stepId: string, said: string): string | undefined {
  if (step.input) {
    if (step.input.kind !== 'email' && step.input.field !== 'identifier') return undefined;
    const slot = readSlot(said, step.input, flowContext(turn, fs));
    if (!slot.ok) return undefined;
    fs.data[step.input.field] = slot.value;
    return step.input.next;
  }
  const choices = step.choices?.(flowContext(turn, fs)).filter((c) => c.next) ?? [];
  const id = typedButton(said, choices.map((c) => ({ id: c.id, label: c.label, step: true })), { affirm: [], deny: [], correction: [], followUp: [], newTopic: [], ordinals: [] });
  // Only by an amount: a first message is no answer to "which one?" by its words alone.
  const choice = id && /\d/.test(choices.find((c) => c.id === id)!.label) ? choices.find((c) => c.id === id) : undefined;
  if (!choice?.next) return undefined;
  fs.data[`choice:${stepId}`] = choice.id;
  return choice.next;
}

/** Starts a flow, at `step` when the message pointed there ("back" still leads to the first question). */
export async function start(turn: Turn, id: string, o: { step?: string; data?: Record<string, string>; said?: string; keepPaused?: boolean } = {}): Promise<TurnResult> {
  const { deps, tracker } = turn;
  const def = deps.flows.get(id);
  if (!def || !offers(turn.tenant, id)) return escalate(turn);
  // Another flow (or the same one afresh) replaces a paused one, unless it starts on top of it.
  if (!o.keepPaused || tracker.paused?.id === id) tracker.paused = null;
  tracker.runs += 1;
  const fs: FlowState = { id, step: '', data: { ...o.data }, history: [], run: tracker.runs };
  const first = await def.start(flowContext(turn, fs));
  const said = o.said ? { said: o.said } : {};
  if (o.step && def.steps[o.step] && o.step !== first) {
    fs.history.push(first);
    return show(turn, fs, o.step, said);
  }
  return show(turn, fs, first, said);
}

/** A pressed (or typed) button of the open step. */
export async function press(turn: Turn, fs: FlowState, choiceId: string): Promise<TurnResult> {
  const step = stepOf(turn, fs);
  const choice = step?.choices?.(flowContext(turn, fs)).find((c) => c.id === choiceId);
  if (!choice?.next) return show(turn, fs, fs.step);
  fs.data[`choice:${fs.step}`] = choice.id;
  fs.history.push(fs.step);
  return show(turn, fs, choice.next);
}

/** A value for the open step's field: taken and on to the next step, or asked again with why. */
export async function fill(turn: Turn, fs: FlowState, value: string, o: { confirmed?: boolean } = {}): Promise<TurnResult> {
  const input = stepOf(turn, fs)?.input;
  if (!input) return show(turn, fs, fs.step);
  const parsed = input.parse(value, flowContext(turn, fs));
  // The visitor kept an address we thought mistyped: it is theirs to know.
  const taken = parsed.ok ? parsed.value : o.confirmed && parsed.didYouMean ? parsed.didYouMean.typed : undefined;
  if (taken === undefined) return refuse(turn, fs, parsed as Extract<typeof parsed, { ok: false }>);
  fs.data[input.field] = taken;
  fs.history.push(fs.step);
  return show(turn, fs, input.next);
}

export const refuse = (turn: Turn, fs: FlowState, why: { error: string; didYouMean?: { value: string; typed: string } }) => show(turn, fs, fs.step, { refused: why });

export async function back(turn: Turn, fs: FlowState): Promise<TurnResult> {
  const previous = fs.history.pop();
  return show(turn, fs, previous ?? fs.step);
}

/** Leaves the open flow for a question in between: it waits, to be resumed. */
export function pause(turn: Turn): void {
  const { tracker } = turn;
  if (!tracker.flow) return;
  tracker.paused = tracker.flow;
  tracker.flow = null;
  turn.offerResume = true;
}

/** Back to the paused (or open) flow where it was, with what was filled kept; at `step` when the message named one. */
export async function resume(turn: Turn, o: { step?: string; said?: string } = {}): Promise<TurnResult> {
  const { tracker } = turn;
  const fs = tracker.paused ?? tracker.flow;
  tracker.paused = null;
  if (!fs) return escalate(turn);
  const def = turn.deps.flows.get(fs.id)!;
  if (o.step && o.step !== fs.step && def.steps[o.step]) {
    fs.history.push(fs.step);
    return show(turn, fs, o.step, { prefix: turn.t('chat:resumed'), ...(o.said ? { said: o.said } : {}) });
  }
  return show(turn, fs, fs.step, { prefix: turn.t('chat:resumed') });
}

/** The open (or paused) flow from its first question, with nothing kept. */
export async function restart(turn: Turn): Promise<TurnResult> {
  const fs = turn.tracker.flow ?? turn.tracker.paused;
  turn.tracker.flow = null;
  return fs ? start(turn, fs.id) : escalate(turn);
}
