/**
 * Where the phrasings the assistant learns from are thin: a label (an FAQ entry, a flow or one of its
 * steps, a way of asking for a person) with too few phrasings in a language, or an entry none of whose
 * phrasings asks about a detail (how long, how many, until when). `npm run content:check` lists them so
 * that editors know where to add; they are advice, not problems.
 */
import { fold, words } from '../search/fold.ts';
import { LANGS, type Content, type Lang } from './types.ts';

export const BREADTH = {
  /** Phrasings of an FAQ entry (its question and alternates) in each language. */
  entry: 8,
  /** Triggers of a flow (or of one of its steps) in each language. */
  trigger: 6,
  /** Phrasings of each intent and of out of scope, per language. */
  intent: 20,
} as const;

/**
 * Words that make a phrasing a question about a detail, per language: a visitor asks "how long is the
 * link valid?" as often as "what is the activation link?".
 */
const DETAIL_WORDS: Record<Lang, string[]> = {
  fr: ['combien', 'quand', 'jusqu', 'delai', 'duree', 'quel', 'quelle', 'quels', 'quelles', 'si'],
  de: ['lange', 'viele', 'viel', 'wann', 'frist', 'welche', 'welcher', 'welches', 'wenn', 'falls'],
  it: ['quanto', 'quanti', 'quante', 'quando', 'entro', 'termine', 'quale', 'quali', 'se'],
};

export type Thin = { tenant: string | null; lang: Lang; label: string; count: number; want: number; /** No phrasing asks about a detail. */ noDetail?: boolean };

const asksDetail = (lang: Lang, phrasing: string) => words(fold(phrasing)).some((w) => DETAIL_WORDS[lang].includes(w));

export function thinLabels(content: Content): Thin[] {
  const out: Thin[] = [];
  for (const lang of LANGS) {
    for (const [tenant, tc] of content.tenants) {
      for (const e of tc.entries[lang]) {
        const phrasings = [e.question, ...e.alternates];
        const noDetail = !phrasings.some((p) => asksDetail(lang, p));
        if (phrasings.length < BREADTH.entry || noDetail) out.push({ tenant, lang, label: `faq:${e.id}`, count: phrasings.length, want: BREADTH.entry, ...(noDetail ? { noDetail } : {}) });
      }
      for (const [key, list] of Object.entries(tc.triggers[lang])) {
        if (list.length < BREADTH.trigger) out.push({ tenant, lang, label: `flow:${key}`, count: list.length, want: BREADTH.trigger });
      }
    }
    const { intents, understanding } = content;
    const shared: [string, string[]][] = [
      ['contact', intents[lang].contact],
      ['act:unhelpful', intents[lang].unhelpful],
      ['oos', understanding[lang].outOfScope],
    ];
    for (const [label, list] of shared) if (list.length < BREADTH.intent) out.push({ tenant: null, lang, label, count: list.length, want: BREADTH.intent });
  }
  return out;
}

/** The lines content:check prints under "thin". */
export function formatThin(thin: Thin[]): string[] {
  return thin.map(
    (t) => `${t.tenant ?? 'all'}/${t.lang} ${t.label}: ${t.count} phrasing${t.count === 1 ? '' : 's'}${t.count < t.want ? ` (${t.want} or more wanted)` : ''}${t.noDetail ? ', none asks about a detail (how long, how many, until when)' : ''}`,
  );
}
