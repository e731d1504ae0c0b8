/**
 * Removes personal data from free text before it is stored or logged: passwords typed after "mot de passe",
 * "Passwort", "password" or "pwd:", e-mail addresses (also written "(at)", " at ", "[dot]", with spaces
 * around the dots), street addresses with their Swiss postcode, dates of birth, IBANs, phone numbers,
 * insured, contract and AHV numbers (grouped by spaces, dots or dashes) and any other run of seven digits or
 * more, and names: introduced as such ("je m'appelle …", "ich bin …", "Name: …") or signing a closing
 * ("cordialement Jean Dupont"). The text is NFKC-normalised first, so full-width or styled letters and
 * signs ("＠", "１２３") are read as the plain ones. What is left is the question itself.
 */

// ---- building blocks ---------------------------------------------------------------------------

// Case-insensitive phrases, written out letter by letter: with the `i` flag, \p{Lu} would match lower-case
// letters too and "je suis bloqué" would lose "bloqué" as if it were a name.
const anyCase = (phrase: string) =>
  phrase
    .replace(/\p{L}/gu, (ch) => {
      const [lo, up] = [ch.toLowerCase(), ch.toUpperCase()];
      return up.length === 1 && up !== lo ? `[${lo}${up}]` : ch;
    })
    .replace(/'/g, "['’]")
    .replace(/ /g, '\\s+');

const oneOf = (phrases: string[]) => phrases.map(anyCase).join('|');

/** Not preceded by a letter or digit: the start of a word. */
const START = '(?<![\\p{L}\\p{N}])';
/** Not followed by a letter or digit: the end of a word. */
const END = '(?![\\p{L}\\p{N}])';

// ---- passwords ---------------------------------------------------------------------------------

const PASSWORD_WORDS = ['mot de passe', 'mdp', 'passwort', 'kennwort', 'password', 'passwd', 'pwd', 'parola d’ordine', "parola d'ordine", 'pw'];
/** Words that name a password only when a colon or equals sign follows ("pass: …", "PIN = …"). */
const PASSWORD_WORDS_BEFORE_COLON = [...PASSWORD_WORDS, 'pass', 'pin', 'code pin', 'pin-code', 'login', 'mot-de-passe'];
/** Words between "password" and the password itself: "est", "ist", "è", "lautet", ":", "=". */
const PASSWORD_LINK = "(?:\\s*[:=]\\s*|\\s+(?:est|était|c['’]est|ist|war|lautet|heisst|heißt|è|era|is|was)\\s*:?\\s*|\\s+)";
/** A token that looks like a password: no spaces, and a digit, a sign, or capitals inside it. */
// "!" counts as a sign ("Sommer!" is a password, and one that ends in "!" is common), so a cry like
// "Passwort falsch!" loses its last word in the log: privacy first.
const LOOKS_LIKE_PASSWORD = "(?=[^\\s]*(?:\\p{N}|[^\\p{L}\\p{N}\\s.,;?'’-]|\\p{Ll}\\p{Lu}))[^\\s]{4,}";
const PASSWORD = new RegExp(`${START}(${oneOf(PASSWORD_WORDS)})(${PASSWORD_LINK})(${LOOKS_LIKE_PASSWORD})`, 'gu');
/** After a colon or equals sign anything is the password, even a plain word. */
const PASSWORD_AFTER_COLON = new RegExp(`${START}(${oneOf(PASSWORD_WORDS_BEFORE_COLON)})(\\s*[:=]\\s*)[^\\s]{3,}`, 'gu');

// ---- e-mail addresses --------------------------------------------------------------------------

const AT = `(?:\\s*@\\s*|\\s*[([{<]\\s*(?:${oneOf(['at', 'ät', 'chez', 'arobase', 'affe'])})\\s*[)\\]}>]\\s*|\\s+(?:${oneOf(['at', 'arobase'])})\\s+)`;
const DOT = `(?:\\s?\\.\\s?|\\s*[([{<]\\s*(?:${oneOf(['dot', 'punkt', 'point', 'punto'])})\\s*[)\\]}>]\\s*|\\s+(?:${oneOf(['dot', 'punkt', 'point', 'punto'])})\\s+)`;
// Dots inside an address may be typed with spaces around them ("jean . dupont @ bluewin . ch").
const LOCAL = '[\\p{L}\\p{N}_%+-]+(?:\\s?[.]\\s?[\\p{L}\\p{N}_%+-]+)*';
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?';
// Case-sensitive on purpose: with the `i` flag, V8 folds the case of every \p{L} it tries, ten times slower.
const EMAIL = new RegExp(`${START}${LOCAL}${AT}${LABEL}(?:${DOT}${LABEL})*${DOT}\\p{L}{2,12}${END}`, 'gu');

