/**
 * Property tests of the redaction: generated personal data (names, Swiss addresses, e-mail addresses
 * written plainly or disguised, passwords, IBANs, dates of birth) inside questions in French, German and
 * Italian never reaches the question log, the editors' insights or the CSV export.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { redact } from '../../src/insights/redact.ts';
import { buildApp } from '../helpers/app.ts';

type Lang = 'fr' | 'de' | 'it';

const FIRST = ['Anna', 'Hans', 'Jürg', 'Ursula', 'Reto', 'Céline', 'François', 'Léa', 'Jean-Luc', 'Giulia', 'Marco', 'Chiara', 'Luca', 'Francesca', 'Noémie', 'Beat', 'Nina', 'Elias', 'Zoë', "D'Arcy"];
const LAST = ['Meier', 'Müller', 'Rossi', 'Bernasconi', 'Dubois', 'Favre', 'Schneider', 'Rochat', 'Keller', 'Brunner', 'Huber', 'Gerber', 'Fontana', 'Pellegrini', 'Zürcher', 'Da Silva', 'Rüegg', 'Chappuis'];
const TOWNS = ['Zürich', 'Lausanne', 'Genève', 'Lugano', 'Bern', 'St. Gallen', 'La Chaux-de-Fonds', 'Bellinzona', 'Fribourg', 'Winterthur', 'Sion', 'Chur'];
const STREET_ROOTS = ['Bahnhof', 'Kirch', 'Rosen', 'Linden', 'Dorf', 'Sonnen', 'Berg', 'Haupt', 'Schul', 'Wiesen'];
const MONTHS: Record<Lang, string[]> = {
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  de: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
};

const lang = fc.constantFrom<Lang>('fr', 'de', 'it');
const first = fc.constantFrom(...FIRST);
const last = fc.constantFrom(...LAST);

/** A name and the words that must not survive. */
const name = (l: Lang) =>
  fc.record({ first, last, full: fc.boolean(), lower: fc.boolean() }).chain(({ first, last, full, lower }) => {
    const words = full ? [first, last] : [first];
    // Phrases that always introduce a name take it in any case; "je suis", "ich bin", "sono" only capitalised.
    const always = { fr: ["je m'appelle", 'Je m’appelle', 'mon nom est'], de: ['ich heisse', 'Ich heiße', 'mein Name ist'], it: ['mi chiamo', 'Mi chiamo'] }[l];
    const capitalised = { fr: ['je suis', 'Bonjour, je suis'], de: ['ich bin', 'Grüezi, hier ist', 'Hier ist'], it: ['sono', 'Buongiorno, sono'] }[l];
    return fc.oneof(
      fc.constantFrom(...always).map((intro) => ({ text: `${intro} ${(lower ? words.map((w) => w.toLowerCase()) : words).join(' ')}`, secrets: lower ? words.map((w) => w.toLowerCase()) : words })),
      fc.constantFrom(...capitalised).map((intro) => ({ text: `${intro} ${words.join(' ')}`, secrets: words })),
    );
  });

const postcode = fc.integer({ min: 1000, max: 9699 }).map(String);
const houseNumber = fc.tuple(fc.integer({ min: 1, max: 240 }), fc.constantFrom('', '', 'a', 'b')).map(([n, x]) => `${n}${x}`);

const address = (l: Lang) =>
  fc.record({ root: fc.constantFrom(...STREET_ROOTS), surname: last, n: houseNumber, code: postcode, town: fc.constantFrom(...TOWNS), withTown: fc.boolean(), numberFirst: fc.boolean() }).map(({ root, surname, n, code, town, withTown, numberFirst }) => {
    const street = {
      de: `${root}${['strasse', 'weg', 'gasse', 'platz'][n.length % 4]}`,
      fr: [`rue ${surname}`, `chemin des ${surname}`, `avenue de la Gare`, `route de ${town.split(' ')[0]}`][n.length % 4]!,
      it: [`via ${surname}`, `viale ${root}`, `piazza ${surname}`, `via della ${surname}`][n.length % 4]!,
    }[l];
    const place = withTown ? `, ${code} ${town}` : '';
    const text = l === 'fr' && numberFirst ? `${n}, ${street}${place}` : `${street} ${n}${place}`;
    return { text, secrets: [street, ...(withTown ? [code] : [])] };
  });

