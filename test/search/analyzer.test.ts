import { describe, expect, it } from 'vitest';
import { createAnalyzer, SYNONYM_PREFIX, NEGATION_TOKEN } from '../../src/search/analyzer.ts';
import { buildLangIndex } from '../../src/search/tenant-index.ts';
import { LONGEST_WORD, memo } from '../../src/search/stemmers.ts';
import type { FaqEntry } from '../../src/content/types.ts';

const fr = createAnalyzer('fr', [], []);

/** True when `terms` hold every one of `expected` (in any order, among others). */
const includesAll = (terms: string[], expected: string[]) => expected.every((t) => terms.includes(t));

describe('createAnalyzer: folding', () => {
  it('folds accents and case, so "Numéro" and "numero" are the same term', () => {
    expect(fr.terms('Numéro')).toEqual(fr.terms('numero'));
    expect(fr.terms('NUMÉRO')).toEqual(fr.terms('numero'));
    expect(fr.terms('Numéro')).toHaveLength(1);
  });

  it('folds German ß to ss and umlauts to their base letter', () => {
    const de = createAnalyzer('de', [], []);
    expect(de.terms('Straße')).toEqual(de.terms('Strasse'));
    expect(de.terms('Prämie')).toEqual(de.terms('Pramie'));
  });

  it('reads typographic apostrophes like plain ones', () => {
    expect(fr.terms('l’assurance')).toEqual(fr.terms("l'assurance"));
  });

  it('keeps numbers whole and unstemmed', () => {
    expect(fr.terms('30 jours')).toContain('30');
    expect(fr.terms('0800 815 415')).toEqual(['0800', '815', '415']);
  });
});

describe('createAnalyzer: French elision', () => {
  it.each([
    ["l'assurance", 'assurance'],
    ["d'activation", 'activation'],
    ["qu'une carte", 'carte'],
    ["s'inscrire", 'inscrire'],
    ["l'arrivée", 'arrivée'],
    ["j'envoie", 'envoie'],
  ])('reads "%s" as "%s"', (elided, plain) => {
    expect(fr.terms(elided)).toEqual(fr.terms(plain));
    expect(fr.terms(plain)).toHaveLength(1);
  });
});

describe('createAnalyzer: stop words', () => {
  it('drops French function words', () => {
    expect(fr.terms('le mot de passe')).toEqual(fr.terms('mot passe'));
    expect(fr.terms('je suis')).toEqual([]);
  });

  it('keeps a negation as one shared token, so "not received" meets entries about things that did not work', () => {
    expect(fr.terms('je ne suis pas')).toEqual([NEGATION_TOKEN]);
    expect(fr.terms('je ne reçois pas le code')).toContain(NEGATION_TOKEN);
    expect(fr.terms('je reçois le code')).not.toContain(NEGATION_TOKEN);
  });

  it('drops German and Italian function words', () => {
    const de = createAnalyzer('de', [], []);
    const it_ = createAnalyzer('it', [], []);
    expect(de.terms('ich habe das Passwort')).toEqual(de.terms('Passwort'));
    expect(it_.terms('la password di accesso')).toEqual(it_.terms('password accesso'));
  });

  it('keeps short domain words that the stop-word lists would drop', () => {
    const de = createAnalyzer('de', [], []);
    expect(fr.terms('code online sms app pdf')).toHaveLength(5);
    expect(de.terms('wie lange')).toEqual(de.terms('lange'));
    expect(de.terms('lange')).toHaveLength(1);
  });
});

describe('createAnalyzer: stemming', () => {
  it('gives singular and plural the same term', () => {
    expect(fr.terms('factures')).toEqual(fr.terms('facture'));
    expect(createAnalyzer('de', [], []).terms('Dokumente')).toEqual(createAnalyzer('de', [], []).terms('Dokument'));
    expect(createAnalyzer('it', [], []).terms('documenti')).toEqual(createAnalyzer('it', [], []).terms('documento'));
  });
});