// ---- street addresses --------------------------------------------------------------------------

/** German street names end in these ("Bahnhofstrasse", "Rosenweg", "Marktplatz"). */
const DE_STREET = "\\p{L}[\\p{L}'’.-]+(?:strasse|straße|str\\.|gasse|weg|platz|allee|ring|quai|rain|steig|halde|matte|graben)";
/** French and Italian street words come first ("rue de la Gare", "chemin des roses", "viale Stazione"). */
const FR_IT_STREET_WORDS = ['rue', 'chemin', 'ch.', 'avenue', 'av.', 'boulevard', 'bd', 'allée', 'impasse', 'sentier', 'ruelle', 'promenade', 'viale', 'piazza', 'piazzale', 'vicolo', 'contrada', 'salita'];
/** Street words that are ordinary words too ("via le portail", "à la place"): the name must be capitalised. */
const FR_IT_STREET_WORDS_CAPITALISED = ['route', 'place', 'quai', 'passage', 'via', 'corso', 'strada', 'largo'];
const LINK_WORDS = "(?:de\\s+la|de\\s+l['’]|du|des|de|d['’]|la|le|les|dei|del|della|delle|degli|di|da|al|alla|alle|san|santa)";
const NAME_WORD = "\\p{L}[\\p{L}'’.-]*";
const streetWords = (words: string[]) => words.map(anyCase).join('|').replace(/\./g, '\\.');
const MORE_NAME = `(?:\\s+(?:${LINK_WORDS}\\s*)?\\p{Lu}[\\p{L}'’.-]*){0,3}`;
const FR_IT_STREET = `(?:(?:${streetWords(FR_IT_STREET_WORDS)})\\s+(?:${LINK_WORDS}\\s*)?${NAME_WORD}${MORE_NAME}|(?:${streetWords(FR_IT_STREET_WORDS_CAPITALISED)})\\s+(?:${LINK_WORDS}\\s*)?\\p{Lu}[\\p{L}'’.-]*${MORE_NAME})`;
const HOUSE_NUMBER = '\\d{1,4}\\s?[a-zA-Z]?(?![\\p{L}\\p{N}])';
/** "8001 Zürich", "CH-1003 Lausanne", "2300 La Chaux-de-Fonds", "9000 St. Gallen". */
const POSTCODE_TOWN = "(?:CH-?\\s?)?[1-9]\\d{3}\\s+\\p{Lu}[\\p{L}'’.-]*(?:\\s+(?:\\p{Lu}[\\p{L}'’.-]*|sur|sous|les|am|an|bei|im)){0,2}";
const ADDRESS = new RegExp(
  [
    // "Bahnhofstrasse 12, 8001 Zürich", "rue de la Gare 5, 1003 Lausanne", "via Nassa 5 6900 Lugano"
    `${START}(?:${DE_STREET}|${FR_IT_STREET})\\s+${HOUSE_NUMBER}(?:\\s*,?\\s*${POSTCODE_TOWN})?`,
    // Any street name, when a house number and a postcode with its town follow: "Im Grund 5, 8000 Zürich",
    // "Auf der Mauer 3 8001 Zürich", "Les Planches 12, 1820 Montreux".
    `${START}\\p{Lu}[\\p{L}'’.-]*(?:\\s+${NAME_WORD}){0,3}\\s+${HOUSE_NUMBER}\\s*,?\\s*${POSTCODE_TOWN}`,
    // "CH-8001 Zürich", "PLZ 8001", "NPA 1003 Lausanne", "CAP 6900"
    `${START}(?:CH-\\s?|(?:PLZ|NPA|CAP)\\s*:?\\s*)[1-9]\\d{3}(?:\\s+\\p{Lu}[\\p{L}'’.-]*)?`,
  ].join('|'),
  'gu',
);
/**
 * "12, rue du Lac, 1200 Genève": in a pass of its own after the others, so that the end of another number
 * ("… 00 0, chemin des Roses 1, 1000 Zürich") cannot take the street from the address it belongs to.
 */
const ADDRESS_NUMBER_FIRST = new RegExp(`${START}${HOUSE_NUMBER}\\s*,?\\s+${FR_IT_STREET}(?:\\s*,?\\s*${POSTCODE_TOWN})?`, 'gu');

