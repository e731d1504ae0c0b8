/** Case and accent folding shared by indexing, queries and the evaluation's comparison. */

/** Lower case, accents removed, ß as ss, typographic apostrophes and spaces made plain. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[’‘`´ʼ]/g, "'")
    .replace(/[\u00a0\u202f\u2007]/g, ' ');
}

/**
 * Words of a folded text. Hyphenated words give their parts; with a one-letter prefix also the joined
 * word ("e-facture" → "facture", "efacture"), so visitors find them however they spell them.
 */
export function words(folded: string): string[] {
  const out: string[] = [];
  for (const chunk of folded.match(/[\p{L}\p{N}]+(?:[-.][\p{L}\p{N}]+)*/gu) ?? []) {
    const parts = chunk.split(/[-.]/).filter(Boolean);
    out.push(...parts);
    if (parts.length > 1 && parts[0]!.length === 1 && /-/.test(chunk)) out.push(parts.join(''));
  }
  return out;
}
