/** What a conversation remembers between turns, and the shape of a reply (as in the public contract). */

export type ReplyKind = 'answer' | 'flow' | 'clarify' | 'escalate' | 'smalltalk';

export type Choice = { id: string; label: string; /** A link to open instead of a message to send. */ url?: string };

export type Reply = {
  kind: ReplyKind;
  text: string;
  sources: { id: string; title: string; url: string }[];
  choices: Choice[];
  flow: { id: string; step: string } | null;
  /** The step waits for typed input of this kind (the UI picks the right field). */
  input?: { kind: 'text' | 'email' | 'tel' | 'textarea' };
  /** Escalation details for the UI: phone line, hours, whether it is open now, e-mail. */
  contact?: { phone?: string; hours?: string; openNow?: boolean; email?: string | null };
};

/** What pressing a choice does; the choice ids sent to the visitor map to these. */
export type ChoiceAction =
  | { do: 'faq'; id: string }
  | { do: 'flow'; id: string; step?: string }
  | { do: 'step'; choice: string }
  | { do: 'back' }
  | { do: 'cancel' }
  | { do: 'resume' }
  | { do: 'contact' }
  | { do: 'contact-form' }
  | { do: 'feedback'; id: string; helpful: boolean; reason?: string };

export type FlowState = {
  id: string;
  step: string;
  data: Record<string, string>;
  /** Steps visited, for "back". */
  history: string[];
  /** Counts runs of the flow, so each run has its own idempotency keys. */
  run: number;
};

export type ConversationState = {
  flow: FlowState | null;
  /** A flow left for a question in between, offered to resume. */
  paused: FlowState | null;
  offered: Record<string, ChoiceAction>;
  /** Replies in a row that were not understood; the second one offers people. */
  misses: number;
  runs: number;
  lastEntry: string | null;
  /** The last question typed, what it was answered with and how sure: to learn from the visitor's next press. */
  asked?: { text: string; entry: string | null; p: number | null } | null;
  /** The subject named with a wish for a person (an FAQ category), carried into the contact form. */
  contactTopic?: string | null;
  /** The signed-in person the conversation belongs to, once known; others may not continue it. */
  subject?: string | null;
  /** The field the current flow step asks for, and why the last value typed was refused: the page fits its input to it. */
  ask?: { field: string; error?: string } | null;
  /** The last reply, so a page reload shows its choices again. */
  lastReply?: Reply;
};

export const emptyState = (): ConversationState => ({ flow: null, paused: null, offered: {}, misses: 0, runs: 0, lastEntry: null });
