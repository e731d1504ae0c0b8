/**
 * French typography as Swiss French readers expect it: a no-break space before `: ; ? !`, inside « »,
 * before % and units, and times written "8 h" or "17 h 30". Finds what is missing and fixes it, so
 * `content:check` can warn and `content:fix` can repair without touching addresses or placeholders.
 */

export const NBSP = '\u00a0';
/** The narrow no-break space, used before ; ? ! % and inside guillemets. */
export const NNBSP = '\u202f';

type Rule = { re: RegExp; fix: (...m: string[]) => string; message: string };

const RULES: Rule[] = [
  { re: / ([;?!])/g, fix: (_m, p) => `${NNBSP}${p}`, message: 'a no-break space before "; ? !" (not a plain space)' },
  { re: /([\p{L}\p{N}»)*])([;?!])(?=[\s"*)»]|$)/gu, fix: (_m, a, p) => `${a}${NNBSP}${p}`, message: 'a no-break space before "; ? !"' },
  { re: / :/g, fix: () => `${NBSP}:`, message: 'a no-break space before ":" (not a plain space)' },
  { re: /([\p{L}»)*])(:)(?=\s|$)/gu, fix: (_m, a) => `${a}${NBSP}:`, message: 'a no-break space before ":"' },
  { re: /« ?(?=[^\s\u00a0\u202f])/g, fix: () => `«${NNBSP}`, message: 'a no-break space after "«"' },
  { re: /([^\s\u00a0\u202f]) ?»/g, fix: (_m, a) => `${a}${NNBSP}»`, message: 'a no-break space before "»"' },
  { re: /(\d) ?%/g, fix: (_m, d) => `${d}${NNBSP}%`, message: 'a no-break space before "%" ("5 %")' },
  { re: /(\d) (Mo|Ko|Go|jours|ans|h)(?![\p{L}\p{N}])/gu, fix: (_m, d, u) => `${d}${NBSP}${u}`, message: 'a no-break space between a number and its unit ("10 Mo")' },
  { re: /\bCHF (\d)/g, fix: (_m, d) => `CHF${NBSP}${d}`, message: 'a no-break space after "CHF"' },
  {
    re: /\b0?(\d{1,2}) ?[h:] ?([0-5]\d)\b/g,
    fix: (_m, h, mm) => `${h}${NBSP}h${mm === '00' ? '' : `${NBSP}${mm}`}`,
    message: 'times are written "8 h" or "17 h 30"',
  },
];

/** Addresses, placeholders, link targets and code: never changed. */
const PROTECTED = /(?:https?:\/\/|mailto:|tel:)[^\s)\]>]+|\]\([^)]*\)|`[^`]*`|\{\{[^}]*\}\}|\S+@\S+\.\w+|www\.[^\s)]+/g;

function mapUnprotected(text: string, fn: (part: string) => string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PROTECTED)) {
    out += fn(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + fn(text.slice(last));
}

/** The text with French typography fixed (idempotent). */
export function fixFrench(text: string): string {
  return mapUnprotected(text, (part) => RULES.reduce((s, r) => s.replace(r.re, r.fix as never), part));
}

/** What fixFrench would change in `text`, one message per kind of problem. */
export function frenchIssues(text: string): string[] {
  const found: string[] = [];
  mapUnprotected(text, (part) => {
    let s = part;
    for (const r of RULES) {
      const next = s.replace(r.re, r.fix as never);
      if (next !== s && !found.includes(r.message)) found.push(r.message);
      s = next;
    }
    return part;
  });
  return found;
}

/** Times like "08:00" or "07h00" in German or Italian text: written "8.00 Uhr" / "8.00". */
export const COLON_TIME = /\b\d{1,2}:\d{2}\b/;
