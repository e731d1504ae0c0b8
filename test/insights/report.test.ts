import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, formatReport, NO_TOPIC, parseSince, reportCsv, type InsightsReport } from '../../src/insights/report.ts';
import { buildApp, ROOT, type TestApp } from '../helpers/app.ts';

/**
 * A small conversation log for kpt, made the way visitors make it: chat messages, a search, and
 * "helpful / not helpful" presses in the chat and on the help page.
 */
let app: TestApp;
let report: InsightsReport;

type ChatBody = { conversationId: string; reply: { kind: string; flow: { id: string } | null; sources: { id: string }[]; choices: { id: string }[] } };

async function chat(body: Record<string, string>): Promise<ChatBody> {
  const res = await app.app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'kpt', lang: 'fr', ...body }) });
  expect(res.status).toBe(200);
  return (await res.json()) as ChatBody;
}

async function pageFeedback(entry: string, form: Record<string, string>) {
  const res = await app.app.request(`/kpt/fr/faq/${entry}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
    body: new URLSearchParams(form).toString(),
  });
  expect(res.status).toBe(303);
}

beforeAll(async () => {
  app = buildApp();
  const since = new Date(Date.now() - 60_000);

  // What each message does is checked here, so a change in routing shows as such and not as odd figures.
  const kinds: string[] = [];
  for (const message of [
    'Quel temps fera-t-il demain à Berne ?',
    'quel temps fera-t-il demain à berne',
    'Quel temps fera-t-il demain à Berne ?',
    'recette de fondue moitié-moitié',
    'je veux parler à un conseiller',
    'Où trouver mes documents ?',
    "j'ai oublié mon mot de passe",
  ]) {
    const { reply } = await chat({ message });
    kinds.push(reply.flow ? `${reply.kind}:${reply.flow.id}` : reply.sources[0] ? `${reply.kind}:${reply.sources[0].id}` : reply.kind);
  }
  expect(kinds).toEqual(['clarify', 'clarify', 'clarify', 'clarify', 'escalate', 'answer:documents-find', 'flow:login-trouble']);

  // An answer in the chat, marked "not helpful" with the reason "did not answer my question".
  const answered = await chat({ message: "Qu'est-ce qu'une carte de code\u202f?" });
  expect(answered.reply.sources[0]?.id).toBe('login-code-card');
  const why = await chat({ conversationId: answered.conversationId, choice: 'not-helpful:login-code-card' });
  expect(why.reply.choices.map((c) => c.id)).toContain('reason-incomplete:login-code-card');
  await chat({ conversationId: answered.conversationId, choice: 'reason-incomplete:login-code-card' });

  // A search that finds nothing.
  const search = await app.app.request(`/api/search?${new URLSearchParams({ tenant: 'kpt', lang: 'fr', q: 'xylophone zébré' })}`);
  expect(((await search.json()) as { results: unknown[] }).results).toEqual([]);

  // The help page: login-code-card helpful once, not helpful twice (once "not related", once no reason);
  // documents-find helpful twice, not helpful once ("did not answer my question").
  await pageFeedback('login-code-card', { helpful: 'yes' });
  await pageFeedback('login-code-card', { helpful: 'no' });
  await pageFeedback('login-code-card', { helpful: 'no', reason: 'not_related' });
  await pageFeedback('login-code-card', { helpful: 'no' });
  await pageFeedback('documents-find', { helpful: 'yes' });
  await pageFeedback('documents-find', { helpful: 'yes' });
  await pageFeedback('documents-find', { helpful: 'no' });
  await pageFeedback('documents-find', { helpful: 'no', reason: 'did_not_answer' });

  const iso = since.toISOString();
  const titles = app.library().content.tenants.get('kpt')!.entries.fr;
  report = buildReport(await app.store.questions('kpt', iso), await app.store.feedback('kpt', iso), {
    tenant: 'kpt',
    since,
    until: new Date(),
    titleOf: (id) => titles.find((e) => e.id === id)?.question,
  });
});

afterAll(() => app?.dispose());

describe('buildReport on a test conversation log', () => {
  it('counts the questions, the unanswered ones, the escalations and the votes', () => {
    expect(report.totals).toEqual({ questions: 9, unanswered: 1, outOfScope: 4, escalated: 1, votes: 7, notHelpful: 4 });
  });

  it('lists the top unanswered questions, grouped across case and punctuation, most asked first', () => {
    expect(report.unanswered.map(({ question, lang, count, sources }) => ({ question, lang, count, sources }))).toEqual([
      { question: 'xylophone zébré', lang: 'fr', count: 1, sources: ['search'] },
    ]);
  });

  it('keeps the questions refused as out of scope apart: they are no content gap', () => {
    expect(report.outOfScope.map(({ question, lang, count, sources }) => ({ question, lang, count, sources }))).toEqual([
      { question: 'Quel temps fera-t-il demain à Berne ?', lang: 'fr', count: 3, sources: ['chat'] },
      { question: 'recette de fondue moitié-moitié', lang: 'fr', count: 1, sources: ['chat'] },
    ]);
  });

  it('lists the least helpful entries with their reasons, chat and help page together', () => {
    expect(report.leastHelpful).toEqual([
      { entryId: 'login-code-card', title: "Qu'est-ce qu'une carte de code\u202f?", helpful: 1, notHelpful: 3, notRelated: 1, didNotAnswer: 1, helpfulRate: 0.25 },
      { entryId: 'documents-find', title: expect.any(String), helpful: 2, notHelpful: 1, notRelated: 0, didNotAnswer: 1, helpfulRate: 2 / 3 },
    ]);
  });

  it('gives the escalation rate per topic', () => {
    expect(report.escalation).toEqual([
      { topic: NO_TOPIC, questions: 6, escalated: 1, rate: 1 / 6 },
      expect.objectContaining({ escalated: 0 }),
      expect.objectContaining({ escalated: 0 }),
      expect.objectContaining({ escalated: 0 }),
    ]);
    expect(report.escalation.slice(1).map((t) => [t.topic, t.questions]).sort()).toEqual([
      ['documents', 1],
      ['login', 1],
      ['login-trouble', 1],
    ]);
  });

  it('prints the figures as text', () => {
    const text = formatReport(report);
    expect(text).toContain('9 questions logged, 1 unanswered or clarified, 4 refused as out of scope, 1 escalated; 7 feedback votes, 4 not helpful');
    expect(text).toContain('     1  [fr] xylophone zébré  (search)');
    expect(text).toContain('Refused as out of scope (no content gap)\n     3  [fr] Quel temps fera-t-il demain à Berne ?\n');
    expect(text).toContain(`   25% helpful  login-code-card "Qu'est-ce qu'une carte de code\u202f?": 1 helpful, 3 not helpful (1 not related, 1 did not answer)`);
    expect(text).toContain('  16.7%  (no topic): 1 of 6 questions');
  });

  it('exports CSV, neutralising cells a spreadsheet would run as formulas', () => {
    const csv = reportCsv(report).split('\r\n');
    expect(csv[0]).toBe('section,tenant,lang,item,title,count,helpful,not_helpful,not_related,did_not_answer,escalated,rate');
    expect(csv).toContain('unanswered,kpt,fr,xylophone zébré,,1,,,,,,');
    expect(csv).toContain('out_of_scope,kpt,fr,Quel temps fera-t-il demain à Berne ?,,3,,,,,,');
    expect(csv).toContain("least_helpful,kpt,,login-code-card,Qu'est-ce qu'une carte de code\u202f?,4,1,3,1,1,,0.250");
    expect(csv).toContain('escalation,kpt,,(no topic),,6,,,,,1,0.167');
    const evil = reportCsv({ ...report, outOfScope: [], unanswered: [{ question: '=HYPERLINK("https://evil.example")', lang: 'fr', count: 1, clarified: 0, sources: ['chat'], lastAt: report.until }], leastHelpful: [], escalation: [] });
    expect(evil.split('\r\n')[1]).toBe(`unanswered,kpt,fr,"'=HYPERLINK(""https://evil.example"")",,1,,,,,,`);
  });
});

describe('npm run report', () => {
  it('prints the same figures from the database in DATA_DIR', async () => {
    await app.close();
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/report.ts'), '--tenant', 'kpt', '--since', '30d'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: app.dataDir, DATABASE_URL: '', CONTENT_DIR: join(ROOT, 'content'), LOCALES_DIR: join(ROOT, 'locales') },
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const out = run.stdout;
      expect(out).toMatch(/^Insights for kpt, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}\n/);
      expect(out).toContain('9 questions logged, 1 unanswered or clarified, 4 refused as out of scope, 1 escalated; 7 feedback votes, 4 not helpful');
      expect(out).toContain('Top unanswered questions\n     1  [fr] xylophone zébré  (search)');
      expect(out).toContain('Refused as out of scope (no content gap)\n     3  [fr] Quel temps fera-t-il demain à Berne ?');
      expect(out).toMatch(/Least helpful entries\n {5}25% helpful {2}login-code-card ".+": 1 helpful, 3 not helpful \(1 not related, 1 did not answer\)\n {3}66\.7% helpful {2}documents-find/);
      expect(out).toContain('Escalation rate per topic\n   16.7%  (no topic): 1 of 6 questions');

      const csv = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/report.ts'), '--tenant', 'kpt', '--csv'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: app.dataDir, DATABASE_URL: '' },
        encoding: 'utf8',
      });
      expect(csv.status).toBe(0);
      expect(csv.stdout).toContain('escalation,kpt,,(no topic),,6,,,,,1,0.167');
    } finally {
      rmSync(app.dataDir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown tenant or period with a clear message', () => {
    const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/report.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
    const tenant = run(['--tenant', 'acme']);
    expect(tenant.status).toBe(2);
    expect(tenant.stderr).toContain('There is no tenant "acme"; the tenants are atupri, kpt.');
    const since = run(['--since', 'last week']);
    expect(since.status).toBe(2);
    expect(since.stderr).toContain('usage: npm run report');
  });
});

describe('parseSince', () => {
  const now = new Date('2025-03-31T12:00:00Z');
  it.each([
    ['30d', '2025-03-01T12:00:00.000Z'],
    ['12h', '2025-03-31T00:00:00.000Z'],
    ['2w', '2025-03-17T12:00:00.000Z'],
    ['2025-01-31', '2025-01-31T00:00:00.000Z'],
  ])('reads %s', (value, iso) => {
    expect(parseSince(value, now)?.toISOString()).toBe(iso);
  });
  it.each(['', 'yesterday', '30', '-3d', '2025-13-45'])('refuses %j', (value) => {
    expect(parseSince(value, now)).toBeUndefined();
  });
});
