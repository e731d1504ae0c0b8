/**
 * The editors' pages behind EDITOR_TOKEN: content status (which version serves, why the last change did
 * not load, what content:check says of the files now) and insights (unanswered questions, least helpful
 * entries, escalation per topic, as a page and as CSV). Without a configured token they do not exist.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { checkContent, type CheckedFlow } from '../content/check.ts';
import { formatProblem, LANGS } from '../content/types.ts';
import { buildReport, parseSince, reportCsv } from '../insights/report.ts';
import type { Store } from '../store/types.ts';
import { eta } from './view.ts';
import type { Env, WebDeps } from './context.ts';
import { notFound } from './pages.ts';

export type EditorOptions = {
  /** EDITOR_TOKEN: the pages answer 404 without one. */
  token: string | undefined;
  contentDir: string;
  localesDir: string;
  /** The product's flows, for the triggers and flow texts check. */
  flows: ReadonlyMap<string, CheckedFlow>;
  /** Whether saved changes are picked up by the running server. */
  watching: boolean;
  retentionDays: number;
};

export type EditorDeps = WebDeps & { store: Store; editor?: EditorOptions | undefined };


const PERIODS = ['7d', '30d', '90d', '365d'];
const DEFAULT_PERIOD = '30d';

/** Same time whatever the guess: hashing first gives equal lengths for timingSafeEqual. */
export function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function editorPages(deps: EditorDeps) {
  const app = new Hono<Env>();

  const render = (c: Context<Env>, view: string, data: Record<string, unknown>, status: 200 | 400 | 401 | 404 = 200) => {
    c.header('Cache-Control', 'no-store');
    c.header('X-Robots-Tag', 'noindex, nofollow');
    return c.html(eta.render(`editor/${view}`, data), status);
  };

  app.use(
    '*',
    createMiddleware<Env>(async (c, next) => {
      const options = deps.editor;
      if (!options?.token) return notFound(c, deps);
      const given = c.req.query('token') ?? /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim() ?? '';
      if (!given || !sameToken(given, options.token)) return render(c, 'denied', { title: 'Editor pages' }, 401);
      await next();
    }),
  );

  app.get('/status', (c) => {
    const options = deps.editor!;
    const library = deps.library();
    const check = checkContent({ contentDir: options.contentDir, localesDir: options.localesDir }, options.flows);
    const tenants = [...library.content.tenants.values()].map((tc) => ({
      id: tc.tenant.id,
      counts: LANGS.map((l) => `${l} ${tc.entries[l].length}`).join(', '),
    }));
    return render(c, 'status', {
      title: 'Content status',
      token: c.req.query('token') ?? '',
      version: library.content.version,
      loadedAt: library.loadedAt,
      watching: options.watching,
      reloadErrors: deps.contentErrors(),
      checkErrors: check.errors.map(formatProblem),
      checkWarnings: check.warnings.map(formatProblem),
      tenants,
      retentionDays: options.retentionDays,
    });
  });

  /** Tenant and period of an insights request, or the page that says what is wrong. */
  const reportOf = (c: Context<Env>) => {
    const library = deps.library();
    const tenant = c.req.query('tenant') || deps.defaultTenant;
    const period = c.req.query('since') || DEFAULT_PERIOD;
    const now = deps.clock();
    const since = parseSince(period, now);
    if (!library.content.tenants.has(tenant)) return { error: `There is no tenant "${tenant}".` } as const;
    if (!since) return { error: `"${period}" is not a period: write 30d (days), 12h, 2w or a date like 2025-01-31.` } as const;
    const questions = deps.store.questions(tenant, since.toISOString());
    const feedback = deps.store.feedback(tenant, since.toISOString());
    const tc = library.content.tenants.get(tenant)!;
    const lang = tc.tenant.defaultLanguage;
    const titleOf = (id: string) => tc.entries[lang].find((e) => e.id === id)?.question;
    return { tenant, period, report: buildReport(questions, feedback, { tenant, since, until: now, titleOf }) } as const;
  };

  app.get('/insights', (c) => {
    const x = reportOf(c);
    const token = c.req.query('token') ?? '';
    if ('error' in x) return render(c, 'denied', { title: 'Insights', message: x.error }, 400);
    const tenants = [...deps.library().content.tenants.keys()];
    const periods = PERIODS.includes(x.period) ? PERIODS : [x.period, ...PERIODS];
    const csvUrl = `/editor/insights.csv?${new URLSearchParams({ tenant: x.tenant, since: x.period, token })}`;
    return render(c, 'insights', { title: `Insights ${x.tenant}`, token, tenants, periods, tenant: x.tenant, period: x.period, report: x.report, csvUrl });
  });

  app.get('/insights.csv', (c) => {
    const x = reportOf(c);
    if ('error' in x) return render(c, 'denied', { title: 'Insights', message: x.error }, 400);
    c.header('Cache-Control', 'no-store');
    c.header('Content-Disposition', `attachment; filename="insights-${x.tenant}-${x.period}.csv"`);
    return c.body(reportCsv(x.report), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  return app;
}