const localPart = fc.tuple(first, last, fc.integer({ min: 0, max: 99 }), fc.constantFrom('.', '_', '', '-')).map(([f, l, n, sep]) =>
  `${f}${sep}${l}${n ? n : ''}`.toLowerCase().normalize('NFD').replace(/[^a-z0-9._-]/g, ''),
);
const email = fc
  .record({
    local: localPart,
    domain: fc.constantFrom('example', 'bluewin', 'gmx', 'hispeed', 'sunrise-mail', 'post'),
    tld: fc.constantFrom('ch', 'com', 'net', 'li'),
    // The full-width "＠" and a spaced " . " are typed too (phones' keyboards, dictation).
    at: fc.constantFrom('@', '(at)', ' (at) ', ' at ', '[at]', ' [at] ', ' @ ', '＠', ' ＠ '),
    dot: fc.constantFrom('.', '.', ' dot ', '[dot]', '(punkt)', ' point ', ' . '),
    spacedLocal: fc.boolean(),
  })
  .map(({ local, domain, tld, at, dot, spacedLocal }) => {
    const typed = spacedLocal ? local.replace(/\./g, ' . ') : local;
    return { text: `${typed}${at}${domain}${dot}${tld}`, secrets: local.split(/[._-]/).filter((w) => w.length >= 3) };
  });

/** Digits grouped as people type them: spaces, dots, dashes or slashes, in groups of two to four. */
const grouped = (digits: string, sep: string, sizes: number[]) => {
  const out: string[] = [];
  let at = 0;
  for (let i = 0; at < digits.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(digits.slice(at, at + size));
    at += size;
  }
  return out.join(sep);
};
const separator = fc.constantFrom(' ', '.', '-', ' - ', '/');

/** AHV numbers (756 and ten digits), insured and policy numbers: seven digits or more, however grouped. */
const idNumber = (l: Lang) =>
  fc
    .record({
      ahv: fc.boolean(),
      digits: fc.stringMatching(/^[0-9]{7,12}$/),
      sep: separator,
      sizes: fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 3 }),
    })
    .map(({ ahv, digits, sep, sizes }) => {
      const number = ahv ? grouped(`756${digits.padEnd(10, '0').slice(0, 10)}`, sep === '/' ? '-' : sep, [3, 4, 4, 2]) : grouped(digits, sep, sizes);
      const label = ahv ? { fr: 'AVS', de: 'AHV-Nummer', it: 'numero AVS' }[l] : { fr: "numéro d'assuré", de: 'Versichertennummer', it: 'numero di assicurato' }[l];
      return { text: `${label} ${number}`, secrets: number.split(/\D+/).filter((g) => g.length >= 3) };
    })
    // Groups that are all deductible amounts or years ("1000-2500", "2025/2026") read as a range and are
    // kept on purpose: questions are full of them.
    .filter(({ text }) => !/\d(?:[\s./-]+\d)/.test(text) || !text.replace(/^\D+/, '').split(/\D+/).every((g) => /^(?:[1-9]\d?00|(?:19|20)\d{2})$/.test(g)));

