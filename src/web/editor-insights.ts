/**
 * The editors' insights page: trends as charts (with their numbers as a table and CSV), unanswered
 * questions grouped by what they say with the closest entry and a link to try each, out-of-scope
 * refusals apart, suggested alternates with the file and line to add them, the least helpful entries
 * and escalation per topic. Per tenant, language and period; mounted behind the editor sign-in.
 */
import { Hono, type Context } from 'hono';
import { isLang, type Lang } from '../content/types.ts';
import { closestEntry } from '../insights/closest-entry.ts';
import { whereToAdd } from '../insights/edit-location.ts';
import { groupQuestions } from '../insights/question-groups.ts';
import { buildReport, parseSince, reportCsv } from '../insights/report.ts';
import { groupSuggestions } from '../insights/suggested-alternates.ts';
import { NEGATION_TOKEN, SYNONYM_PREFIX } from '../search/analyzer.ts';
import { buildTrends, MAX_POINTS, periodCount, trendsCsv, type TrendBucket, type TrendPoint } from '../insights/trends.ts';
import type { Env } from './context.ts';
import type { EditorDeps } from './editor.ts';
import { editorLang, formatters, renderEditor } from './editor-view.ts';
import { lineChart } from './line-chart.ts';

const PERIODS = ['7d', '30d', '90d', '365d'];
const DEFAULT_PERIOD = '30d';
/** What a period may be made of (30d, 2w, 2025-01-31, 2025-01-31T08:00Z); it also names the CSV files. */
const PERIOD_CHARS = /^[0-9A-Za-z:.-]{1,40}$/;
/** Up to this many days the charts show days; beyond, weeks. */
const DAYS_UP_TO = 35;

type Query =
  | { ok: true; tenant: string; period: string; since: Date; until: Date; lang: Lang | undefined; bucket: TrendBucket }
  | { ok: false; message: string; vars: Record<string, string> };

