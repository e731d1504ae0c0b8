/**
 * Multinomial logistic regression over sparse binary features, trained in-process by stochastic
 * gradient descent. Small on purpose: a few thousand examples and tens of labels train in a fraction of a
 * second, predict in microseconds, and every weight can be read back to explain a decision.
 *
 * Features are numbers (hashes of their names, see features.ts); a model is a handful of typed arrays,
 * so it crosses to another thread without a copy and is ready there without any work.
 */
import { featureHash } from './features.ts';

/**
 * A text's features and its label. `key`, when given, places the example in each pass (a hash of the
 * example, say): examples keep their order among themselves whatever is added or removed around them, so
 * one new training line does not reshuffle how all the others are learned.
 */
export type TrainingExample = { features: ArrayLike<number>; label: number; key?: number };

export type SoftmaxOptions = {
  /** Passes over the examples. */
  epochs: number;
  /** Step size of the first pass; it shrinks linearly to a tenth by the last. */
  learningRate: number;
  /** Seed of the order of the examples in each pass, so the same content always gives the same model. */
  seed: number;
};

export const DEFAULT_SOFTMAX_OPTIONS: SoftmaxOptions = { epochs: 3, learningRate: 1.5, seed: 7 };

export type Contribution = { feature: string; weight: number };

export type SoftmaxModel = {
  readonly labelCount: number;
  /** Probability of each label, in label order, for a text's feature numbers. */
  predict(features: ArrayLike<number>): Float64Array;
  /** The share of a text's features the model learned anything about: gibberish is mostly unknown. */
  known(features: ArrayLike<number>): number;
  /** The features of a text (by name) that pushed most towards a label (largest weights first). */
  explain(features: readonly string[], label: number, top?: number): Contribution[];
  /** What the model is made of, as plain data (typed arrays), to hand it to another thread. */
  state(): SoftmaxState;
};

/**
 * A trained model as plain data: an open-addressing table from feature number to weight row (`keys` and
 * `rows`, a power of two long, row -1 where empty) and K weights per row.
 */
export type SoftmaxState = { labelCount: number; keys: Int32Array; rows: Int32Array; weights: Float32Array; bias: Float64Array };

/** Slot of a feature number in a table of 2^bits slots: the number's bits mixed, then the top ones. */
const slotOf = (feature: number, bits: number) => Math.imul(feature, 0x9e3779b1) >>> (32 - bits);

/** The table's row for a feature, or -1. */
function rowOf(keys: Int32Array, rows: Int32Array, feature: number): number {
  const mask = keys.length - 1;
  const bits = 31 - Math.clz32(keys.length);
  for (let i = slotOf(feature, bits); ; i = (i + 1) & mask) {
    const row = rows[i]!;
    if (row < 0 || keys[i] === feature) return row;
  }
}

/** A 32-bit integer's bits spread over all 32 (murmur3's finaliser). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A feature table to fill, kept at most half full by doubling. */
function growingTable() {
  let bits = 10;
  let keys = new Int32Array(1 << bits);
  let rows = new Int32Array(1 << bits).fill(-1);
  let size = 0;
  const place = (f: number, row: number) => {
    const mask = keys.length - 1;
    let i = slotOf(f, bits);
    while (rows[i]! >= 0) i = (i + 1) & mask;
    keys[i] = f;
    rows[i] = row;
  };
  return {
    /** The feature's row, given the next free one if it has none yet. */
    row(f: number): number {
      const found = rowOf(keys, rows, f);
      if (found >= 0) return found;
      if (2 * (size + 1) > keys.length) {
        const [oldKeys, oldRows] = [keys, rows];
        bits++;
        keys = new Int32Array(1 << bits);
        rows = new Int32Array(1 << bits).fill(-1);
        for (let i = 0; i < oldRows.length; i++) if (oldRows[i]! >= 0) place(oldKeys[i]!, oldRows[i]!);
      }
      place(f, size);
      return size++;
    },
    done: () => ({ keys, rows, size }),
  };
}

