/**
 * A tenant's understanding model as plain data and back: trained on a worker thread, handed over by
 * message (the weights as typed arrays), and put back together on the thread that serves, where it
 * predicts exactly as the trained one did.
 */
import type { Lang, Localized } from '../content/types.ts';
import type { SearchService } from '../search/service.ts';
import type { LangIndex } from '../search/tenant-index.ts';
import { featuresOf } from './features.ts';
import type { Label, TenantModel } from './model.ts';
import { softmaxFromState, type SoftmaxModel, type SoftmaxState } from './softmax.ts';

/** The classifier's state with its features in one string (one per line): one string crosses threads faster than thousands. */
export type ClassifierData = Omit<SoftmaxState, 'features'> & { features: string };

export type TenantModelData = {
  tenant: string;
  labels: Label[];
  classifier: ClassifierData;
  handlerOf: [string, { flow: string; step?: string }][];
  entryOf: [string, string][];
};

export function tenantModelData(model: TenantModel): TenantModelData {
  return {
    tenant: model.tenant,
    labels: [...model.labels],
    classifier: classifierData(model.classifier.state()),
    handlerOf: [...model.handlerOf],
    entryOf: [...model.entryOf],
  };
}

// Features are folded words, pairs, n-grams and stems: none holds a line break.
export const classifierData = (state: SoftmaxState): ClassifierData => ({ ...state, features: state.features.join('\n') });

/** The buffers a message may move instead of copying (the sender no longer needs them). */
export const transferables = (state: Pick<SoftmaxState, 'weights' | 'bias'>): ArrayBuffer[] => [state.weights.buffer as ArrayBuffer, state.bias.buffer as ArrayBuffer];

/** Features looked up per turn of the event loop while a model is put back together: a few milliseconds' work. */
const FEATURES_PER_TURN = 1500;

/**
 * The classifier from its data, built in short steps: between them `pause()` lets the thread serve.
 * (Tens of thousands of features in one go would hold it for tens of milliseconds.)
 */
export async function classifierFrom(data: ClassifierData, pause: () => Promise<void>): Promise<SoftmaxModel> {
  const features = data.features === '' ? [] : data.features.split('\n');
  const vocab = new Map<string, number>();
  for (let i = 0; i < features.length; i++) {
    vocab.set(features[i]!, i);
    if ((i + 1) % FEATURES_PER_TURN === 0) await pause();
  }
  return softmaxFromState({ ...data, features }, vocab);
}

/** The model again, but for its search ranking (`retrieverOf`), which needs the search service of the whole library. */
export async function hydrateTenantModel(data: TenantModelData, indexes: Localized<LangIndex>, pause: () => Promise<void>): Promise<Omit<TenantModel, 'retrieve'>> {
  return {
    tenant: data.tenant,
    labels: data.labels,
    classifier: await classifierFrom(data.classifier, pause),
    features: (text, lang) => featuresOf(text, indexes[lang].analyzer),
    handlerOf: new Map(data.handlerOf),
    entryOf: new Map(data.entryOf),
  };
}

/** The search's ranking of a tenant's FAQ for a text, as `buildTenantModel` makes it: entry id → share of the top scores. */
export function retrieverOf(tenant: string, search: SearchService): TenantModel['retrieve'] {
  return (text: string, lang: Lang) => {
    const hits = search.search(tenant, lang, text, { limit: 5 });
    const total = hits.reduce((n, h) => n + h.score, 0);
    return new Map(total > 0 ? hits.map((h) => [h.entry.id, h.score / total]) : []);
  };
}
