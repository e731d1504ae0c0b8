/**
 * The note that opens a reply given in another language than the page's ("Vous m'avez écrit en allemand :
 * je vous réponds en allemand."), said in the page's language. Pages find it again at the start of a
 * stored reply to know, message by message, which language the rest is in.
 */
import type { Translate as T } from '../content/locales.ts';
import { LANGS, type Lang } from '../content/types.ts';

/** Between the note and the reply itself. */
const GAP = '\n\n';

export function languageNote(t: T, pageLang: Lang, replyLang: Lang): string {
  return t(pageLang, 'chat:switched', { language: t(pageLang, `chat:languages.${replyLang}`) });
}

/** The reply as sent: the note, then the reply in the visitor's language. */
export function withLanguageNote(t: T, pageLang: Lang, replyLang: Lang, text: string): string {
  return `${languageNote(t, pageLang, replyLang)}${GAP}${text}`;
}

export type ReplyLanguage = {
  /** The language of the reply's own words. */
  lang: Lang;
  /** The note in the page's language that opened it, when the reply switched language. */
  note?: { lang: Lang; text: string };
  /** The reply without the note. */
  body: string;
};

/**
 * Which language a reply is in, from its note: a reply without one is in `pageLang`. `known` is the
 * reply's language when the caller has it (a fresh turn); stored messages carry only their text.
 */
export function replyLanguage(t: T, pageLang: Lang, text: string, known?: Lang): ReplyLanguage {
  const candidates = known ? [known] : LANGS;
  // A conversation may be shown on another language's page than the one it was held on (the plain
  // page's cookie is per tenant): the note may be in any language.
  const noteLangs = [pageLang, ...LANGS.filter((l) => l !== pageLang)];
  for (const replyLang of candidates) {
    for (const noteLang of noteLangs) {
      if (noteLang === replyLang) continue;
      const note = languageNote(t, noteLang, replyLang);
      if (text.startsWith(note + GAP)) return { lang: replyLang, note: { lang: noteLang, text: note }, body: text.slice(note.length + GAP.length) };
    }
  }
  return { lang: known ?? pageLang, body: text };
}
