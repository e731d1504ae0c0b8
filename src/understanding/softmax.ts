/**
 * Multinomial logistic regression over sparse binary features, trained in-process by stochastic
 * gradient descent. Small on purpose: a few thousand examples and tens of labels train in a fraction of a
 * second, predict in microseconds, and every weight can be read back to explain a decision.
 */

export type TrainingExample = { features: readonly string[]; label: number };

export type SoftmaxOptions = {
  /** Passes over the examples. */
  epochs: number;
  /** Step size of the first pass; it shrinks linearly to a tenth by the last. */
  learningRate: number;
  /** Seed of the shuffle, so the same content always gives the same model. */
  seed: number;
};

export const DEFAULT_SOFTMAX_OPTIONS: SoftmaxOptions = { epochs: 4, learningRate: 1, seed: 7 };

export type Contribution = { feature: string; weight: number };

export type SoftmaxModel = {
  readonly labelCount: number;
  /** Probability of each label, in label order. */
  predict(features: readonly string[]): Float64Array;
  /** The features of a text that pushed most towards a label (largest weights first). */
  explain(features: readonly string[], label: number, top?: number): Contribution[];
  /** What the model is made of, as plain data (typed arrays), to hand it to another thread. */
  state(): SoftmaxState;
};

/** A trained model as plain data: the features in the order of the weight rows, K weights per feature. */
export type SoftmaxState = { labelCount: number; features: string[]; weights: Float32Array; bias: Float64Array };

/** A small deterministic generator (mulberry32), for shuffles and augmentation that do not vary by run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function trainSoftmax(examples: readonly TrainingExample[], labelCount: number, options: Partial<SoftmaxOptions> = {}): SoftmaxModel {
  const o = { ...DEFAULT_SOFTMAX_OPTIONS, ...options };
  const K = labelCount;
  const vocab = new Map<string, number>();
  const encoded = examples.map((e) => {
    const ids = new Int32Array(e.features.length);
    e.features.forEach((f, i) => {
      let id = vocab.get(f);
      if (id === undefined) vocab.set(f, (id = vocab.size));
      ids[i] = id;
    });
    return { ids, label: e.label };
  });
  // Row per feature: the K weights of one feature sit together, as a step reads and writes them together.
  // Single precision: half the memory each step walks through, and the same decisions on every case file.
  const w = new Float32Array(vocab.size * K);
  const bias = new Float64Array(K);
  const logits = new Float64Array(K);
  const step = new Float64Array(K);
  const active = new Int32Array(K);
  const order = encoded.map((_, i) => i);
  const rand = random(o.seed);

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const lr = o.learningRate * (1 - (0.9 * epoch) / Math.max(1, o.epochs - 1));
    for (const n of order) {
      const { ids, label } = encoded[n]!;
      // Each text has unit length, so long messages do not get more confident merely by being long.
      const v = 1 / Math.sqrt(ids.length || 1);
      scores(ids, v, w, bias, K, logits);
      softmaxInPlace(logits);
      logits[label]! -= 1; // now the gradient of the loss by each logit
      // Only the labels with a gradient worth a step: most labels are near zero for most examples.
      let live = 0;
      for (let k = 0; k < K; k++) {
        const g = logits[k]!;
        if (g > 1e-4 || g < -1e-4) {
          bias[k]! -= lr * g;
          step[live] = lr * g * v;
          active[live++] = k;
        }
      }
      for (let i = 0; i < ids.length; i++) {
        const row = ids[i]! * K;
        for (let j = 0; j < live; j++) w[row + active[j]!]! -= step[j]!;
      }
    }
  }

  return softmaxFromState({ labelCount: K, features: [...vocab.keys()], weights: w, bias }, vocab);
}

/**
 * The model a state describes: trained here, or handed over from the thread that trained it (it then
 * predicts exactly as the trained one did). `vocab` maps each feature to its row when the caller has it.
 */
export function softmaxFromState(state: SoftmaxState, vocab: ReadonlyMap<string, number> = new Map(state.features.map((f, i) => [f, i]))): SoftmaxModel {
  const { labelCount: K, weights: w, bias } = state;
  const idsOf = (features: readonly string[]) => {
    const ids: number[] = [];
    for (const f of features) {
      const id = vocab.get(f);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  };
  return {
    labelCount: K,
    predict(features) {
      const out = new Float64Array(K);
      // Unknown features still count towards the length: a message mostly of unknown words is less sure.
      scores(idsOf(features), 1 / Math.sqrt(features.length || 1), w, bias, K, out);
      return softmaxInPlace(out);
    },
    explain(features, label, top = 6) {
      const v = 1 / Math.sqrt(features.length || 1);
      return features
        .flatMap((feature) => {
          const id = vocab.get(feature);
          return id === undefined ? [] : [{ feature, weight: w[id * K + label]! * v }];
        })
        .sort((a, b) => b.weight - a.weight)
        .slice(0, top);
    },
    state: () => state,
  };
}

function scores(ids: ArrayLike<number>, v: number, w: Float32Array, bias: Float64Array, K: number, out: Float64Array) {
  for (let k = 0; k < K; k++) out[k] = bias[k]!;
  for (let i = 0; i < ids.length; i++) {
    const row = ids[i]! * K;
    for (let k = 0; k < K; k++) out[k]! += w[row + k]! * v;
  }
}

function softmaxInPlace(x: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of x) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < x.length; k++) sum += x[k] = Math.exp(x[k]! - max);
  for (let k = 0; k < x.length; k++) x[k]! /= sum;
  return x;
}