export function editorInsights(deps: EditorDeps) {
  const app = new Hono<Env>();

  /** Tenant, language, period and chart periods of a request, or what is wrong with them. */
  const read = (c: Context<Env>): Query => {
    const library = deps.library();
    const tenant = c.req.query('tenant') || deps.defaultTenant;
    const period = c.req.query('since') || DEFAULT_PERIOD;
    const lang = c.req.query('lang') || undefined;
    const by = c.req.query('by') || undefined;
    const until = deps.clock();
    if (!library.content.tenants.has(tenant)) return { ok: false, message: 'errors.unknownTenant', vars: { tenant: tenant.slice(0, 40) } };
    const since = PERIOD_CHARS.test(period) ? parseSince(period, until) : undefined;
    if (!since || since > until) return { ok: false, message: 'errors.badPeriod', vars: { period: period.slice(0, 40) } };
    if (lang !== undefined && !isLang(lang)) return { ok: false, message: 'errors.badLang', vars: { lang: lang.slice(0, 10) } };
    if (by !== undefined && by !== 'day' && by !== 'week') return { ok: false, message: 'errors.badBucket', vars: { by: by.slice(0, 10) } };
    // Days while they fit a chart; a longer range (or one asked for by days but too long) by weeks.
    const bucket: TrendBucket = by === 'week' || periodCount(since, until, 'day') > (by === 'day' ? MAX_POINTS : DAYS_UP_TO) ? 'week' : 'day';
    return { ok: true, tenant, period, since, until, lang, bucket };
  };

  const refuse = (c: Context<Env>, q: Extract<Query, { ok: false }>) => renderEditor(c, deps, 'denied', { signedIn: true, titleKey: 'insights.title', message: q.message, vars: q.vars }, 400);

  const rowsOf = async (q: Extract<Query, { ok: true }>) => {
    const sinceIso = q.since.toISOString();
    const inLang = <T extends { lang: Lang }>(rows: T[]) => (q.lang ? rows.filter((r) => r.lang === q.lang) : rows);
    return { questions: inLang(await deps.store.questions(q.tenant, sinceIso)), feedback: inLang(await deps.store.feedback(q.tenant, sinceIso)) };
  };

  app.get('/insights', async (c) => {
    const q = read(c);
    if (!q.ok) return refuse(c, q);
    const library = deps.library();
    const tc = library.content.tenants.get(q.tenant)!;
    const ui = editorLang(c, deps);
    const fmt = formatters(ui);
    const t = (key: string, vars?: Record<string, unknown>) => library.t(ui, `editor:${key}`, vars);
    const { questions, feedback } = await rowsOf(q);

    const titleOf = (id: string) => tc.entries[q.lang ?? ui].find((e) => e.id === id)?.question;
    const report = buildReport(questions, feedback, { tenant: q.tenant, since: q.since, until: q.until, titleOf });
    const indexes = library.search.indexes(q.tenant);
    const grouped = groupQuestions(questions, { terms: (text, lang) => indexes?.[lang].analyzer.concepts(text) ?? [] });
    const tryHref = (lang: Lang, text: string) => `/editor/try?${new URLSearchParams({ tenant: q.tenant, lang, q: text })}`;
    // A synonym group's token ("~67") reads as its first word, a negation as "not" in the page's words.
    const readable = (term: string, lang: Lang) =>
      term === NEGATION_TOKEN ? t('gaps.negation') : term.startsWith(SYNONYM_PREFIX) ? `≈${library.content.synonyms[lang][Number(term.slice(1))]?.[0] ?? term}` : term;
    const withLinks = (groups: typeof grouped.gaps, closest: boolean) =>
      groups.map((g) => ({
        ...g,
        terms: g.terms.map((term) => readable(term, g.lang)),
        examples: g.examples.map((e) => ({ ...e, href: tryHref(g.lang, e.text) })),
        ...(closest ? { closest: closestEntry(library, q.tenant, g.lang, g.examples[0]!.text) } : {}),
      }));

    const contentDir = deps.editor!.contentDir;
    const suggestions = groupSuggestions(
      (await deps.store.suggestions(q.tenant)).filter((s) => !q.lang || s.lang === q.lang),
      tc,
    ).map((g) => ({
      ...g,
      phrasings: g.phrasings.map((p) => ({ ...p, place: whereToAdd({ contentDir, tenant: tc, lang: g.lang }, { kind: 'faq', id: g.entryId }, p.text), href: tryHref(g.lang, p.text) })),
    }));

    const points = buildTrends(questions, feedback, { since: q.since, until: q.until, bucket: q.bucket, lang: q.lang });
    const charts = trendCharts(points, { t, fmt, bucket: q.bucket });
    const params = (extra: Record<string, string> = {}) =>
      new URLSearchParams({ tenant: q.tenant, since: q.period, ...(q.lang ? { lang: q.lang } : {}), by: q.bucket, ...extra }).toString();
    return renderEditor(c, deps, 'insights', {
      signedIn: true,
      tenants: [...library.content.tenants.keys()],
      periods: PERIODS.includes(q.period) ? PERIODS : [q.period, ...PERIODS],
      tenant: q.tenant,
      period: q.period,
      lang: q.lang ?? '',
      bucket: q.bucket,
      report,
      gaps: withLinks(grouped.gaps, true),
      outOfScope: withLinks(grouped.outOfScope, false),
      suggestions,
      points,
      charts,
      csvUrl: `/editor/insights.csv?${new URLSearchParams({ tenant: q.tenant, since: q.period })}`,
      trendsCsvUrl: `/editor/trends.csv?${params()}`,
    });
  });

  app.get('/insights.csv', async (c) => {
    const q = read(c);
    if (!q.ok) return refuse(c, q);
    const { questions, feedback } = await rowsOf(q);
    const tc = deps.library().content.tenants.get(q.tenant)!;
    const titleOf = (id: string) => tc.entries[q.lang ?? tc.tenant.defaultLanguage].find((e) => e.id === id)?.question;
    const report = buildReport(questions, feedback, { tenant: q.tenant, since: q.since, until: q.until, titleOf });
    c.header('Cache-Control', 'no-store');
    // Every part was checked above (a known tenant, a period of PERIOD_CHARS): nothing can break the header.
    c.header('Content-Disposition', `attachment; filename="insights-${q.tenant}-${q.period}.csv"`);
    return c.body(reportCsv(report), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  app.get('/trends.csv', async (c) => {
    const q = read(c);
    if (!q.ok) return refuse(c, q);
    const { questions, feedback } = await rowsOf(q);
    const points = buildTrends(questions, feedback, { since: q.since, until: q.until, bucket: q.bucket, lang: q.lang });
    c.header('Cache-Control', 'no-store');
    c.header('Content-Disposition', `attachment; filename="trends-${q.tenant}-${q.lang ?? 'all'}-${q.period}-${q.bucket}.csv"`);
    return c.body(trendsCsv(points, { tenant: q.tenant, lang: q.lang, bucket: q.bucket }), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  return app;
}

type Fmt = ReturnType<typeof formatters>;

/** The three charts of the page: volumes, shares and votes, each described in words for screen readers. */
function trendCharts(points: TrendPoint[], o: { t: (key: string, vars?: Record<string, unknown>) => string; fmt: Fmt; bucket: TrendBucket }) {
  const labels = points.map((p) => o.fmt.dayShort(p.start));
  const describe = (series: { name: string; values: (number | null)[] }[], format: (v: number) => string) => {
    const known = (vs: (number | null)[]) => vs.filter((v): v is number => v !== null);
    const parts = series.map((s) => {
      const vs = known(s.values);
      if (!vs.length) return o.t('trends.describeNone', { name: s.name });
      return o.t('trends.describe', { name: s.name, first: format(vs[0]!), last: format(vs[vs.length - 1]!), max: format(Math.max(...vs)) });
    });
    const range = points.length ? o.t('trends.range', { from: o.fmt.day(points[0]!.start), to: o.fmt.day(points[points.length - 1]!.start), count: points.length, unit: o.t(`trends.unit.${o.bucket}`, { count: points.length }) }) : '';
    return `${range} ${parts.join(' ')}`.trim();
  };
  const chart = (id: string, titleKey: string, series: { name: string; values: (number | null)[] }[], share: boolean) => {
    const format = share ? o.fmt.pct : o.fmt.int;
    return { id, title: o.t(titleKey), svg: lineChart({ id, title: o.t(titleKey), description: describe(series, format), labels, series, share, format }) };
  };
  const col = (k: keyof TrendPoint) => points.map((p) => p[k] as number | null);
  return [
    chart('chart-shares', 'trends.sharesTitle', [
      { name: o.t('trends.answeredShare'), values: col('answeredShare') },
      { name: o.t('trends.clarifiedShare'), values: col('clarifiedShare') },
    ], true),
    chart('chart-volume', 'trends.volumeTitle', [
      { name: o.t('trends.questions'), values: col('questions') },
      { name: o.t('trends.escalated'), values: col('escalated') },
      { name: o.t('trends.outOfScope'), values: col('outOfScope') },
    ], false),
    chart('chart-votes', 'trends.votesTitle', [
      { name: o.t('trends.helpful'), values: col('helpful') },
      { name: o.t('trends.notHelpful'), values: col('notHelpful') },
    ], false),
  ];
}