// ---- dates of birth ----------------------------------------------------------------------------

const MONTHS = [
  'janvier', 'février', 'fevrier', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'aout', 'septembre', 'octobre', 'novembre', 'décembre', 'decembre',
  'januar', 'jänner', 'februar', 'märz', 'maerz', 'april', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'dezember',
  'gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'dicembre',
  'january', 'february', 'march', 'may', 'june', 'july', 'october', 'december',
];
const DAY = '(?:0?[1-9]|[12]\\d|3[01])(?:\\.|er|°|st|nd|rd|th)?';
const YEAR = '(?:19|20)\\d{2}';
const FULL_DATE = [
  `${DAY}\\s*[./-]\\s*(?:0?[1-9]|1[0-2])\\s*[./-]\\s*(${YEAR})`,
  `${DAY}\\s+(?:${MONTHS.map(anyCase).join('|')})\\s+(${YEAR})`,
  // English writes the month first: "March 12, 1985".
  `(?:${MONTHS.map(anyCase).join('|')})\\s+${DAY},?\\s+(${YEAR})`,
  `(${YEAR})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])`,
].join('|');
const BIRTH_WORDS = [
  'né le', 'née le', 'né-e le', 'né', 'née', 'date de naissance', 'naissance', 'geboren am', 'geboren', 'geb.', 'geburtsdatum', 'geburtstag',
  'nato il', 'nata il', 'nato', 'nata', 'data di nascita', 'nascita',
  'born on', 'born', 'date of birth', 'birth date', 'dob', 'birthday',
];
const BIRTH_DATE = new RegExp(`${START}(${oneOf(BIRTH_WORDS).replace(/\./g, '\\.')})(\\s*:?\\s*)(?:${FULL_DATE})${END}`, 'gu');
const BIRTH_YEAR = new RegExp(`${START}(${oneOf(['jahrgang', 'né en', 'née en', 'nato nel', 'nata nel', 'classe'])})(\\s+)${YEAR}${END}`, 'gu');
const ANY_DATE = new RegExp(`${START}(?:${FULL_DATE})${END}`, 'gu');
/** How many of FULL_DATE's forms capture a year: ANY_DATE's replacer looks among that many groups. */
const DATE_FORMS = 4;
/**
 * A full date that lies years back is a date of birth (deadlines and start dates asked about are this year
 * or next): "12.03.1985" goes, "au 1er janvier 2027" stays.
 */
const PAST_YEARS = 3;

// ---- names -------------------------------------------------------------------------------------

/** Phrases that always introduce a name: the words after them are the name, whatever their case. */
const NAMING = ["je m'appelle", 'mon nom est', "mon nom c'est", "moi c'est", 'ich heisse', 'ich heiße', 'mein name ist', 'mi chiamo', 'il mio nome è', 'il mio nome e', 'my name is'];
/** Phrases that introduce a name only when it is capitalised ("je suis Anna", not "je suis bloqué"). */
const MAYBE_NAMING = ['je suis', 'ich bin', 'hier ist', 'hier spricht', 'sono', 'qui è', 'qui parla', 'i am', "i'm", 'c’est', "c'est"];
/** Words that end a name written in lower case ("je m'appelle anna et j'ai oublié…"). */
const NOT_NAMES =
  "et|ou|mais|je|j'ai|j’ai|de|du|des|le|la|les|avec|depuis|pour|mon|ma|und|oder|aber|ich|habe|mit|seit|von|für|mein|meine|e|ed|o|ma|io|ho|con|da|per|mio|mia|and|or|but|i|with|from|for|my|est|ist|è|sono|suis|bin|am";
/**
 * Capitalised words after "ich bin", "hier ist", "c'est" that are not names: German capitalises its nouns
 * ("Ich bin Kunde seit 2010"), and a sentence may go on with a capitalised word.
 */
const NOT_A_NAME_AFTER =
  'Kunde|Kundin|Neukunde|Neukundin|Mitglied|Student|Studentin|Rentner|Rentnerin|Grenzgänger|Grenzgängerin|Versicherte|Versicherter|Mutter|Vater|Arbeitgeber|Arbeitgeberin|Atupri|KPT|CPT|Client|Cliente|Das|Der|Die|Ein|Eine|Mein|Meine|Seit|Nicht|Kein|Keine|Schon|Noch|Sehr|Neu';

