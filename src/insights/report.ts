/**
 * What editors learn from the question log and the feedback: the questions most often left unanswered,
 * the entries visitors found least helpful and how often each topic ends with a person. Pure: rows in,
 * figures out; `npm run report` and the editor pages read the store and show the same report.
 */
import type { Feedback, QuestionLog } from '../store/types.ts';

export type UnansweredQuestion = {
  /** The wording asked most often in the group (questions are grouped case- and accent-insensitively). */
  question: string;
  lang: string;
  count: number;
  /** How many ended in "clarify" (the assistant offered guesses) rather than nothing at all. */
  clarified: number;
  sources: ('chat' | 'search')[];
  lastAt: string;
};

export type EntryHelpfulness = {
  entryId: string;
  title: string | null;
  helpful: number;
  notHelpful: number;
  notRelated: number;
  didNotAnswer: number;
  /** Share of "helpful" among the votes, 0..1. */
  helpfulRate: number;
};

export type TopicEscalation = { topic: string; questions: number; escalated: number; rate: number };

export type InsightsReport = {
  tenant: string;
  since: string;
  until: string;
  totals: { questions: number; unanswered: number; outOfScope: number; escalated: number; votes: number; notHelpful: number };
  /** Not understood, or only guessed at: the content gaps. */
  unanswered: UnansweredQuestion[];
  /** Politely refused as not a subject of ours: kept apart, since they are no content gap. */
  outOfScope: UnansweredQuestion[];
  leastHelpful: EntryHelpfulness[];
  escalation: TopicEscalation[];
};

export type ReportOptions = {
  tenant: string;
  since: Date;
  until: Date;
  /** How many rows each list keeps. */
  top?: number;
  /** An entry's question, to show next to its id. */
  titleOf?: (entryId: string) => string | undefined;
};

/** Questions logged without a topic (small talk, "I want a person", not understood). */
export const NO_TOPIC = '(no topic)';

const DEFAULT_TOP = 20;

const groupKey = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[\s?!.,;:]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();

export function buildReport(questions: QuestionLog[], feedback: Feedback[], options: ReportOptions): InsightsReport {
  const top = options.top ?? DEFAULT_TOP;
  const since = options.since.toISOString();
  const until = options.until.toISOString();
  const inRange = (r: { tenant: string; at: string }) => r.tenant === options.tenant && r.at >= since && r.at <= until;
  const qs = questions.filter(inRange);
  const fb = feedback.filter(inRange);

  // ---- unanswered and clarified questions, and out-of-scope refusals, grouped by wording ------
  const unanswered = byWording(qs.filter((q) => q.outcome === 'unanswered' || q.outcome === 'clarify'));
  const outOfScope = byWording(qs.filter((q) => q.outcome === 'out_of_scope'));

  // ---- helpfulness per entry ------------------------------------------------------------------
  // "Not helpful" is stored when pressed; the reason, when the visitor gives it, as a second row.
  const perEntry = new Map<string, { helpful: number; noVotes: number; notRelated: number; didNotAnswer: number }>();
  for (const f of fb) {
    let e = perEntry.get(f.entryId);
    if (!e) perEntry.set(f.entryId, (e = { helpful: 0, noVotes: 0, notRelated: 0, didNotAnswer: 0 }));
    if (f.helpful) e.helpful++;
    else if (f.reason === 'not_related') e.notRelated++;
    else if (f.reason === 'did_not_answer') e.didNotAnswer++;
    else e.noVotes++;
  }
  const entries = [...perEntry].map(([entryId, e]) => {
    // A reason sent without the "no" before it still counts as one vote.
    const notHelpful = Math.max(e.noVotes, e.notRelated + e.didNotAnswer);
    const votes = e.helpful + notHelpful;
    return {
      entryId,
      title: options.titleOf?.(entryId) ?? null,
      helpful: e.helpful,
      notHelpful,
      notRelated: e.notRelated,
      didNotAnswer: e.didNotAnswer,
      helpfulRate: votes ? e.helpful / votes : 1,
    };
  });
  const leastHelpful = entries
    .filter((e) => e.notHelpful > 0)
    .sort((a, b) => a.helpfulRate - b.helpfulRate || b.notHelpful - a.notHelpful || a.entryId.localeCompare(b.entryId));

  // ---- escalation rate per topic -----------------------------------------------------------
  const topics = new Map<string, { questions: number; escalated: number }>();
  for (const q of qs) {
    const topic = q.topic ?? NO_TOPIC;
    let t = topics.get(topic);
    if (!t) topics.set(topic, (t = { questions: 0, escalated: 0 }));
    t.questions++;
    if (q.outcome === 'escalate') t.escalated++;
  }
  const escalation = [...topics]
    .map(([topic, t]) => ({ topic, questions: t.questions, escalated: t.escalated, rate: t.escalated / t.questions }))
    .sort((a, b) => b.rate - a.rate || b.questions - a.questions || a.topic.localeCompare(b.topic));

  return {
    tenant: options.tenant,
    since,
    until,
    totals: {
      questions: qs.length,
      unanswered: unanswered.reduce((n, u) => n + u.count, 0),
      outOfScope: outOfScope.reduce((n, u) => n + u.count, 0),
      escalated: qs.filter((q) => q.outcome === 'escalate').length,
      votes: entries.reduce((n, e) => n + e.helpful + e.notHelpful, 0),
      notHelpful: entries.reduce((n, e) => n + e.notHelpful, 0),
    },
    unanswered: unanswered.slice(0, top),
    outOfScope: outOfScope.slice(0, top),
    leastHelpful: leastHelpful.slice(0, top),
    escalation: escalation.slice(0, top),
  };
}

