/**
 * The conversation tracker: what a conversation remembers between turns, as stored with it (SQLite or
 * PostgreSQL alike, so any instance continues it). Versioned: a row written by an earlier version is
 * migrated when read. The engine is its one writer; the policy only reads it.
 */
import { z } from 'zod';
import type { Lang } from '../content/types.ts';
import type { ChoiceAction, Reply } from './reply.ts';

export type FlowState = {
  id: string;
  step: string;
  data: Record<string, string>;
  /** Steps visited, for "back". */
  history: string[];
  /** Counts runs of the flow, so each run has its own idempotency keys. */
  run: number;
};

/** The subject the conversation is on: the entry last answered, the flow it belongs to, its category. */
export type Topic = {
  entry: string | null;
  flow: string | null;
  category: string | null;
  /** The entries offered beside the answer: the next closest, for "that did not help". */
  others?: string[];
};

export const TRACKER_VERSION = 2;

export type Tracker = {
  v: typeof TRACKER_VERSION;
  flow: FlowState | null;
  /** A flow left for a question in between, offered to resume. */
  paused: FlowState | null;
  offered: Record<string, ChoiceAction>;
  /** Turns in a row that did not help (not understood, out of scope, said so): the second one leads with people. */
  unhelpful: number;
  runs: number;
  /** What the last answer or flow was about: a short follow-up is read against it. */
  topic: Topic | null;
  /** The topic before that one: "back to the switch, from when?" after a question in between reads against it. */
  earlier?: Topic | null;
  /** The language of the page the conversation was last held on: a change of page language is followed. */
  pageLang?: Lang | null;
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

/** The conversation is now on `next`; the topic it was on is kept as the earlier one when it changes. */
export function moveTopic(t: Tracker, next: Topic): void {
  const same = t.topic && t.topic.entry === next.entry && t.topic.flow === next.flow;
  if (t.topic && !same) t.earlier = t.topic;
  t.topic = next;
}

export const emptyTracker = (): Tracker => ({ v: TRACKER_VERSION, flow: null, paused: null, offered: {}, unhelpful: 0, runs: 0, topic: null });

const flowState = z.object({ id: z.string(), step: z.string(), data: z.record(z.string(), z.string()), history: z.array(z.string()), run: z.number() });

/** Version 1 (before the dialogue policy): misses instead of unhelpful turns, the last entry instead of a topic. */
const v1 = z
  .object({
    flow: flowState.nullable().default(null),
    paused: flowState.nullable().default(null),
    offered: z.record(z.string(), z.unknown()).default({}),
    misses: z.number().default(0),
    runs: z.number().default(0),
    lastEntry: z.string().nullable().default(null),
  })
  .passthrough();

/**
 * A stored state as a tracker of this version. A row that cannot be read (hand-edited, or from a future
 * version rolled back) starts afresh rather than failing the visitor's turn.
 */
export function readTracker(raw: unknown): Tracker {
  if (raw && typeof raw === 'object' && (raw as { v?: unknown }).v === TRACKER_VERSION) return raw as Tracker;
  const old = v1.safeParse(raw);
  if (!old.success) return emptyTracker();
  const { misses, lastEntry, ...rest } = old.data;
  return {
    ...(rest as Omit<Tracker, 'v' | 'unhelpful' | 'topic'>),
    v: TRACKER_VERSION,
    unhelpful: misses,
    topic: lastEntry ? { entry: lastEntry, flow: null, category: null } : null,
  };
}
