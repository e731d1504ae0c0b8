/**
 * One turn being built: the services it may use, the tracker it writes (a copy of the stored one) and
 * `finish`, which turns a reply into the turn's result and remembers what each offered button does.
 */
import type { ActionService } from '../actions/service.ts';
import type { Translate } from '../content/locales.ts';
import type { DialogueWords, FaqEntry, Lang, Tenant, TenantContent } from '../content/types.ts';
import type { FlowContext, FlowDef } from './flow-types.ts';
import type { ChoiceAction, Reply } from './reply.ts';
import type { Tracker } from './tracker.ts';
import type { Understand } from './understand.ts';

export type ChatDeps = {
  understand: Understand;
  flows: ReadonlyMap<string, FlowDef>;
  actions: ActionService;
  t: Translate;
  now: Date;
  submitContact: FlowContext['submitContact'];
  /** The flow that acts on an entry's subject, and the entry that states a flow's facts. */
  handlerOf: (entry: string) => { flow: string; step?: string } | undefined;
  entryOf: (flow: string) => string | undefined;
  /** Short answers to a flow's question, per language: yes, no, the first, the second… */
  dialogue: Record<Lang, DialogueWords>;
};

export type TurnInput = { message: string } | { choice: string };

export type TurnRequest = {
  conversationId: string;
  tenant: TenantContent;
  lang: Lang;
  tracker: Tracker;
  /** The signed-in person, or null. */
  subject: string | null;
};

/** What the turn did, for the question log and insights. */
export type TurnOutcome = {
  kind: Reply['kind'];
  entryId: string | null;
  topic: string | null;
  understood: boolean;
  /** A polite refusal: not a subject of ours. */
  outOfScope?: boolean;
  /** The message was a question (logged for insights), not a value typed into a flow's field or a button's label. */
  question: boolean;
  /** The name of the policy's case that decided the turn ("follow-up", "typed-detail"...). */
  move: string;
};

/** `pressed`: the button the visitor pressed, with its label and what it did (absent for a typed message or a button no longer understood). */
export type TurnResult = { tracker: Tracker; reply: Reply; outcome: TurnOutcome; pressed?: { label: string; action: ChoiceAction } };

export type OfferedChoice = { id: string; label: string; url?: string; action?: ChoiceAction };
export type Draft = Omit<Reply, 'choices'> & { choices?: OfferedChoice[] };

export type Turn = {
  deps: ChatDeps;
  req: TurnRequest;
  tenant: Tenant;
  lang: Lang;
  t: (key: string, vars?: Record<string, unknown>) => string;
  /** The tracker this turn writes. */
  tracker: Tracker;
  entry(id: string): FaqEntry | undefined;
  /** The reply as sent, with the outcome for insights; the tracker remembers what each button does. */
  finish(reply: Draft, outcome: Omit<TurnOutcome, 'kind' | 'question' | 'move'>): TurnResult;
  /** Set by the engine: whether the turn's message counts as a question, and the policy's case. */
  note: { question: boolean; move: string; pressed?: TurnResult['pressed'] };
  /** Replies of this turn offer to go back to the paused flow (right after a detour, and on thanks for it). */
  offerResume: boolean;
};

export function startTurn(deps: ChatDeps, req: TurnRequest): Turn {
  const tracker: Tracker = structuredClone(req.tracker);
  const entries = req.tenant.entries[req.lang];
  const turn: Turn = {
    deps,
    req,
    tenant: req.tenant.tenant,
    lang: req.lang,
    t: (key, vars) => deps.t(req.lang, key, vars),
    tracker,
    entry: (id) => entries.find((e) => e.id === id),
    note: { question: false, move: '' },
    offerResume: false,
    finish(reply, outcome) {
      tracker.offered = {};
      if (reply.kind !== 'flow' || !tracker.flow) tracker.ask = null;
      const choices = (reply.choices ?? []).map(({ action, ...c }) => {
        if (action) tracker.offered[c.id] = action;
        return c;
      });
      return {
        tracker,
        reply: { ...reply, choices },
        outcome: { kind: reply.kind, ...outcome, question: turn.note.question, move: turn.note.move },
        ...(turn.note.pressed ? { pressed: turn.note.pressed } : {}),
      };
    },
  };
  return turn;
}
