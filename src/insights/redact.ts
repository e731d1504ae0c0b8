/**
 * Removes personal data from free text before it is stored or logged: e-mail addresses, phone numbers,
 * insured, contract and AHV numbers, IBANs, and names introduced as such ("je m'appelle …").
 */

const RULES: [RegExp, string][] = [
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, '[email]'],
  [/\bCH\d{2}(?:\s?[0-9A-Z]{4}){4}\s?[0-9A-Z]{1,2}\b/gi, '[iban]'],
  [/\b756[.\s]?\d{4}[.\s]?\d{4}[.\s]?\d{2}\b/g, '[ahv]'],
  [/\b(?:KPT|CPT)\s?\d{6,10}\b/gi, '[contract]'],
  [/(?:\+|00)\s?41[\s./-]?\d{2}(?:[\s./-]?\d){7}\b/g, '[phone]'],
  [/\b0\d{2}(?:[\s./-]?\d){7}\b/g, '[phone]'],
  // Any other run of five or more digits (with spaces or dots) can be an insured or policy number.
  [/\b\d(?:[\s.]?\d){4,}\b/g, '[number]'],
];

// "je m'appelle Anna Muster", "ich heisse Anna", "mi chiamo Anna", "mein Name ist Anna", "my name is".
const NAME_INTRO =
  /\b(je m'appelle|je m’appelle|mon nom est|mon nom c'est|ich heisse|ich heiße|mein name ist|mi chiamo|il mio nome è|il mio nome e|my name is|i am|je suis)\s+((?:\p{Lu}[\p{L}'’-]+)(?:\s+\p{Lu}[\p{L}'’-]+){0,2})/giu;

export function redact(text: string): string {
  let out = text.replace(NAME_INTRO, (_m, intro: string) => `${intro} [name]`);
  for (const [re, mask] of RULES) out = out.replace(re, mask);
  return out;
}