const WORD = "\\p{L}[\\p{L}'’-]*";
const CAPITALISED = "\\p{Lu}[\\p{L}'’-]*";
/** Particles inside surnames ("da Silva", "von Arx", "de Weck", "van der Merwe"). */
const PARTICLE = '(?:da|de|di|do|dos|du|del|della|des|von|van|van\\s+der|von\\s+der|le|la)\\s+';
const NAME_INTRO = new RegExp(`${START}(${oneOf(NAMING)})\\s+(${WORD}(?:\\s+(?:${PARTICLE})?(?!(?:${NOT_NAMES})(?![\\p{L}'’]))${WORD}){0,2})`, 'gu');
/** A form's label before a name, with its colon: "Name: Peter Müller", "Nom : Dupont", "Nome: Giulia". */
const NAME_LABELS = ['name', 'vorname', 'nachname', 'nom', 'prénom', 'prenom', 'nom de famille', 'nome', 'cognome', 'first name', 'last name', 'full name'];
const NAME_LABEL = new RegExp(`${START}(${oneOf(NAME_LABELS)})(\\s*:\\s*)(?:${PARTICLE})?${WORD}(?:\\s+(?:${PARTICLE})?(?!(?:${NOT_NAMES})(?![\\p{L}'’]))${WORD}){0,2}`, 'gu');
/** Closings a visitor signs after: the name that follows is theirs, in any case when it ends the message. */
const CLOSINGS = [
  'cordialement', 'bien cordialement', 'salutations', 'meilleures salutations', 'sincères salutations', 'bien à vous',
  'gruss', 'grüsse', 'grüße', 'liebe grüsse', 'liebe grüße', 'freundliche grüsse', 'freundliche grüße', 'mit freundlichen grüssen', 'mit freundlichen grüßen', 'lg', 'mfg',
  'saluti', 'cordiali saluti', 'distinti saluti', 'un saluto', 'best regards', 'kind regards', 'regards',
];
/** Thanks may be followed by the visitor's name too, but only a capitalised one: "merci beaucoup" is not. */
const THANKS = ['merci', 'merci beaucoup', 'merci vielmal', 'danke', 'danke vielmal', 'vielen dank', 'grazie', 'grazie mille', 'thanks', 'thank you'];
/** Capitalised words after thanks that are not names. */
const NOT_A_NAME_AFTER_THANKS = `${NOT_A_NAME_AFTER}|Beaucoup|Vielmal|Viel|Vielen|Mille|Tante|Bien|Pour|Für|Per|Schön|Sehr|Tanto|Infiniment|Encore|Nochmals|Ancora|Merci|Danke|Grazie|Bonne|Schönen|Buona|Au|Auf|Bis|Salut|Tschüss|Ciao|Ok|Okay|Super|Top|Perfekt|Parfait|Perfetto|Alles|Tout|Tutto`;
/** Lower-case words after a closing that greet rather than sign: "Grüsse aus Bern", "un saluto a tutti". */
const NOT_SIGNATURES = 'aus|an|a|à|al|ai|alle|to|tutti|tous|all|everyone|und|et|e';
const SIGNED = `(?:${PARTICLE})?${CAPITALISED}(?:\\s+(?:${PARTICLE})?${CAPITALISED}){0,2}`;
const CLOSING_NAME = new RegExp(
  [
    `${START}(${oneOf(CLOSINGS)})([\\s,.!-]+)(?:(?!(?:${NOT_A_NAME_AFTER})(?![\\p{L}'’]))${SIGNED}|(?!(?:${NOT_NAMES}|${NOT_SIGNATURES})(?![\\p{L}'’]))${WORD}(?:\\s+${WORD}){0,2}\\s*[.!]?\\s*$)`,
    `${START}(${oneOf(THANKS)})([\\s,.!-]+)(?!(?:${NOT_A_NAME_AFTER_THANKS})(?![\\p{L}'’]))${SIGNED}`,
  ].join('|'),
  'gu',
);
const CAPITALISED_NAME = new RegExp(
  `${START}(${oneOf(MAYBE_NAMING)})\\s+(?!(?:${NOT_A_NAME_AFTER})(?![\\p{L}'’]))(${CAPITALISED}(?:\\s+(?:${PARTICLE})?(?!(?:${NOT_A_NAME_AFTER})(?![\\p{L}'’]))${CAPITALISED}){0,2})`,
  'gu',
);

// ---- numbers -----------------------------------------------------------------------------------

