/** The shape of a reply (as in the public contract) and what each offered button does. */

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
  /** A value for the open step's field, offered as a button ("did you mean name@gmail.com?"); `confirmed`: taken as it is. */
  | { do: 'fill'; value: string; confirmed?: boolean }
  | { do: 'back' }
  | { do: 'cancel' }
  | { do: 'resume' }
  | { do: 'contact' }
  | { do: 'contact-form' }
  | { do: 'feedback'; id: string; helpful: boolean; reason?: string };