/** Questions grouped case- and accent-insensitively, most asked first. */
function byWording(qs: QuestionLog[]): UnansweredQuestion[] {
  const groups = new Map<string, { wordings: Map<string, number>; lang: string; count: number; clarified: number; sources: Set<'chat' | 'search'>; lastAt: string }>();
  for (const q of qs) {
    const key = `${q.lang}|${groupKey(q.question)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { wordings: new Map(), lang: q.lang, count: 0, clarified: 0, sources: new Set(), lastAt: q.at }));
    g.count++;
    if (q.outcome === 'clarify') g.clarified++;
    g.sources.add(q.source);
    g.wordings.set(q.question, (g.wordings.get(q.question) ?? 0) + 1);
    if (q.at > g.lastAt) g.lastAt = q.at;
  }
  return [...groups.values()]
    .map((g) => ({
      question: [...g.wordings].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0],
      lang: g.lang,
      count: g.count,
      clarified: g.clarified,
      sources: [...g.sources].sort(),
      lastAt: g.lastAt,
    }))
    .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt) || a.question.localeCompare(b.question));
}

// ---- periods ----------------------------------------------------------------------------------

/**
 * "30d", "12h", "2w" back from now, or a date ("2025-01-31"); undefined when it is neither.
 * Editors think in days, so that is the unit the pages offer.
 */
export function parseSince(value: string, now: Date): Date | undefined {
  const rel = /^(\d{1,4})([hdw])$/.exec(value.trim());
  if (rel) {
    const hours = { h: 1, d: 24, w: 24 * 7 }[rel[2] as 'h' | 'd' | 'w'] * Number(rel[1]);
    return new Date(now.getTime() - hours * 3_600_000);
  }
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(value.trim())) {
    const d = new Date(value.trim());
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

// ---- text and CSV --------------------------------------------------------------------------

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** The report as the command line prints it. */
export function formatReport(r: InsightsReport): string {
  const out: string[] = [];
  out.push(`Insights for ${r.tenant}, ${r.since.slice(0, 10)} to ${r.until.slice(0, 10)}`);
  out.push(
    `${r.totals.questions} questions logged, ${r.totals.unanswered} unanswered or clarified, ${r.totals.outOfScope} refused as out of scope, ${r.totals.escalated} escalated; ` +
      `${r.totals.votes} feedback votes, ${r.totals.notHelpful} not helpful`,
  );
  out.push('', 'Top unanswered questions');
  if (!r.unanswered.length) out.push('  (none)');
  for (const u of r.unanswered) {
    const how = u.clarified ? `, ${u.clarified} clarified` : '';
    out.push(`  ${String(u.count).padStart(4)}  [${u.lang}] ${u.question}  (${u.sources.join('+')}${how})`);
  }
  out.push('', 'Refused as out of scope (no content gap)');
  if (!r.outOfScope.length) out.push('  (none)');
  for (const u of r.outOfScope) out.push(`  ${String(u.count).padStart(4)}  [${u.lang}] ${u.question}`);
  out.push('', 'Least helpful entries');
  if (!r.leastHelpful.length) out.push('  (none)');
  for (const e of r.leastHelpful) {
    out.push(
      `  ${pct(e.helpfulRate).padStart(6)} helpful  ${e.entryId}${e.title ? ` "${e.title}"` : ''}: ` +
        `${e.helpful} helpful, ${e.notHelpful} not helpful (${e.notRelated} not related, ${e.didNotAnswer} did not answer)`,
    );
  }
  out.push('', 'Escalation rate per topic');
  if (!r.escalation.length) out.push('  (none)');
  for (const t of r.escalation) out.push(`  ${pct(t.rate).padStart(6)}  ${t.topic}: ${t.escalated} of ${t.questions} questions`);
  return out.join('\n');
}

const CSV_HEADER = ['section', 'tenant', 'lang', 'item', 'title', 'count', 'helpful', 'not_helpful', 'not_related', 'did_not_answer', 'escalated', 'rate'];

/**
 * One CSV for the four lists (a `section` column tells them apart). Visitors' words may start with
 * "=", "+", "-" or "@": those cells are prefixed with an apostrophe so a spreadsheet never runs them.
 */
export function reportCsv(r: InsightsReport): string {
  const rows: (string | number)[][] = [CSV_HEADER];
  for (const u of r.unanswered) rows.push(['unanswered', r.tenant, u.lang, u.question, '', u.count, '', '', '', '', '', '']);
  for (const u of r.outOfScope) rows.push(['out_of_scope', r.tenant, u.lang, u.question, '', u.count, '', '', '', '', '', '']);
  for (const e of r.leastHelpful) {
    rows.push(['least_helpful', r.tenant, '', e.entryId, e.title ?? '', e.helpful + e.notHelpful, e.helpful, e.notHelpful, e.notRelated, e.didNotAnswer, '', e.helpfulRate.toFixed(3)]);
  }
  for (const t of r.escalation) rows.push(['escalation', r.tenant, '', t.topic, '', t.questions, '', '', '', '', t.escalated, t.rate.toFixed(3)]);
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /^'|[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
