/**
 * Unanswered questions grouped by what they say rather than how they are typed: phrasings with the same
 * terms after analysis (stems, synonym groups, stop words left out) form one group with a count, a few
 * examples and the closest existing entry. Questions the assistant refused as out of scope are kept
 * apart from those it did not understand, since only the second are content gaps. Pure: rows and the
 * analysis in, groups out.
 */
import type { Lang } from '../content/types.ts';
import { fold, words } from '../search/fold.ts';
import type { QuestionLog } from '../store/types.ts';

export type QuestionGroup = {
  lang: Lang;
  /** The terms the phrasings share, as the analysis wrote them (empty: only stop words). */
  terms: string[];
  count: number;
  /** Of them, asked in the chat and answered with "did you mean" rather than nothing at all. */
  clarified: number;
  /** Searches of the help page that found nothing. */
  searches: number;
  /** The phrasings asked most often, most asked first (personal data was removed before storage). */
  examples: { text: string; count: number }[];
  lastAt: string;
};

export type GroupedQuestions = {
  /** Not understood (or only guessed at): the content gaps. */
  gaps: QuestionGroup[];
  /** Politely refused: not a subject of the help centre. */
  outOfScope: QuestionGroup[];
};

export type GroupOptions = {
  /** The analysis of a text in a language: its terms, in any order. */
  terms: (text: string, lang: Lang) => string[];
  /** How many groups each list keeps, and how many examples a group shows. */
  top?: number;
  examples?: number;
};

const DEFAULTS = { top: 20, examples: 3 } as const;

export function groupQuestions(rows: readonly QuestionLog[], options: GroupOptions): GroupedQuestions {
  const build = (pick: (q: QuestionLog) => boolean) => {
    const groups = new Map<string, QuestionGroup & { wordings: Map<string, number> }>();
    for (const q of rows) {
      if (!pick(q)) continue;
      const terms = [...new Set(options.terms(q.question, q.lang))].sort();
      // Only stop words ("et alors ?"): grouped by the words themselves, not with every other such line.
      const key = `${q.lang}|${terms.length ? terms.join(' ') : `=${words(fold(q.question)).join(' ')}`}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { lang: q.lang, terms, count: 0, clarified: 0, searches: 0, examples: [], lastAt: q.at, wordings: new Map() }));
      g.count++;
      if (q.outcome === 'clarify') g.clarified++;
      if (q.source === 'search') g.searches++;
      const wording = q.question.replace(/\s+/g, ' ').trim();
      g.wordings.set(wording, (g.wordings.get(wording) ?? 0) + 1);
      if (q.at > g.lastAt) g.lastAt = q.at;
    }
    return [...groups.values()]
      .map(({ wordings, ...g }) => ({
        ...g,
        examples: [...wordings]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, options.examples ?? DEFAULTS.examples)
          .map(([text, count]) => ({ text, count })),
      }))
      .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt) || a.examples[0]!.text.localeCompare(b.examples[0]!.text))
      .slice(0, options.top ?? DEFAULTS.top);
  };
  return {
    gaps: build((q) => q.outcome === 'unanswered' || q.outcome === 'clarify'),
    outOfScope: build((q) => q.outcome === 'out_of_scope'),
  };
}
