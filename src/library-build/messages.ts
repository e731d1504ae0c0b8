/** What the serving thread and the library workers say to each other: plain data only. */
import type { ContentProblem, Intents, Lang, Localized, Synonyms, Teaching } from '../content/types.ts';
import type { SavedIndex } from '../search/tenant-index.ts';
import type { ClassifierData, TenantModelData } from '../understanding/handover.ts';

/** Build the library from a content folder; the tenants in `have` with the same key are built already. */
export type BuildRequest = {
  job: number;
  contentDir: string;
  /** Tenant id → key of the parts the serving thread holds. */
  have: Record<string, string>;
  /** Key of the models of how a message asks (act or fact, advice) the serving thread holds. */
  asking: string | undefined;
  /** This worker builds the tenants at positions k, k + n, k + 2n… (alphabetical), and the asking models when k is 0. */
  share: { k: number; n: number };
};

export type Plan = {
  type: 'plan';
  job: number;
  version: string;
  /** Every tenant of the content, alphabetical, with the key of what is built from it. */
  tenants: [string, string][];
  synonyms: Synonyms;
  intents: Intents;
  understanding: Localized<Teaching>;
  /** Folded words per language, for language detection. */
  vocabulary: Record<Lang, string[]>;
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

export type AskingBuilt = { type: 'asking'; job: number; key: string; actOrFact: ClassifierData; advice: ClassifierData };

export type WorkerMessage =
  | Plan
  | TenantBuilt
  | AskingBuilt
  | { type: 'done'; job: number }
  /** The content has problems: the serving version stays. */
  | { type: 'refused'; job: number; problems: ContentProblem[] }
  /** A bug: the build failed for another reason than the content. */
  | { type: 'error'; job: number; message: string };