export function trainSoftmax(examples: readonly TrainingExample[], labelCount: number, options: Partial<SoftmaxOptions> = {}): SoftmaxModel {
  const o = { ...DEFAULT_SOFTMAX_OPTIONS, ...options };
  const K = labelCount;
  // Each distinct feature gets the next row, in order of appearance.
  const table = growingTable();
  const encoded = examples.map((e) => Int32Array.from(e.features, table.row));
  const { keys, rows, size } = table.done();
  // Row per feature: the K weights of one feature sit together, as a step reads and writes them together.
  // Single precision: half the memory each step walks through, and the same decisions on every case file.
  const w = new Float32Array(size * K);
  const bias = new Float64Array(K);
  const logits = new Float64Array(K);
  const step = new Float64Array(K);
  const active = new Int32Array(K);
  const labels = Int32Array.from(examples, (e) => e.label);
  const keyOf = examples.map((e, i) => e.key ?? i);
  // Each example's place and index in one number (32 bits of place, 21 of index: exact in a double),
  // so a pass's order is a native numeric sort rather than a compared one.
  const INDEX = 2 ** 21;
  if (examples.length > INDEX) throw new RangeError('trainSoftmax: too many examples');
  const placed = new Float64Array(examples.length);

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    // A fresh order each pass, yet each example's place depends on its key alone.
    const salt = Math.imul(o.seed + epoch + 1, 0x85ebca6b);
    for (let i = 0; i < placed.length; i++) placed[i] = mix(keyOf[i]! ^ salt) * INDEX + i;
    placed.sort();
    const lr = o.learningRate * (1 - (0.9 * epoch) / Math.max(1, o.epochs - 1));
    for (const p of placed) {
      const n = p % INDEX;
      const ids = encoded[n]!;
      const label = labels[n]!;
      // Each text has unit length, so long messages do not get more confident merely by being long.
      const v = 1 / Math.sqrt(ids.length || 1);
      scores(ids, v, w, bias, K, logits);
      softmaxInPlace(logits);
      logits[label]! -= 1; // now the gradient of the loss by each logit
      // Only the labels with a gradient worth a step: most labels are near zero for most examples. (A
      // tenth of this bar changed no decision on the case files; ten times it lost several.)
      let live = 0;
      for (let k = 0; k < K; k++) {
        const g = logits[k]!;
        if (g > 1e-3 || g < -1e-3) {
          bias[k]! -= lr * g;
          step[k] = lr * g * v;
          active[live++] = k;
        } else step[k] = 0;
      }
      // Many labels live: one pass over each row is quicker than hopping (the others' step is zero).
      if (3 * live > K) {
        for (let i = 0; i < ids.length; i++) {
          const row = ids[i]! * K;
          for (let k = 0; k < K; k++) w[row + k]! -= step[k]!;
        }
      } else {
        for (let i = 0; i < ids.length; i++) {
          const row = ids[i]! * K;
          for (let j = 0; j < live; j++) w[row + active[j]!]! -= step[active[j]!]!;
        }
      }
    }
  }

  return softmaxFromState({ labelCount: K, keys, rows, weights: w, bias });
}

/** The model a state describes: trained here, or handed over from the thread that trained it (it then predicts exactly as the trained one did). */
export function softmaxFromState(state: SoftmaxState): SoftmaxModel {
  const { labelCount: K, keys, rows, weights: w, bias } = state;
  return {
    labelCount: K,
    predict(features) {
      const ids: number[] = [];
      for (let i = 0; i < features.length; i++) {
        const row = rowOf(keys, rows, features[i]!);
        if (row >= 0) ids.push(row);
      }
      const out = new Float64Array(K);
      // Unknown features still count towards the length: a message mostly of unknown words is less sure.
      scores(ids, 1 / Math.sqrt(features.length || 1), w, bias, K, out);
      return softmaxInPlace(out);
    },
    known(features) {
      let n = 0;
      for (let i = 0; i < features.length; i++) if (rowOf(keys, rows, features[i]!) >= 0) n++;
      return features.length ? n / features.length : 0;
    },
    explain(features, label, top = 6) {
      const v = 1 / Math.sqrt(features.length || 1);
      return features
        .flatMap((feature) => {
          const row = rowOf(keys, rows, featureHash(feature));
          return row < 0 ? [] : [{ feature, weight: w[row * K + label]! * v }];
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
