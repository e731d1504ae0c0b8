/** What the serving thread and the library workers say to each other: plain data only. */
import type { ContentProblem, Intents, Lang, Localized, Synonyms, Teaching } from '../content/types.ts';
import type { SavedIndex } from '../search/tenant-index.ts';
import type { TenantModelData } from '../understanding/handover.ts';
import type { SoftmaxState } from '../understanding/softmax.ts';

/**
 * What the serving thread asks of a worker. A build is one job: every worker reads the content folder
 * (`load`) and says which version it read (`plan`); then the parts to build are handed out one at a time
 * (`part`) to whichever worker is free, so the cores stay busy until the last part whatever each costs.
 */
export type WorkerRequest =
  | {
      type: 'load';
      job: number;
      contentDir: string;
      /** Whether this worker's plan carries the shared files and the vocabulary (one worker's is enough). */
      full: boolean;
      /** Where built parts are kept across restarts (see part-cache.ts); none: every part is built. */
      cacheDir?: string | undefined;
    }
  /** Build one part of the content the worker loaded for `job`: a tenant's indexes and model, or the models of how a message asks. */
  | { type: 'part'; job: number; part: PartId };

export type PartId = { kind: 'tenant'; id: string } | { kind: 'asking' };

/** What a worker read: the version, and what is built from which part; the shared data when asked for (`full`). */
export type Plan = {
  type: 'plan';
  job: number;
  version: string;
  /** Every tenant of the content, alphabetical, with the key of what is built from it. */
  tenants: [string, string][];
  /** Key of the models of how a message asks. */
  asking: string;
  shared?: SharedData;
};

export type SharedData = {
  synonyms: Synonyms;
  intents: Intents;
  understanding: Localized<Teaching>;
  /** Folded words per language, for language detection, one per line (one string crosses threads faster than thousands). */
  vocabulary: Record<Lang, string>;
};

export type TenantBuilt = {
  type: 'tenant';
  job: number;
  id: string;
  key: string;
  /**
   * The tenant's content as JSON, in pieces that are each parsed in a turn of their own (a message is
   * read in one go: strings are copied fast, objects rebuilt slowly).
   */
  content: { tenant: string; triggers: string; entries: Localized<string> };
  /** The search index per language, as data. */
  indexes: Localized<SavedIndex>;
  model: TenantModelData;
};

export type AskingBuilt = { type: 'asking'; job: number; key: string; actOrFact: SoftmaxState; advice: SoftmaxState };

export type WorkerMessage =
  | Plan
  | TenantBuilt
  | AskingBuilt
  /** The content has problems: the serving version stays. */
  | { type: 'refused'; job: number; problems: ContentProblem[] }
  /** A bug: the build failed for another reason than the content. */
  | { type: 'error'; job: number; message: string };
