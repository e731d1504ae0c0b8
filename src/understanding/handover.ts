/**
 * A tenant's understanding model as plain data and back: trained on a worker thread, handed over by
 * message (the weights as typed arrays), and put back together on the thread that serves, where it
 * predicts exactly as the trained one did.
 */
import type { Lang, Localized } from '../content/types.ts';
import type { SearchService } from '../search/service.ts';
import type { LangIndex } from '../search/tenant-index.ts';
import { featureIds, featuresOf } from './features.ts';
import { vocabularyOf, type Label, type TenantModel } from './model.ts';
import { softmaxFromState, type SoftmaxState } from './softmax.ts';

export type TenantModelData = {
  tenant: string;
  labels: Label[];
  /** Typed arrays only, moved to the other thread rather than copied. */
  classifier: SoftmaxState;
  handlerOf: [string, { flow: string; step?: string }][];
  entryOf: [string, string][];
  insurerNames: string[];
  ours: readonly string[];
  common: readonly string[];
  ownNames: readonly string[];
};

export function tenantModelData(model: TenantModel): TenantModelData {
  return {
    tenant: model.tenant,
    labels: [...model.labels],
    classifier: model.classifier.state(),
    handlerOf: [...model.handlerOf],
    entryOf: [...model.entryOf],
    insurerNames: [...model.insurerNames],
    ours: model.ours,
    common: model.common,
    ownNames: model.ownNames,
  };
}

/** The buffers a message may move instead of copying (the sender no longer needs them). */
export const transferables = (state: SoftmaxState): ArrayBuffer[] => [state.keys, state.rows, state.weights, state.bias].map((a) => a.buffer as ArrayBuffer);

/** The model again, but for its search ranking (`retrieverOf`), which needs the search service of the whole library. */
export function hydrateTenantModel(data: TenantModelData, indexes: Localized<LangIndex>): Omit<TenantModel, 'retrieve'> {
  return {
    tenant: data.tenant,
    labels: data.labels,
    // The arrays are the model: nothing to rebuild on the serving thread.
    classifier: softmaxFromState(data.classifier),
    features: (text, lang) => featureIds(text, indexes[lang].analyzer),
    featureNames: (text, lang) => featuresOf(text, indexes[lang].analyzer),
    handlerOf: new Map(data.handlerOf),
    entryOf: new Map(data.entryOf),
    insurerNames: data.insurerNames,
    ours: data.ours,
    common: data.common,
    ownNames: data.ownNames,
    vocabulary: vocabularyOf(data.ours, data.common, [indexes.fr.analyzer, indexes.de.analyzer, indexes.it.analyzer]),
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