describe('createAnalyzer: German compounds', () => {
  it('splits "Vertragsnummer" into the words of "Nummer des Vertrags"', () => {
    const de = createAnalyzer('de', [], ['Geben Sie die Nummer des Vertrags ein.']);
    const text = de.terms('Nummer des Vertrags');
    expect(text).toHaveLength(2);
    expect(includesAll(de.terms('Vertragsnummer'), text)).toBe(true);
  });

  it('splits "Codekarte" into the words of "Code-Karte"', () => {
    const de = createAnalyzer('de', [], ['Die Code-Karte liegt dem Brief bei.']);
    const text = de.terms('Code-Karte');
    expect(text.length).toBeGreaterThanOrEqual(2);
    expect(includesAll(de.terms('Codekarte'), text)).toBe(true);
  });

  it('leaves a compound whole when the content does not know its parts', () => {
    const de = createAnalyzer('de', [], ['Ein Text über etwas ganz anderes.']);
    expect(de.terms('Vertragsnummer')).toHaveLength(1);
  });

  it('neither splits nor remembers a word longer than any real one (a thousand letters cost a thousand lookups)', () => {
    const parts = 'Nummer Vertrag Karte Code Versicherung Franchise Wechsel Passwort'.split(' ');
    const de = createAnalyzer('de', [], [parts.join(' ')]);
    expect(de.terms('Versicherungsnummer').length).toBeGreaterThan(1);
    expect(de.terms('versicherungs'.repeat(80) + 'nummer')).toHaveLength(1);
    let calls = 0;
    const counted = memo((w: string) => (calls++, w.length));
    counted('passwort');
    counted('passwort');
    expect(calls).toBe(1);
    const long = 'x'.repeat(LONGEST_WORD + 1);
    counted(long);
    counted(long);
    expect(calls).toBe(3);
  });

  it('splits compounds in German only', () => {
    const it_ = createAnalyzer('it', [], ['numero contratto', 'contrattonumero']);
    expect(it_.terms('contrattonumero')).toHaveLength(1);
  });

  it('lets a search find compounds and their parts either way round', () => {
    const entry = (id: string, question: string, text: string): FaqEntry => ({
      id, lang: 'de', question, alternates: [], category: 'login', related: [], markdown: text, html: text, text, file: `${id}.de.md`,
    });
    const index = buildLangIndex(
      [
        entry('contract', 'Wo finde ich die Nummer des Vertrags?', 'Sie steht oben rechts auf der Police.'),
        entry('card', 'Was ist die Code-Karte?', 'Eine Karte mit hundert Codes.'),
        entry('letter', 'Wozu dient der Aktivierungsbrief?', 'Er enthält den Aktivierungscode.'),
        // The parts are words the content also uses on their own, so the compound above can be split.
        entry('post', 'Wann kommt der Brief?', 'Per Post innert fünf Tagen.'),
        entry('activation', 'Wie lange dauert die Aktivierung?', 'Einen Tag.'),
        entry('other', 'Wie ändere ich meine Adresse?', 'Im Portal unter Profil.'),
      ],
      'de',
      [],
    );
    expect(index.search('Vertragsnummer')[0]?.entry.id).toBe('contract');
    expect(index.search('Codekarte')[0]?.entry.id).toBe('card');
    // And the other way round: the content writes the compound, the visitor splits it.
    expect(index.search('Aktivierungs-Brief')[0]?.entry.id).toBe('letter');
    expect(index.search('Brief zur Aktivierung')[0]?.entry.id).toBe('letter');
  });
});

describe('createAnalyzer: synonym groups', () => {
  const groups = [['franchise', 'quote-part fixe'], ['mot de passe', 'mdp']];
  const syn = createAnalyzer('fr', groups, []);
  const shared = (a: string[], b: string[]) => a.filter((t) => t.startsWith(SYNONYM_PREFIX) && b.includes(t));

  it('gives every member of a group one shared token', () => {
    expect(shared(syn.terms('ma franchise'), syn.terms('la quote-part fixe'))).toHaveLength(1);
    expect(shared(syn.terms('mdp oublié'), syn.terms("j'ai oublié mon mot de passe"))).toHaveLength(1);
  });

  it('gives different groups different tokens', () => {
    expect(shared(syn.terms('franchise'), syn.terms('mdp'))).toEqual([]);
  });

  it('matches a phrase member only when its words come in order', () => {
    expect(syn.terms('passe de mot').some((t) => t.startsWith(SYNONYM_PREFIX))).toBe(false);
    expect(syn.terms('fixe').some((t) => t.startsWith(SYNONYM_PREFIX))).toBe(false);
  });

  it('keeps what the visitor wrote out of the synonym tokens in stems()', () => {
    expect(syn.stems('franchise').some((t) => t.startsWith(SYNONYM_PREFIX))).toBe(false);
    expect(syn.terms('franchise').some((t) => t.startsWith(SYNONYM_PREFIX))).toBe(true);
  });

  it('matches inflected and accented forms of a member', () => {
    const de = createAnalyzer('de', [['Prämie', 'Beitrag']], []);
    expect(shared(de.terms('meine Prämien'), de.terms('Beiträge'))).toHaveLength(1);
  });
});

describe('createAnalyzer: hyphenated words', () => {
  it('matches "e-facture" and "efacture" either way round', () => {
    expect(includesAll(fr.terms('e-facture'), fr.terms('efacture'))).toBe(true);
    expect(fr.terms('E-Facture')).toEqual(fr.terms('e-facture'));
  });

  it('also keeps the parts, so "facture" finds "e-facture"', () => {
    expect(includesAll(fr.terms('e-facture'), fr.terms('facture'))).toBe(true);
  });

  it('joins parts of German hyphenated words too', () => {
    const de = createAnalyzer('de', [], []);
    expect(includesAll(de.terms('E-Rechnung'), de.terms('eRechnung'))).toBe(true);
  });
});