/** Any country's IBAN, grouped by four or written in one piece. */
const IBAN = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?:[\s-]?[0-9A-Za-z]{4}){2,7}(?:[\s-]?[0-9A-Za-z]{1,3})?(?![\p{L}\p{N}])/gu;

/** Numbers that questions are full of: deductible amounts (any insurer's, in hundreds) and years. */
const ORDINARY_GROUP = /^(?:[1-9]\d?00|(?:19|20)\d{2})$/;

const NUMBERS: [RegExp, string | ((match: string) => string)][] = [
  [/\b756[.\s-]?\d{4}[.\s-]?\d{4}[.\s-]?\d{2}\b/g, '[ahv]'],
  [/\b(?:KPT|CPT)\s?\d{6,10}\b/gi, '[contract]'],
  // Any insurer's contract or member number of the same shape (a few capitals and digits, "EX123456"):
  // an insurer added as content brings its own format, and it must not reach the logs either.
  [/\b[A-Z]{2,5}\s?\d{5,10}\b/g, '[contract]'],
  [/(?:\+|00)\s?41[\s./-]?\d{2}(?:[\s./-]?\d){7}\b/g, '[phone]'],
  [/\b0\d{2}(?:[\s./-]?\d){7}\b/g, '[phone]'],
  // Any other run of five or more digits (with spaces or dots) can be an insured or policy number...
  [/\b\d(?:[\s.]?\d){4,}\b/g, '[number]'],
  // ...and so can seven or more however grouped ("123-456-789", "12/345/678", "1234-567"), unless every
  // group is an amount of a deductible or a year: "300-2500" is a range, "2025/2026" two years.
  [/\b\d+(?:\s?[-/_]\s?\d+)+\b/g, (m: string) => (m.replace(/\D/g, '').length >= 7 && !m.split(/\D+/).every((g) => ORDINARY_GROUP.test(g)) ? '[number]' : m)],
];

// ---- the whole -------------------------------------------------------------------------------

export function redact(text: string): string {
  const thisYear = new Date().getFullYear();
  let out = text
    .normalize('NFKC')
    // Passwords first: they may hold an @, digits or a dot that other rules would only half take.
    .replace(PASSWORD_AFTER_COLON, (_m, word: string, link: string) => `${word}${link}[password]`)
    .replace(PASSWORD, (_m, word: string, link: string) => `${word}${link}[password]`)
    // IBANs before addresses: the last digit of an IBAN followed by "rue …" is not a house number.
    .replace(IBAN, '[iban]')
    .replace(EMAIL, '[email]')
    .replace(BIRTH_DATE, (_m, word: string, link: string) => `${word}${link}[date]`)
    .replace(BIRTH_YEAR, (_m, word: string, link: string) => `${word}${link}[date]`)
    .replace(ANY_DATE, (m: string, ...years: unknown[]) => {
      const year = Number(years.slice(0, DATE_FORMS).find((y) => typeof y === 'string'));
      return year <= thisYear - PAST_YEARS ? '[date]' : m;
    })
    .replace(ADDRESS, '[address]')
    .replace(ADDRESS_NUMBER_FIRST, '[address]')
    .replace(NAME_LABEL, (_m, label: string, link: string) => `${label}${link}[name]`)
    .replace(CLOSING_NAME, (_m, closing: string | undefined, link: string | undefined, thanks: string | undefined, thanksLink: string | undefined) => `${closing ?? thanks}${link ?? thanksLink}[name]`)
    .replace(NAME_INTRO, (_m, intro: string) => `${intro} [name]`)
    .replace(CAPITALISED_NAME, (_m, intro: string) => `${intro} [name]`);
  for (const [re, mask] of NUMBERS) out = typeof mask === 'string' ? out.replace(re, mask) : out.replace(re, mask);
  return out;
}

/**
 * Compiles the patterns ahead of the first visitor: V8 compiles a regular expression at its first use,
 * and again to machine code at its second, once for texts of Latin-1 letters and once for texts with
 * others ("’"), 10–20 ms each for these long Unicode patterns, which would otherwise hold up a request
 * (and every request waiting behind it).
 */
export function warmUpRedaction(): void {
  for (const text of ['Je suis Anna Muster, née le 1.2.1980, rue de la Gare 5, 1003 Lausanne, anna@example.ch, 079 123 45 67', 'Ich heiße Anna, geb. 1.2.1980 – Passwort: Sommer!']) {
    redact(text);
    redact(text);
  }
}
