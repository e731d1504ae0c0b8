/** The typed shape of editor content once loaded: tenants, FAQ entries, synonyms, triggers, intents. */

export const LANGS = ['fr', 'de', 'it'] as const;
export type Lang = (typeof LANGS)[number];
export const isLang = (v: unknown): v is Lang => typeof v === 'string' && (LANGS as readonly string[]).includes(v);

export type Localized<T = string> = Record<Lang, T>;

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type OpeningSlot = { days: Weekday[]; open: string; close: string };

export type PhoneLine = { number: string; label: Localized };

export type Tenant = {
  id: string;
  defaultLanguage: Lang;
  insurer: Localized;
  portal: Localized;
  theme: { primary: string; accent: string };
  urls: Record<string, string>;
  support: {
    name: Localized;
    email: string | null;
    contactForm: boolean;
    phones: Partial<Record<Lang, PhoneLine>>;
    hours: OpeningSlot[];
    /** When support answers a contact request (the confirmation says so); unset: no time is promised. */
    responseTime?: { workingDays: number } | { hours: number };
  };
  embed: { allowedOrigins: string[] };
  categories: { id: string; title: Localized }[];
  /** The guided flows offered, by id, with their parameters as checked by each flow's schema. */
  flows: Record<string, Record<string, unknown>>;
  /** FAQ entry ids the chat suggests when it opens, until the question log knows what people ask. */
  suggestions?: string[];
  /** Timely hints the help page and the chat greeting show while they are due. */
  hints?: import('../rules/hints.ts').HintId[];
};

export type FaqEntry = {
  id: string;
  lang: Lang;
  question: string;
  alternates: string[];
  category: string;
  related: string[];
  /** The answer as the editor wrote it (Markdown). */
  markdown: string;
  /** The answer rendered to safe HTML (raw HTML in the source is escaped). */
  html: string;
  /** The answer as plain text for the visitor (the API, the chat): web links keep their address. */
  text: string;
  /** The answer as plain text without link addresses, for the search index. */
  plain?: string;
  file: string;
};

/** Groups of interchangeable words per language. */
export type Synonyms = Localized<string[][]>;

export type IntentName = 'contact' | 'greeting' | 'thanks' | 'goodbye';
/** What visitors say about the conversation itself, learned as labels of their own. */
export type ActName = 'unhelpful' | 'resume' | 'restart' | 'language' | 'delegate';
export const ACT_NAMES: readonly ActName[] = ['unhelpful', 'resume', 'restart', 'language', 'delegate'];
/** Words matched as they are: short answers to a flow's question, corrections, the opening of a follow-up. */
export type DialogueWords = { affirm: string[]; deny: string[]; correction: string[]; followUp: string[]; newTopic: string[]; ordinals: string[][] };
export type Intents = Localized<Record<IntentName | ActName, string[]> & DialogueWords>;

/**
 * Examples per language that teach understanding what the FAQ cannot: questions we do not answer,
 * generic wishes to act, questions for a fact and requests for personal advice, and what people write
 * around a question.
 */
export type Teaching = {
  outOfScope: string[];
  act: string[];
  fact: string[];
  /** Follow-up questions that name no subject ("et si je la perds ?"): they lean on the conversation's topic. */
  detail: string[];
  /** Asking which option suits the visitor ("lequel me conseillez-vous"): advice is for people. */
  advice: string[];
  /** Each holds "{q}". */
  wrappers: string[];
  /** Words that introduce a subject ("au sujet de"): a clause starts there. */
  about: string[];
  /** Other insurers, banks and providers by name: a question about one of them, not us, is out of scope. */
  otherCompanies: string[];
  /** How visitors speak of the insurer without naming it ("chez vous", "bei euch"). */
  us: string[];
};

/** Per tenant and language: flow id → phrases that start it. */
export type Triggers = Localized<Record<string, string[]>>;

export type TenantContent = {
  tenant: Tenant;
  /** entries[lang] keeps the editor's order (by id). */
  entries: Localized<FaqEntry[]>;
  triggers: Triggers;
};

export type Content = {
  tenants: Map<string, TenantContent>;
  synonyms: Synonyms;
  intents: Intents;
  understanding: Localized<Teaching>;
  /** A short hash of every file read, shown in /healthz so editors see which version serves. */
  version: string;
};

/** A problem found in an editor file, with the line it is on where known. */
export type ContentProblem = { file: string; line?: number; message: string };

export const formatProblem = (p: ContentProblem): string =>
  p.line ? `${p.file}:${p.line}: ${p.message}` : `${p.file}: ${p.message}`;
