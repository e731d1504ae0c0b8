/**
 * The language a reply is given in: one rule for the chat and the editors' try page. A message
 * confidently in another of our languages, of a few words at least, is answered in its language and the
 * conversation keeps it; a short or ambiguous message keeps the conversation's language; a page that
 * changed its language (the visitor chose another) is followed.
 */
import type { Lang } from '../content/types.ts';
import type { Detection } from '../search/language.ts';

/** Words a message needs before its own language overrides the conversation's. */
export const SWITCH_WORDS = 3;

export type LanguageInput = {
  /** The message's own language, as detected, if any. */
  detected: Detection | undefined;
  /** Words of the message (0 for a pressed button). */
  words: number;
  /** The language of the page the request comes from, if it names one. */
  pageLang?: Lang | undefined;
  /** The conversation's language so far, and the page language it was held on. */
  conversation?: { lang: Lang; pageLang?: Lang | null } | undefined;
  acceptLanguage?: Lang | undefined;
  tenantDefault: Lang;
};

export type LanguageChoice = {
  lang: Lang;
  /** The message's language took over from the conversation's (or the page's) on this turn. */
  switched: boolean;
};

export function chooseLanguage(i: LanguageInput): LanguageChoice {
  // A page of another language than the conversation was held on: the visitor chose it.
  const pageChanged = i.pageLang !== undefined && i.conversation?.pageLang != null && i.conversation.pageLang !== i.pageLang;
  const current = (pageChanged ? undefined : i.conversation?.lang) ?? i.pageLang;
  const d = i.detected;
  if (current && d?.confident && d.lang !== current && i.words >= SWITCH_WORDS) return { lang: d.lang, switched: true };
  if (current) return { lang: current, switched: false };
  const lang = (d?.confident ? d.lang : undefined) ?? i.acceptLanguage ?? d?.lang ?? i.tenantDefault;
  return { lang, switched: false };
}
