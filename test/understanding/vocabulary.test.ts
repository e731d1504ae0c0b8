import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/search/analyzer.ts';
import { stopwords } from '../../src/search/stopwords.ts';
import { buildVocabulary, mostlyStrange, wordsOf } from '../../src/understanding/vocabulary.ts';

const texts = ['Combien je gagne en passant online ?', 'Comment changer ma franchise ?', 'Mot de passe oublié', 'Le lien d’activation est valable 30 jours.'];
const analyzer = createAnalyzer('fr', [], texts);
const vocabulary = buildVocabulary(wordsOf(texts), ['franchise'], [analyzer], stopwords.fr);

describe('the words of our subjects', () => {
  it('tells the words no subject uses from ours', () => {
    expect(vocabulary.read('qui va gagner les élections fédérales ?')).toEqual({ familiar: ['gagner'], common: [], strange: ['elections', 'federales'] });
  });

  it('counts inflections and typos of our words as ours, and leaves out stop words and numbers', () => {
    expect(vocabulary.read('j’ai oublié mon mot de passe, nouvelles franchse 2500')).toEqual({ familiar: ['oublie', 'mot', 'passe', 'franchse'], common: [], strange: ['nouvelles'] });
  });

  it('keeps a word apart from one that only starts the same', () => {
    expect(vocabulary.read('activité')).toEqual({ familiar: [], common: [], strange: ['activite'] });
  });

  it('weighs a word many of our texts use twice against the words of nothing of ours', () => {
    const read = vocabulary.read("mes franchises de l'an dernier disparues");
    expect(read).toEqual({ familiar: ['franchises'], common: ['franchises'], strange: ['dernier', 'disparues'] });
    expect(mostlyStrange(read)).toBe(false);
    expect(mostlyStrange(vocabulary.read('qui va gagner les élections fédérales ?'))).toBe(true);
  });
});
