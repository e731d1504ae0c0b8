import { describe, expect, it } from 'vitest';
import { redact } from '../../src/insights/redact.ts';

describe('redact', () => {
  it.each([
    ['mon e-mail est anna.muster@example.ch, merci', 'mon e-mail est [email], merci'],
    ['écrivez à jürg.müller@bluewin.ch', 'écrivez à [email]'],
  ])('removes e-mail addresses: %s', (text, out) => {
    expect(redact(text)).toBe(out);
  });

  it.each([
    ['appelez-moi au 079 123 45 67 svp', 'appelez-moi au [phone] svp'],
    ['+41 79 123 45 67', '[phone]'],
    ['0041 79 123 45 67', '[phone]'],
    ['mein Natel 079/123.45.67', 'mein Natel [phone]'],
    ['tel 0791234567', 'tel [phone]'],
  ])('removes phone numbers: %s', (text, out) => {
    expect(redact(text)).toBe(out);
  });

  it.each([
    ['mon numéro est KPT12345678', 'mon numéro est [contract]'],
    ['kpt 12345678 ne marche pas', '[contract] ne marche pas'],
    ['numero CPT12345678', 'numero [contract]'],
    // Another insurer's format, as a tenant folder may bring it (test/fixtures/insurer-third).
    ['mon numéro est EX123456', 'mon numéro est [contract]'],
    ['Vertragsnummer AB 1234567 geht nicht', 'Vertragsnummer [contract] geht nicht'],
  ])('removes contract numbers: %s', (text, out) => {
    expect(redact(text)).toBe(out);
  });

  it.each([
    ['AVS 756.1234.5678.97', 'AVS [ahv]'],
    ['AHV-Nummer 7561234567897', 'AHV-Nummer [ahv]'],
    ['numero AVS 756 1234 5678 97', 'numero AVS [ahv]'],
  ])('removes AHV numbers: %s', (text, out) => {
    expect(redact(text)).toBe(out);
  });

  it('removes IBANs and other long numbers', () => {
    expect(redact('IBAN CH93 0076 2011 6238 5295 7')).toBe('IBAN [iban]');
    expect(redact('mon numéro d’assuré 756.123.456')).toBe('mon numéro d’assuré [number]');
  });

  it.each([
    ["je m'appelle Anna Muster, j'ai une question", "je m'appelle [name], j'ai une question"],
    ['Je m’appelle Anna', 'Je m’appelle [name]'],
    ['Guten Tag, ich heisse Hans Meier', 'Guten Tag, ich heisse [name]'],
    ['Ich heiße Jürg', 'Ich heiße [name]'],
    ['mein Name ist Peter Müller', 'mein Name ist [name]'],
    ['Buongiorno, mi chiamo Giulia Rossi', 'Buongiorno, mi chiamo [name]'],
  ])('removes names introduced as such: %s', (text, out) => {
    expect(redact(text)).toBe(out);
  });

  it('removes several kinds at once', () => {
    expect(redact("Je m'appelle Anna Muster, anna@example.ch, 079 123 45 67, KPT12345678")).toBe("Je m'appelle [name], [email], [phone], [contract]");
  });

  it.each([
    'Comment modifier ma franchise ?',
    'Puis-je passer à la franchise de 2500 francs au 1er janvier 2027 ?',
    'Wie lange ist der Link 30 Tage gültig?',
    "Qu'est-ce qu'une carte de code ?",
  ])('leaves a question without personal data as it is: %s', (text) => {
    expect(redact(text)).toBe(text);
  });

  // The intros are matched in any case, the names after "je suis" / "i am" only when capitalised.
  it('keeps ordinary words after "je suis" and stops the name at the first lower-case word', () => {
    expect(redact('je suis bloqué depuis hier')).toBe('je suis bloqué depuis hier');
    expect(redact("je m'appelle Anna et j'ai oublié mon mot de passe")).toBe("je m'appelle [name] et j'ai oublié mon mot de passe");
  });
});
