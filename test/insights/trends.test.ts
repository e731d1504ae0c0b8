import { describe, expect, it } from 'vitest';
import { groupQuestions } from '../../src/insights/question-groups.ts';
import { buildTrends, trendsCsv } from '../../src/insights/trends.ts';
import type { Feedback, QuestionLog } from '../../src/store/types.ts';

const question = (at: string, outcome: QuestionLog['outcome'], extra: Partial<QuestionLog> = {}): QuestionLog => ({
  tenant: 'kpt',
  lang: 'fr',
  question: 'q',
  outcome,
  entryId: null,
  topic: null,
  source: 'chat',
  at,
  ...extra,
});
const vote = (at: string, helpful: boolean, reason: string | null = null, entryId = 'a'): Feedback => ({ tenant: 'kpt', lang: 'fr', entryId, helpful, reason, source: 'page', at });

describe('buildTrends', () => {
  // Monday 2 to Sunday 15 March 2026 (Zurich winter time, UTC+1).
  const range = { since: new Date('2026-03-02T00:00:00+01:00'), until: new Date('2026-03-15T23:00:00+01:00') };

  it('counts per Zurich calendar day, empty days included, small talk and searches left out', () => {
    const points = buildTrends(
      [
        question('2026-03-02T22:30:00Z', 'answer'), // 23:30 in Zurich: still the 2nd
        question('2026-03-02T23:30:00Z', 'flow'), // 00:30 in Zurich: the 3rd
        question('2026-03-03T08:00:00Z', 'clarify'),
        question('2026-03-03T09:00:00Z', 'out_of_scope'),
        question('2026-03-03T10:00:00Z', 'escalate'),
        question('2026-03-03T11:00:00Z', 'smalltalk'),
        question('2026-03-03T12:00:00Z', 'unanswered', { source: 'search' }),
      ],
      [vote('2026-03-03T08:00:00Z', true), vote('2026-03-03T08:00:00Z', false), vote('2026-03-03T08:01:00Z', false, 'not_related')],
      { ...range, bucket: 'day' },
    );
    expect(points).toHaveLength(14);
    expect(points[0]).toMatchObject({ start: '2026-03-02', questions: 1, answered: 1, answeredShare: 1 });
    // One "not helpful" pressed, then its reason: one vote.
    expect(points[1]).toMatchObject({ start: '2026-03-03', questions: 4, answered: 1, clarified: 1, outOfScope: 1, escalated: 1, unanswered: 0, answeredShare: 0.25, clarifiedShare: 0.25, helpful: 1, notHelpful: 1 });
    expect(points[2]).toMatchObject({ start: '2026-03-04', questions: 0, answeredShare: null, clarifiedShare: null });
  });

  it('counts per week from Monday, and for one language only', () => {
    const rows = [question('2026-03-04T10:00:00Z', 'answer'), question('2026-03-10T10:00:00Z', 'unanswered'), question('2026-03-10T10:00:00Z', 'answer', { lang: 'de' })];
    const weeks = buildTrends(rows, [], { ...range, bucket: 'week', lang: 'fr' });
    expect(weeks.map((p) => [p.start, p.questions, p.answeredShare])).toEqual([
      ['2026-03-02', 1, 1],
      ['2026-03-09', 1, 0],
    ]);
    expect(trendsCsv(weeks, { tenant: 'kpt', lang: 'fr', bucket: 'week' }).split('\r\n')[1]).toBe('kpt,fr,week,2026-03-02,1,1,1.000,0,0.000,0,0,0,0,0');
  });
});

describe('groupQuestions', () => {
  // A stand-in analysis: lower-case words without the stop words, as sets.
  const terms = (text: string) => text.toLowerCase().match(/\p{L}+/gu)!.filter((w) => !['mon', 'comment', 'je', 'veux'].includes(w));

  it('groups phrasings with the same terms, counts them, keeps refusals apart and shows the most asked first', () => {
    const grouped = groupQuestions(
      [
        question('2026-03-02T10:00:00Z', 'unanswered', { question: 'Comment changer mon adresse ?' }),
        question('2026-03-02T11:00:00Z', 'unanswered', { question: 'Comment changer mon adresse ?' }),
        question('2026-03-03T10:00:00Z', 'clarify', { question: 'adresse changer' }),
        question('2026-03-03T10:00:00Z', 'unanswered', { question: 'changer adresse', source: 'search' }),
        question('2026-03-03T10:00:00Z', 'unanswered', { question: 'je veux un chat' }),
        question('2026-03-03T10:00:00Z', 'out_of_scope', { question: 'raconte une blague' }),
        question('2026-03-03T10:00:00Z', 'answer', { question: 'carte de code' }),
      ],
      { terms },
    );
    expect(grouped.gaps.map((g) => [g.count, g.clarified, g.searches, g.terms, g.examples.map((e) => `${e.text} ×${e.count}`)])).toEqual([
      [4, 1, 1, ['adresse', 'changer'], ['Comment changer mon adresse ? ×2', 'adresse changer ×1', 'changer adresse ×1']],
      [1, 0, 0, ['chat', 'un'], ['je veux un chat ×1']],
    ]);
    expect(grouped.outOfScope.map((g) => g.examples[0]!.text)).toEqual(['raconte une blague']);
  });
});
