/**
 * The model learns on feature numbers computed straight from the characters, and explains itself with
 * feature names: the two must name the same features, or an explanation would show what did not decide.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadLibrary } from '../../src/library.ts';
import { featureHash, featureIds, featuresOf, wordFeatureIds, wordFeaturesOf } from '../../src/understanding/features.ts';
import { ROOT } from '../helpers/app.ts';

const sorted = (xs: ArrayLike<number>) => [...Array.from(xs)].sort((a, b) => a - b);

const word = fc.oneof(
  fc.constantFrom('Franchise', 'franchigia', 'Prämienrechnung', 'mot', 'de', 'passe', "l'app", 'e-facture', 'KPTnet', 'myAtupri', 'SMS', '2500', '1.1.2027', 'Grüezi', 'çà', 'Ärger', 'ß', 'ok', '😊', '—'),
  fc.string({ unit: fc.constantFrom(...'abcdéèàüöäßçñ-.\'’0123456789 ÀÉ'.split('')), minLength: 1, maxLength: 12 }),
);
const text = fc.array(word, { maxLength: 12 }).map((ws) => ws.join(' '));

describe('feature numbers and names', () => {
  const loaded = loadLibrary({ contentDir: join(ROOT, 'content'), localesDir: join(ROOT, 'locales') });
  if (!loaded.ok) throw new Error('content does not load');
  const analyzer = loaded.library.search.indexes('kpt')!.de.analyzer;

  it('name the same features, with and without the analyzer', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(sorted(featureIds(t))).toEqual(sorted(featuresOf(t).map(featureHash)));
        expect(sorted(featureIds(t, analyzer))).toEqual(sorted(featuresOf(t, analyzer).map(featureHash)));
        expect(sorted(wordFeatureIds(t))).toEqual(sorted(wordFeaturesOf(t).map(featureHash)));
      }),
      { numRuns: 500 },
    );
  });

  it('are character n-grams inside words, words, pairs and concepts', () => {
    const names = featuresOf('Franchise ändern', analyzer);
    expect(names).toEqual(expect.arrayContaining(['w:franchise', 'w:andern', 'c:<fr', 'c:se>', 'b:franchise_andern']));
    expect(names.some((n) => n.startsWith('k:'))).toBe(true);
    expect(featureIds('Franchise ändern', analyzer)).toHaveLength(names.length);
  });
});
