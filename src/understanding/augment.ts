/**
 * Variants of a training phrasing as visitors would type it: wrapped in the politeness and context
 * people put around a question, and with one slip of the finger. Deterministic for a given seed.
 */

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

/** One typing slip in a word of five letters or more: a letter dropped, doubled or swapped. */
export function withTypo(text: string, rand: () => number): string {
  const spans = [...text.matchAll(/\p{L}{5,}/gu)];
  if (spans.length === 0) return text;
  const m = spans[Math.floor(rand() * spans.length)]!;
  const word = m[0];
  const at = 1 + Math.floor(rand() * (word.length - 2));
  const kind = Math.floor(rand() * 3);
  const changed =
    kind === 0
      ? word.slice(0, at) + word.slice(at + 1)
      : kind === 1
        ? word.slice(0, at) + word[at] + word.slice(at)
        : word.slice(0, at - 1) + word[at] + word[at - 1] + word.slice(at + 1);
  return text.slice(0, m.index) + changed + text.slice(m.index! + word.length);
}

/** The phrasing inside one of the wrappers ("Bonjour, {q} merci"). */
export function wrapped(text: string, wrappers: readonly string[], rand: () => number): string {
  if (wrappers.length === 0) return text;
  const w = wrappers[Math.floor(rand() * wrappers.length)]!;
  return w.replace('{q}', text);
}
