/**
 * How the chat did over time, per day or week (calendar days in Europe/Zurich, weeks from Monday): the
 * questions asked, the share answered, the share met with "did you mean", escalations, out-of-scope
 * refusals and the helpful / not-helpful votes. Pure: rows in, one point per period out (empty periods
 * included, so a chart's gaps are real).
 */
import type { Lang } from '../content/types.ts';
import { zurichNow } from '../rules/zurich-time.ts';
import type { Feedback, QuestionLog } from '../store/types.ts';

export type TrendBucket = 'day' | 'week';

export type TrendPoint = {
  /** First day of the period (YYYY-MM-DD, Zurich). */
  start: string;
  /** Questions typed into the chat, small talk left out. */
  questions: number;
  /** Answered with an entry or a guided flow. */
  answered: number;
  /** Answered with "did you mean". */
  clarified: number;
  /** Ended with the contact options. */
  escalated: number;
  /** Politely refused: not a subject of ours. */
  outOfScope: number;
  /** Not understood at all. */
  unanswered: number;
  helpful: number;
  notHelpful: number;
  /** answered / questions, 0..1; null without questions. */
  answeredShare: number | null;
  /** clarified / questions, 0..1; null without questions. */
  clarifiedShare: number | null;
};

export type TrendOptions = { since: Date; until: Date; bucket: TrendBucket; /** Only this language (all three without). */ lang?: Lang | undefined };

/** More periods than this make a chart no one can read: the caller chooses weeks instead. */
export const MAX_POINTS = 120;

const DAY_MS = 86_400_000;

/** The Zurich calendar date of a moment, as a UTC midnight timestamp (for day arithmetic). */
function zurichDay(at: Date): number {
  const z = zurichNow(at);
  return Date.UTC(z.year, z.month - 1, z.day);
}

const toIso = (utcMidnight: number) => new Date(utcMidnight).toISOString().slice(0, 10);

/** The first day of the period a day falls in. */
function periodStart(day: number, bucket: TrendBucket): number {
  if (bucket === 'day') return day;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return day - weekday * DAY_MS;
}

export function buildTrends(questions: readonly QuestionLog[], feedback: readonly Feedback[], options: TrendOptions): TrendPoint[] {
  const since = options.since.toISOString();
  const until = options.until.toISOString();
  const points = new Map<number, TrendPoint>();
  const step = options.bucket === 'day' ? DAY_MS : 7 * DAY_MS;
  const last = periodStart(zurichDay(options.until), options.bucket);
  for (let d = periodStart(zurichDay(options.since), options.bucket); d <= last; d += step) {
    points.set(d, { start: toIso(d), questions: 0, answered: 0, clarified: 0, escalated: 0, outOfScope: 0, unanswered: 0, helpful: 0, notHelpful: 0, answeredShare: null, clarifiedShare: null });
  }
  const periodOf = (at: string) => periodStart(zurichDay(new Date(at)), options.bucket);
  const pointOf = (at: string) => points.get(periodOf(at));
  const wanted = (r: { lang: Lang; at: string }) => r.at >= since && r.at <= until && (!options.lang || r.lang === options.lang);

  for (const q of questions) {
    // Searches are logged only when they found nothing: they have no share to show here.
    if (q.source !== 'chat' || q.outcome === 'smalltalk' || !wanted(q)) continue;
    const p = pointOf(q.at);
    if (!p) continue;
    p.questions++;
    if (q.outcome === 'answer' || q.outcome === 'flow') p.answered++;
    else if (q.outcome === 'clarify') p.clarified++;
    else if (q.outcome === 'escalate') p.escalated++;
    else if (q.outcome === 'out_of_scope') p.outOfScope++;
    else p.unanswered++;
  }

  // "Not helpful" is stored when pressed and the reason, when given, as a second row: per entry and
  // period, the larger of the two counts is the number of votes (as in the insights report).
  const no = new Map<string, { point: TrendPoint; presses: number; reasons: number }>();
  for (const f of feedback) {
    if (!wanted(f)) continue;
    const p = pointOf(f.at);
    if (!p) continue;
    if (f.helpful) {
      p.helpful++;
      continue;
    }
    const key = `${p.start}|${f.entryId}`;
    const n = no.get(key) ?? { point: p, presses: 0, reasons: 0 };
    if (f.reason) n.reasons++;
    else n.presses++;
    no.set(key, n);
  }
  for (const n of no.values()) n.point.notHelpful += Math.max(n.presses, n.reasons);

  return [...points.values()].map((p) => ({
    ...p,
    answeredShare: p.questions ? p.answered / p.questions : null,
    clarifiedShare: p.questions ? p.clarified / p.questions : null,
  }));
}

/** How many periods a range makes, to choose weeks when days would be too many. */
export function periodCount(since: Date, until: Date, bucket: TrendBucket): number {
  const days = Math.round((zurichDay(until) - zurichDay(since)) / DAY_MS) + 1;
  return bucket === 'day' ? days : Math.ceil(days / 7) + 1;
}

export const TREND_COLUMNS = ['start', 'questions', 'answered', 'answered_share', 'clarified', 'clarified_share', 'escalated', 'out_of_scope', 'unanswered', 'helpful', 'not_helpful'] as const;

/** The points as CSV (one row per period), for a spreadsheet. */
export function trendsCsv(points: readonly TrendPoint[], context: { tenant: string; lang?: Lang | undefined; bucket: TrendBucket }): string {
  const share = (x: number | null) => (x === null ? '' : x.toFixed(3));
  const rows = [
    ['tenant', 'lang', 'period', ...TREND_COLUMNS].join(','),
    ...points.map((p) =>
      [context.tenant, context.lang ?? 'all', context.bucket, p.start, p.questions, p.answered, share(p.answeredShare), p.clarified, share(p.clarifiedShare), p.escalated, p.outOfScope, p.unanswered, p.helpful, p.notHelpful].join(','),
    ),
  ];
  return `${rows.join('\r\n')}\r\n`;
}
