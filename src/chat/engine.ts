/**
 * One turn of a conversation: takes the visitor's message or choice and the remembered state, and gives
 * the reply and the new state. Pure apart from the injected services (search, actions, clock).
 */
import type { ActionService } from '../actions/service.ts';
import type { FaqEntry, Lang, Tenant, TenantContent } from '../content/types.ts';
import type { Translate } from '../content/locales.ts';
import type { SearchService } from '../search/service.ts';
import { contactDetails, contactText } from './escalation.ts';
import { offers, type FlowContext, type FlowDef, type StepChoice } from './flow-types.ts';
import { decide, type Decision } from '../understanding/decide.ts';
import type { Label, Understanding } from '../understanding/model.ts';
import type { ChoiceAction, ConversationState, FlowState, Reply } from './state.ts';

export type ChatDeps = {
  search: SearchService;
  understanding: Understanding;
  flows: ReadonlyMap<string, FlowDef>;
  actions: ActionService;
  t: Translate;
  now: Date;
  submitContact: FlowContext['submitContact'];
};

export type TurnInput = { message: string } | { choice: string };

export type Turn = {
  conversationId: string;
  tenant: TenantContent;
  lang: Lang;
  state: ConversationState;
  subject: string | null;
};

/** What the turn did, for the question log and insights. */
export type TurnOutcome = { kind: Reply['kind']; entryId: string | null; topic: string | null; understood: boolean; /** A polite refusal: not a subject of ours. */ outOfScope?: boolean };

/** `pressed`: the button the visitor pressed, with its label and what it did (absent for a typed message or a button no longer understood). */
export type TurnResult = { state: ConversationState; reply: Reply; outcome: TurnOutcome; pressed?: { label: string; action: ChoiceAction } };

const faqUrl = (tenant: Tenant, e: FaqEntry) => `/${tenant.id}/${e.lang}/faq/${e.id}`;