const password = (l: Lang) =>
  fc
    .tuple(fc.stringMatching(/^[A-Za-z]{3,8}$/), fc.stringMatching(/^[0-9!#$%&*+]{1,4}$/), fc.stringMatching(/^[A-Za-z0-9]{0,4}$/))
    .map(([a, b, c]) => `${a}${b}${c}`)
    .chain((pw) =>
      fc.constantFrom(...{ fr: ['mon mot de passe est', 'mot de passe :', 'Mot de passe', 'pwd:', 'mdp :'], de: ['mein Passwort ist', 'Passwort:', 'das Passwort lautet', 'pwd:', 'pass:'], it: ['la mia password è', 'password:', 'Password', 'pwd =', 'pass:'] }[l]).map((intro) => ({
        text: `${intro} ${pw}`,
        secrets: [pw],
      })),
    );

const iban = fc
  .tuple(fc.constantFrom('CH', 'DE', 'LI', 'FR'), fc.stringMatching(/^[0-9]{2}$/), fc.stringMatching(/^[0-9]{17}$/), fc.boolean())
  .chain(([country, check, digits, isGrouped]) =>
    fc.constantFrom(' ', '-').map((sep) => {
      const raw = `${country}${check}${digits}`;
      const text = isGrouped ? raw.replace(/(.{4})/g, `$1${sep}`).replace(/[ -]$/, '') : raw;
      return { text, secrets: isGrouped ? text.split(sep).slice(1).filter((g) => g.length === 4) : [digits.slice(0, 8), digits.slice(-8)] };
    }),
  );

/** A name after a form's label ("Name: …") or under a closing ("Cordialement, …"). */
const signedName = (l: Lang) =>
  fc.record({ first, last, lower: fc.boolean() }).chain(({ first, last, lower }) => {
    const labels = { fr: ['Nom :', 'Nom:', 'Prénom :'], de: ['Name:', 'Vorname:'], it: ['Nome:', 'Cognome:'] }[l];
    const closings = { fr: ['Cordialement,', 'Meilleures salutations', 'cordialement'], de: ['Freundliche Grüsse', 'Liebe Grüsse,', 'LG'], it: ['Cordiali saluti,', 'Saluti', 'Distinti saluti'] }[l];
    const words = [first, last];
    const typed = lower ? words.map((w) => w.toLowerCase()) : words;
    return fc.oneof(
      fc.constantFrom(...labels).map((label) => ({ text: `${label} ${typed.join(' ')}`, secrets: typed, last: false })),
      // A signature closes the message: it comes last, in any case.
      fc.constantFrom(...closings).map((closing) => ({ text: `${closing} ${typed.join(' ')}`, secrets: typed, last: true })),
    );
  });

/** Street names of any form, followed by a house number and a postcode with its town. */
const anyStreet = fc
  .record({ street: fc.constantFrom('Im Grund', 'Am Bach', 'Auf der Mauer', 'Unterdorf', 'Les Planches', 'Sur la Croix', 'Ai Grotti', 'In der Au'), n: houseNumber, code: postcode, town: fc.constantFrom(...TOWNS) })
  .map(({ street, n, code, town }) => ({ text: `${street} ${n}, ${code} ${town}`, secrets: [`${street} ${n}`, code] }));

const ENGLISH_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const birthDate = (l: Lang) =>
  fc.record({ d: fc.integer({ min: 1, max: 28 }), m: fc.integer({ min: 1, max: 12 }), y: fc.integer({ min: 1930, max: 2015 }), form: fc.nat(3), intro: fc.boolean() }).map(({ d, m, y, form, intro }) => {
    const pad = (x: number) => String(x).padStart(2, '0');
    // Visitors write in English too ("born on March 12, 1985").
    const date = [`${pad(d)}.${pad(m)}.${y}`, `${d}${l === 'de' ? '.' : ''} ${MONTHS[l][m - 1]} ${y}`, `${d}/${m}/${y}`, `${ENGLISH_MONTHS[m - 1]} ${d}, ${y}`][form]!;
    const lead = intro ? (form === 3 ? 'born on' : { fr: 'je suis née le', de: 'geboren am', it: 'sono nato il' }[l]) : { fr: 'ma date:', de: 'Datum:', it: 'data:' }[l];
    return { text: `${lead} ${date}`, secrets: [date, String(y)] };
  });

/** A question in one language with one to four pieces of personal data in it. */
const question = lang.chain((l) =>
  fc
    .tuple(fc.array(fc.oneof(name(l), address(l), anyStreet, email, password(l), iban, birthDate(l), idNumber(l), signedName(l)), { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([pieces, styled]) => {
      const frame = { fr: ['Bonjour, ', ", j'ai une question sur ma franchise."], de: ['Grüezi, ', ', ich habe eine Frage zur Franchise.'], it: ['Buongiorno, ', ', ho una domanda sulla franchigia.'] }[l];
      // A signature ends the message (one at most); everything else sits inside the question.
      const signature = pieces.find((p) => 'last' in p && p.last);
      const inside = pieces.filter((p) => !('last' in p && p.last));
      const body = `${frame[0]}${inside.map((p) => p.text).join(', ')}${frame[1]}${signature ? ` ${signature.text}` : ''}`;
      // Some keyboards and pasted text bring full-width digits and signs; the log must read them as plain.
      const text = styled ? body.replace(/[0-9@]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)) : body;
      return { lang: l, text, secrets: [...inside, ...(signature ? [signature] : [])].flatMap((p) => p.secrets) };
    }),
);

/** A secret is gone when it is not there as a word, written as it was typed ("Mia" the name, not "mia" = my). */
function leaked(out: string, secrets: string[]): string[] {
  return secrets.filter((s) => {
    const escaped = s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(out);
  });
}

describe('redact, with generated personal data', () => {
  it('leaves none of it in the text, in French, German and Italian', () => {
    fc.assert(
      fc.property(question, (q) => {
        const out = redact(q.text);
        expect(leaked(out, q.secrets), `${q.text}\n→ ${out}`).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('keeps the question around it', () => {
    fc.assert(
      fc.property(question, (q) => {
        const out = redact(q.text);
        expect(out).toMatch(/franchise\.|Franchise\.|franchigia\./);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it.each([
    ['Ich bin Hans Meier', 'Ich bin [name]'],
    ['Sono Giulia Rossi', 'Sono [name]'],
    ['Hier ist Ursula Keller, guten Tag', 'Hier ist [name], guten Tag'],
    ['anna.muster(at)example.ch', '[email]'],
    ['schreiben Sie an anna.muster at example dot ch', 'schreiben Sie an [email]'],
    ['Bahnhofstrasse 12, 8001 Zürich', '[address]'],
    ['12, rue du Lac, 1200 Genève', '[address]'],
    ['via Nassa 5, 6900 Lugano', '[address]'],
    ['mon mot de passe est Sommer2024!', 'mon mot de passe est [password]'],
    ['Passwort: sonnenschein', 'Passwort: [password]'],
    ['IBAN DE89 3704 0044 0532 0130 00', 'IBAN [iban]'],
    ['né le 12.03.1985', 'né le [date]'],
    ['Geburtsdatum 3. März 1990', 'Geburtsdatum [date]'],
    ['nata il 4 maggio 1977', 'nata il [date]'],
    ['jean.dupont＠bluewin.ch', '[email]'],
    ['jean . dupont @ bluewin . ch', '[email]'],
    ['AVS 756-1234-5678-97', 'AVS [ahv]'],
    ['Versichertennummer 123-456-789', 'Versichertennummer [number]'],
    ['IBAN CH93-0076-2011-6238-5295-7', 'IBAN [iban]'],
    ['pwd: hunter2xyz', 'pwd: [password]'],
    ['Name: Peter Müllerson', 'Name: [name]'],
    ['merci, cordialement Jean Dupontel', 'merci, cordialement [name]'],
    ['Danke vielmal, Peter Meier', 'Danke vielmal, [name]'],
    ['Im Grund 5, 8000 Zürich', '[address]'],
    ['born on March 12, 1985', 'born on [date]'],
  ])('the findings: %s', (text, out) => {
    expect(redact(text)).toBe(out);
  });

  it.each([
    'Ich bin Kunde seit 2010 und möchte die Franchise ändern',
    "j'ai oublié mon mot de passe",
    'mot de passe oublié',
    'mon mot de passe est incorrect',
    'Passwort vergessen?',
    'je suis bloqué depuis hier',
    'via le portail, 2 fois',
    'Puis-je passer à la franchise de 2500 francs au 1er janvier 2027 ?',
    'Kann ich die Franchise per 1. Januar 2027 ändern?',
    'sono bloccato, la password non funziona',
    'Puis-je passer de 300-2500 francs de franchise ?',
    'merci beaucoup pour la réponse',
    'Danke, das wars',
    'grazie mille per l aiuto',
    'Merci Atupri !',
    'Grüsse aus Bern',
  ])('leaves an ordinary question as it is: %s', (text) => {
    expect(redact(text)).toBe(text);
  });
});

describe('the question log and the insights, with generated personal data', () => {
  const EDITOR_TOKEN = 'editor-token-for-redaction-long-enough';
  const t = buildApp({ EDITOR_TOKEN });
  afterAll(() => t.dispose());

  it('keep none of it, from the chat or the search', async () => {
    const seen: { secrets: string[] }[] = [];
    await fc.assert(
      fc.asyncProperty(question, async (q) => {
        seen.push(q);
        const chat = await t.app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'atupri', lang: q.lang, message: q.text.slice(0, 1000) }) });
        expect(chat.status).toBe(200);
        const search = await t.app.request(`/api/search?${new URLSearchParams({ tenant: 'kpt', lang: q.lang, q: q.text.slice(0, 200) })}`);
        expect(search.status).toBe(200);
      }),
      { numRuns: 40 },
    );
    const logged = [...await t.store.questions('atupri', '2000-01-01'), ...await t.store.questions('kpt', '2000-01-01')].map((x) => x.question).join('\n');
    expect(logged.length).toBeGreaterThan(0);
    const auth = { headers: { authorization: `Bearer ${EDITOR_TOKEN}` } };
    // The pages' own numbers (the SVG namespace's year, the days of the charts) may equal a generated
    // postcode; everything else, links and attributes included, stays checked.
    const own = (text: string) => text.replaceAll('http://www.w3.org/2000/svg', '').replace(/\b\d{4}-\d{2}-\d{2}\b/g, '');
    const csvAnswer = await t.app.request('/editor/insights.csv?tenant=atupri&since=1d', auth);
    const pageAnswer = await t.app.request('/editor/insights?tenant=kpt&since=1d', auth);
    // Signed in, or the checks below would read a sign-in page.
    expect([csvAnswer.status, pageAnswer.status]).toEqual([200, 200]);
    const csv = own(await csvAnswer.text());
    const page = own(await pageAnswer.text());
    for (const q of seen) {
      expect(leaked(logged, q.secrets)).toEqual([]);
      expect(leaked(csv, q.secrets)).toEqual([]);
      expect(leaked(page, q.secrets)).toEqual([]);
    }
  }, 120_000);
});
