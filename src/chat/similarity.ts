/** How close a visitor's message is to a known phrasing: F1 over concept terms, tolerant of one typo. */

function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1 || Math.min(a.length, b.length) < 5) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

const covered = (from: string[], by: string[]) => from.filter((x) => by.some((y) => withinOneEdit(x, y))).length;

/** F1 of two term sets: 1 when they name the same things, 0 when nothing is shared. */
export function similarity(query: string[], phrase: string[]): number {
  if (query.length === 0 || phrase.length === 0) return 0;
  const recall = covered(query, phrase) / query.length;
  const precision = covered(phrase, query) / phrase.length;
  return recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
}

/** The best similarity of a query to any of several phrasings, and which one. */
export function bestMatch<T>(query: string[], candidates: { value: T; terms: string[] }[]): { value: T; score: number } | undefined {
  let best: { value: T; score: number } | undefined;
  for (const c of candidates) {
    const score = similarity(query, c.terms);
    if (!best || score > best.score) best = { value: c.value, score };
  }
  return best;
}