export async function handleTurn(deps: ChatDeps, turn: Turn, input: TurnInput): Promise<TurnResult> {
  const { tenant } = turn.tenant;
  const lang = turn.lang;
  const t = (key: string, vars?: Record<string, unknown>) => deps.t(lang, key, vars);
  const state: ConversationState = structuredClone(turn.state);
  const entries = turn.tenant.entries[lang];
  const entry = (id: string) => entries.find((e) => e.id === id);
  let pressed: TurnResult['pressed'];
  // "Resume" is offered in the reply right after a detour; a visitor who then goes on to another question
  // or choice has left the flow (thanks or feedback on the detour's answer still belong to the detour).
  const resumeWasOffered = Object.hasOwn(state.offered, 'resume');
  const leaveDetour = () => {
    if (resumeWasOffered) state.paused = null;
  };

  // Each reply offers choices; the state remembers what each id does until the next reply.
  const finish = (reply: Omit<Reply, 'choices'> & { choices?: { id: string; label: string; url?: string; action?: ChoiceAction }[] }, outcome: Omit<TurnOutcome, 'kind'>): TurnResult => {
    state.offered = {};
    if (reply.kind !== 'flow' || !state.flow) state.ask = null;
    const choices = (reply.choices ?? []).map(({ action, ...c }) => {
      if (action) state.offered[c.id] = action;
      return c;
    });
    return { state, reply: { ...reply, choices }, outcome: { kind: reply.kind, ...outcome }, ...(pressed ? { pressed } : {}) };
  };

  const contactChoice = () => ({ id: 'contact', label: t('chat:choices.contact'), action: { do: 'contact' } as ChoiceAction });
  const formChoice = () => ({ id: 'contact-form', label: t('chat:choices.contactForm'), action: { do: 'contact-form' } as ChoiceAction });
  const flowChoice = (id: string, step?: string) => ({ id: `flow:${id}`, label: t(`flows:${id}.title`), action: { do: 'flow', id, ...(step ? { step } : {}) } as ChoiceAction });
  const resumeChoice = () =>
    state.paused ? [{ id: 'resume', label: t('chat:choices.resume', { flow: t(`flows:${state.paused.id}.title`) }), action: { do: 'resume' } as ChoiceAction }] : [];

  // ---- replies -------------------------------------------------------------------------------

  const answer = (e: FaqEntry, others: FaqEntry[] = [], offer?: { flow: string; step?: string }) => {
    state.misses = 0;
    state.lastEntry = e.id;
    return finish(
      {
        kind: 'answer',
        text: e.text,
        sources: [{ id: e.id, title: e.question, url: faqUrl(tenant, e) }],
        flow: null,
        choices: [
          // Back to what the visitor was doing comes first; then the flow that does what the answer
          // describes, since the visitor may have wanted that.
          ...resumeChoice(),
          ...(offer && offer.flow !== state.paused?.id ? [flowChoice(offer.flow, offer.step)] : []),
          { id: `helpful:${e.id}`, label: t('chat:choices.helpful'), action: { do: 'feedback', id: e.id, helpful: true } },
          { id: `not-helpful:${e.id}`, label: t('chat:choices.notHelpful'), action: { do: 'feedback', id: e.id, helpful: false } },
          ...others.slice(0, 2).map((o) => ({ id: `faq:${o.id}`, label: o.question, action: { do: 'faq', id: o.id } as ChoiceAction })),
        ],
      },
      { entryId: e.id, topic: e.category, understood: true },
    );
  };

  const escalate = (intro?: string, topic: string | null = null, more: ReturnType<typeof candidateChoice> = []) => {
    state.misses = 0;
    // People take over from here: a paused flow is not offered again.
    state.paused = null;
    const text = [intro, contactText(tenant, lang, deps.now, t)].filter(Boolean).join('\n\n');
    return finish(
      {
        kind: 'escalate',
        text,
        sources: [],
        flow: null,
        contact: contactDetails(tenant, lang, deps.now, t),
        choices: [...(tenant.support.contactForm ? [formChoice()] : []), ...more],
      },
      { entryId: null, topic, understood: true },
    );
  };

  const candidateChoice = (l: Label) =>
    l.kind === 'faq' ? [{ id: `faq:${l.id}`, label: entry(l.id)?.question ?? l.id, action: { do: 'faq', id: l.id } as ChoiceAction }] : l.kind === 'flow' ? [flowChoice(l.flow, l.step)] : [];

  const clarify = (candidates: Label[]) => {
    state.misses += 1;
    // The second miss in a row: stop guessing and offer people.
    if (state.misses >= 2) return escalate(t('chat:clarify.giveUp'));
    // "None of these" only under a list of guesses; without one, a plain "I did not understand".
    const guesses = candidates.flatMap(candidateChoice);
    const text = guesses.length ? t('chat:clarify.didYouMean') : t('chat:clarify.notUnderstood', { portal: tenant.portal[lang] });
    return finish(
      {
        kind: 'clarify',
        text,
        sources: [],
        flow: null,
        choices: [
          ...guesses,
          guesses.length ? { id: 'none', label: t('chat:choices.noneOfThese'), action: { do: 'contact' } as ChoiceAction } : contactChoice(),
          ...resumeChoice(),
        ],
      },
      { entryId: null, topic: null, understood: false },
    );
  };

  /** A polite refusal that says what the assistant covers, with contact. */
  const outOfScope = () => {
    // Counted as a miss: a second question we cannot answer goes to people.
    state.misses += 1;
    if (state.misses >= 2) return escalate(t('chat:clarify.giveUp'));
    return finish(
      {
        kind: 'clarify',
        text: t('chat:outOfScope'),
        sources: [],
        flow: null,
        choices: [contactChoice(), ...resumeChoice()],
      },
      { entryId: null, topic: null, understood: false, outOfScope: true },
    );
  };

  /** The subject of a contact request, as the contact form's topic: the entry's category. */
  const topicOf = (l: Label | undefined): string | null => {
    if (!l) return null;
    const id = l.kind === 'faq' ? l.id : l.kind === 'flow' ? deps.understanding.tenants.get(tenant.id)?.entryOf.get(l.flow) : undefined;
    return (id && entry(id)?.category) || null;
  };

  // ---- flows ---------------------------------------------------------------------------------

  const flowContext = (fs: FlowState): FlowContext => ({
    tenant,
    lang,
    t,
    now: deps.now,
    subject: turn.subject,
    account: async () => {
      if (!turn.subject) return undefined;
      try {
        return await deps.actions.backend.account(tenant.id, turn.subject);
      } catch {
        // The flows treat a missing account as the backend being unavailable: an apology and people.
        return undefined;
      }
    },
    data: fs.data,
    actions: deps.actions,
    actionKey: (step) => `${turn.conversationId}:${fs.id}:${fs.run}:${step}`,
    submitContact: deps.submitContact,
  });

  /** Shows a flow's step; `refused` is why the value typed for it was not taken (said alone, not with the whole question again). */
  const showStep = async (fs: FlowState, stepId: string, prefix?: string, refused?: string): Promise<TurnResult> => {
    const def = deps.flows.get(fs.id)!;
    let current = stepId;
    const ctx = flowContext(fs);
    // Action steps run and hand over to the step they name; a guard stops a mis-declared loop.
    for (let hops = 0; def.steps[current]?.run && hops < 10; hops++) current = await def.steps[current]!.run!(ctx);
    const step = def.steps[current];
    if (!step) throw new Error(`flow ${def.id}: unknown step "${current}"`);
    fs.step = current;
    const text = refused ?? [prefix, step.text(ctx)].filter(Boolean).join('\n\n');
    const stepChoices = (step.choices?.(ctx) ?? []).map((c: StepChoice) => ({
      id: c.id,
      label: c.label,
      ...(c.url ? { url: c.url } : {}),
      ...(c.next ? { action: { do: 'step', choice: c.id } as ChoiceAction } : {}),
    }));
    if (step.end) {
      state.flow = null;
    } else {
      state.flow = fs;
    }
    const nav = step.end
      ? []
      : [
          ...(fs.history.length ? [{ id: 'back', label: t('chat:choices.back'), action: { do: 'back' } as ChoiceAction }] : []),
          { id: 'cancel', label: t('chat:choices.cancel'), action: { do: 'cancel' } as ChoiceAction },
        ];
    state.misses = 0;
    state.ask = step.input && !step.end ? { field: step.input.field, ...(refused ? { error: refused } : {}) } : null;
    const result = finish(
      {
        kind: step.escalate ? 'escalate' : 'flow',
        text: step.escalate || step.contact ? [text, contactText(tenant, lang, deps.now, t)].join('\n\n') : text,
        sources: [],
        flow: { id: fs.id, step: current },
        ...(step.escalate || step.contact ? { contact: contactDetails(tenant, lang, deps.now, t) } : {}),
        ...(step.input ? { input: { kind: step.input.kind ?? 'text' } } : {}),
        choices: [...stepChoices, ...((step.escalate || step.contact) && tenant.support.contactForm && fs.id !== 'contact' ? [formChoice()] : []), ...nav],
      },
      { entryId: null, topic: fs.id, understood: true },
    );
    return result;
  };

  const startFlow = async (id: string, step?: string, data: Record<string, string> = {}): Promise<TurnResult> => {
    const def = deps.flows.get(id);
    if (!def || !offers(tenant, id)) return escalate();
    // Another flow (or the same one afresh) replaces a paused one.
    state.paused = null;
    state.runs += 1;
    const fs: FlowState = { id, step: '', data: { ...data }, history: [], run: state.runs };
    const start = await def.start(flowContext(fs));
    // Entered at a later step, "back" still leads to the flow's first question.
    if (step && def.steps[step] && step !== start) {
      fs.history.push(start);
      return showStep(fs, step);
    }
    return showStep(fs, start);
  };

  const advance = async (fs: FlowState, next: string) => {
    fs.history.push(fs.step);
    return showStep(fs, next);
  };

  // ---- choices -------------------------------------------------------------------------------

  /**
   * A button of an older reply whose id says all it does (feedback on an answer, an entry, a flow, contact)
   * still works when pressed later; others (a flow's steps, back, resume) depend on where the conversation was.
   */
  const lastingChoice = (id: string): { label: string; action: ChoiceAction } | undefined => {
    const i = id.indexOf(':');
    const [kind, arg] = i < 0 ? [id, ''] : [id.slice(0, i), id.slice(i + 1)];
    const e = arg ? entry(arg) : undefined;
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
      case 'flow': {
        const def = deps.flows.get(arg);
        return def && offers(tenant, arg) && arg !== 'contact' ? { label: t(`flows:${arg}.title`), action: { do: 'flow', id: arg } } : undefined;
      }
      case 'contact':
        return arg ? undefined : { label: t('chat:choices.contact'), action: { do: 'contact' } };
      default:
        return undefined;
    }
  };

  const understand = (message: string): Decision => {
    const model = deps.understanding.tenants.get(tenant.id);
    return model ? decide(deps.understanding, model, lang, message).decision : { kind: 'clarify', candidates: [] };
  };

  const route = async (message: string): Promise<TurnResult> => {
    const u = understand(message);
    state.asked = { text: message, entry: u.kind === 'answer' ? u.entry : null, p: u.kind === 'answer' ? u.p : null };
    if (u.kind !== 'smalltalk') leaveDetour();
    switch (u.kind) {
      case 'answer': {
        const e = entry(u.entry);
        if (!e) return clarify([]);
        return answer(e, u.others.flatMap((id) => entry(id) ?? []), u.offer);
      }
      case 'flow':
        return startFlow(u.flow, u.step);
      case 'contact':
        state.contactTopic = topicOf(u.topic);
        return escalate(undefined, state.contactTopic);
      case 'smalltalk': {
        state.misses = 0;
        return finish(
          { kind: 'smalltalk', text: t(`chat:smalltalk.${u.intent}`, { portal: tenant.portal[lang] }), sources: [], flow: null, choices: resumeChoice() },
          { entryId: null, topic: null, understood: true },
        );
      }
      case 'oos':
        return outOfScope();
      case 'advice': {
        // Which option suits the visitor is for an adviser to say; the facts it rests on stay one tap away.
        const e = u.entry ? entry(u.entry) : undefined;
        return escalate(t('chat:advice'), e?.category ?? null, e ? candidateChoice({ kind: 'faq', id: e.id }) : []);
      }
      case 'clarify':
        return clarify(u.candidates);
    }
  };

  if ('choice' in input) {
    // Own keys only: a choice id such as "constructor" or "__proto__" is not an offered button.
    const offered = Object.hasOwn(state.offered, input.choice) ? state.offered[input.choice] : undefined;
    const lasting = offered ? undefined : lastingChoice(input.choice);
    const action = offered ?? lasting?.action;
    if (action) pressed = { label: turn.state.lastReply?.choices.find((c) => c.id === input.choice)?.label ?? lasting?.label ?? input.choice, action };
    if (!action) {
      // A button from an older reply: say so and show where the conversation stands.
      if (state.flow) return showStep(state.flow, state.flow.step, t('chat:stale'));
      return finish({ kind: 'clarify', text: t('chat:stale'), sources: [], flow: null, choices: [contactChoice()] }, { entryId: null, topic: null, understood: false });
    }
    if (action.do !== 'feedback' && action.do !== 'resume') leaveDetour();
    switch (action.do) {
      case 'faq': {
        const e = entry(action.id);
        return e ? answer(e) : clarify([]);
      }
      case 'flow':
        return startFlow(action.id, action.step);
      case 'step': {
        const fs = state.flow!;
        const def = deps.flows.get(fs.id)!;
        const choice = def.steps[fs.step]?.choices?.(flowContext(fs)).find((c) => c.id === input.choice);
        if (!choice?.next) return showStep(fs, fs.step);
        fs.data[`choice:${fs.step}`] = choice.id;
        return advance(fs, choice.next);
      }
      case 'back': {
        const fs = state.flow!;
        const previous = fs.history.pop();
        return showStep(fs, previous ?? fs.step);
      }
      case 'cancel': {
        const id = state.flow?.id;
        state.flow = null;
        return finish(
          { kind: 'flow', text: t('chat:cancelled'), sources: [], flow: id ? { id, step: 'cancelled' } : null, choices: [contactChoice()] },
          { entryId: null, topic: id ?? null, understood: true },
        );
      }
      case 'resume': {
        const fs = state.paused;
        state.paused = null;
        if (!fs) return clarify([]);
        return showStep(fs, fs.step, t('chat:resumed'));
      }
      case 'contact':
        return escalate();
      case 'contact-form':
        return startFlow('contact', undefined, state.contactTopic ? { 'choice:topic': `topic-${state.contactTopic}` } : {});
      case 'feedback': {
        // Recorded by the caller from the outcome; here only the thanks (and help if it did not help).
        const e = entry(action.id);
        if (action.helpful) {
          return finish({ kind: 'smalltalk', text: t('chat:feedback.thanks'), sources: [], flow: null, choices: resumeChoice() }, { entryId: action.id, topic: e?.category ?? null, understood: true });
        }
        if (!action.reason) {
          return finish(
            {
              kind: 'clarify',
              text: t('chat:feedback.why'),
              sources: [],
              flow: null,
              choices: [
                { id: `reason-unrelated:${action.id}`, label: t('chat:feedback.unrelated'), action: { do: 'feedback', id: action.id, helpful: false, reason: 'not_related' } },
                { id: `reason-incomplete:${action.id}`, label: t('chat:feedback.incomplete'), action: { do: 'feedback', id: action.id, helpful: false, reason: 'did_not_answer' } },
              ],
            },
            { entryId: action.id, topic: e?.category ?? null, understood: true },
          );
        }
        return escalate(t('chat:feedback.sorry'), e?.category ?? null);
      }
    }
  }

  const message = input.message;
  // Inside a flow, a step that waits for typed input takes the message.
  if (state.flow) {
    const fs = state.flow;
    const step = deps.flows.get(fs.id)?.steps[fs.step];
    if (step?.input) {
      const parsed = step.input.parse(message, flowContext(fs));
      if (parsed.ok) {
        fs.data[step.input.field] = parsed.value;
        return advance(fs, step.input.next);
      }
      // Not valid for this step: maybe it is a question in between, else ask again.
      // A word or two that does not parse is a mistyped value, not a new question.
      const u = message.trim().split(/\s+/).length >= 3 ? understand(message) : undefined;
      if (u?.kind !== 'answer' && u?.kind !== 'contact') return showStep(fs, fs.step, undefined, parsed.error);
    }
    // A question in between: answer it and offer to come back to the flow.
    state.paused = fs;
    state.flow = null;
  }
  return route(message);
}
