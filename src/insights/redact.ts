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

// Case-insensitive intros, written out letter by letter: with the `i` flag, \p{Lu} would match lower-case
// letters too and "je suis bloqué" would lose "bloqué" as if it were a name.
const anyCase = (phrase: string) =>
  phrase
    .replace(/\p{L}/gu, (ch) => {
      const [lo, up] = [ch.toLowerCase(), ch.toUpperCase()];
      return up.length === 1 && up !== lo ? `[${lo}${up}]` : ch;
    })
    .replace(/'/g, "['’]")
    .replace(/ /g, '\\s+');

/** Phrases that always introduce a name: the words after them are the name, whatever their case. */
const NAMING = ["je m'appelle", 'mon nom est', "mon nom c'est", 'ich heisse', 'ich heiße', 'mein name ist', 'mi chiamo', 'il mio nome è', 'il mio nome e', 'my name is'];
/** Phrases that introduce a name only when it is capitalised ("je suis Anna", not "je suis bloqué"). */
const MAYBE_NAMING = ['je suis', 'i am'];
/** Words that end a name written in lower case ("je m'appelle anna et j'ai oublié…"). */
const NOT_NAMES =
  "et|ou|mais|je|j'ai|j’ai|de|du|des|le|la|les|avec|depuis|pour|mon|ma|und|oder|aber|ich|habe|mit|seit|von|für|mein|meine|e|ed|o|ma|io|ho|con|da|per|mio|mia|and|or|but|i|with|from|for|my|est|ist|è|sono|suis|bin|am";

const WORD = "\\p{L}[\\p{L}'’-]*";
const CAPITALISED = "\\p{Lu}[\\p{L}'’-]*";
const NAME_INTRO = new RegExp(
  `(?<![\\p{L}])(${NAMING.map(anyCase).join('|')})\\s+(${WORD}(?:\\s+(?!(?:${NOT_NAMES})(?![\\p{L}'’]))${WORD}){0,2})`,
  'gu',
);
const CAPITALISED_NAME = new RegExp(`(?<![\\p{L}])(${MAYBE_NAMING.map(anyCase).join('|')})\\s+(${CAPITALISED}(?:\\s+${CAPITALISED}){0,2})`, 'gu');

export function redact(text: string): string {
  let out = text.replace(NAME_INTRO, (_m, intro: string) => `${intro} [name]`).replace(CAPITALISED_NAME, (_m, intro: string) => `${intro} [name]`);
  for (const [re, mask] of RULES) out = out.replace(re, mask);
  return out;
}
