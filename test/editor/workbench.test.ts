/**
 * The editors' workbench through app.request(): the try page (the visitor's reply, the decision, the file
 * and line to edit, and no trace in the insights), trends as charts with their numbers, unanswered
 * questions grouped apart from out-of-scope refusals, suggested alternates with the line to add, and
 * every editor page in the editor's language.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, escapeHtml, ROOT, type TestApp } from '../helpers/app.ts';

const TOKEN = 'workbench editor token, long enough to keep';
const as = (lang: string, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${TOKEN}`, 'accept-language': lang, ...extra } });
const FR = as('fr-CH, fr;q=0.9, en;q=0.5');
const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;
const DAY = 86_400_000;

/** The text of an element's HTML as a browser shows it (tags dropped, entities read). */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The HTML of a section of the insights page, by its id. */
const section = (html: string, id: string) => {
  const start = html.indexOf(`<section id="${id}"`);
  expect(start, `section #${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</section>', start));
};

/** Where the last item of a front-matter list is, read plainly from the file (line numbers from 1). */
function lastItemLine(file: string, list: string): number {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  let line = lines.findIndex((l) => l.startsWith(`${list}:`));
  expect(line, `${list} in ${file}`).toBeGreaterThan(-1);
  while (/^\s+- /.test(lines[line + 1] ?? '')) line++;
  return line + 1;
}

let app: TestApp;
let today: string;
let twoDaysAgo: string;

beforeAll(async () => {
  app = buildApp({ EDITOR_TOKEN: TOKEN });
  const now = Date.now();
  const at = (ms: number) => new Date(ms).toISOString();
  const zurichDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Zurich' }).format(new Date(ms));
  today = zurichDay(now - 60_000);
  twoDaysAgo = zurichDay(now - 2 * DAY);
  const pending: Promise<unknown>[] = [];
  const log = (question: string, outcome: 'answer' | 'clarify' | 'unanswered' | 'out_of_scope' | 'flow', when: number, source: 'chat' | 'search' = 'chat', lang: 'fr' | 'de' = 'fr') =>
    pending.push(app.store.logQuestion({ tenant: 'kpt', lang, question, outcome, entryId: null, topic: null, source, at: at(when) }));

  // Two days ago: one question of five answered (a refusal counts as a question). Today: three of six,
  // and one "did you mean"; the search is no chat question.
  log('Comment changer mon adresse ?', 'unanswered', now - 2 * DAY);
  log('Comment changer mon adresse ?', 'unanswered', now - 2 * DAY);
  log('CHANGER MON ADRESSE !!', 'unanswered', now - 2 * DAY);
  log("Qu'est-ce qu'une carte de code ?", 'answer', now - 2 * DAY);
  log("Qu'est-ce qu'une carte de code ?", 'answer', now - 60_000);
  log('carte de code perdue', 'flow', now - 60_000);
  log('où trouver mes documents', 'answer', now - 60_000);
  log('adresse, changer', 'clarify', now - 60_000);
  // The same terms as a search of the help page, and refusals that are no content gap.
  log('changer adresse', 'unanswered', now - 60_000, 'search');
  log('raconte moi une blague', 'out_of_scope', now - 60_000);
  log('raconte-moi une blague', 'out_of_scope', now - 2 * DAY);
  log('Adresse ändern', 'unanswered', now - 60_000, 'chat', 'de');

  await app.store.addFeedback({ tenant: 'kpt', lang: 'fr', entryId: 'login-code-card', helpful: true, reason: null, source: 'chat', at: at(now - 60_000) });
  await app.store.addFeedback({ tenant: 'kpt', lang: 'fr', entryId: 'login-code-card', helpful: true, reason: null, source: 'page', at: at(now - 60_000) });
  await app.store.addFeedback({ tenant: 'kpt', lang: 'fr', entryId: 'documents-find', helpful: false, reason: null, source: 'page', at: at(now - 60_000) });
  // The reason comes as a second row of the same vote.
  await app.store.addFeedback({ tenant: 'kpt', lang: 'fr', entryId: 'documents-find', helpful: false, reason: 'did_not_answer', source: 'page', at: at(now - 60_000) });

  await app.store.addSuggestion({ tenant: 'kpt', lang: 'fr', entryId: 'login-code-card', phrasing: 'la carte avec les codes a disparu', at: at(now - 60_000) });
  await Promise.all(pending);
});
afterAll(() => app?.dispose());

describe('the try page', () => {
  // Its own application: the visitors' chat asked here for comparison would add to the insights below.
  let app: TestApp;
  beforeAll(() => {
    app = buildApp({ EDITOR_TOKEN: TOKEN });
  });
  afterAll(() => app?.dispose());
  const tryPage = (params: Record<string, string>, init = FR) => app.app.request(`/editor/try${q(params)}`, init);

  it('is behind the sign-in like every editor page', async () => {
    const res = await app.app.request(`/editor/try${q({ tenant: 'kpt', lang: 'fr', q: 'carte de code' })}`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('action="/editor/sign-in"');
  });

  it('shows the reply exactly as the chat gives it to a visitor', async () => {
    for (const [lang, message] of [
      ['fr', 'je ne reçois pas le code SMS'],
      ['fr', 'Comment puis-je changer ma franchise pour l’an prochain ?'],
      // Written in German on the French page: answered in German, with the chat's note.
      ['fr', 'Ich habe meine Codekarte verloren, was jetzt?'],
    ] as const) {
      const html = await (await tryPage({ tenant: 'kpt', lang, q: message })).text();
      const api = (await (await app.app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenant: 'kpt', lang, message }) })).json()) as {
        lang: string;
        reply: { kind: string; text: string; choices: { label: string }[] };
      };
      const preview = /<div class="msg assistant preview" lang="(\w\w)" data-kind="(\w+)">([\s\S]*?)<\/div>/.exec(html);
      expect(preview, message).not.toBeNull();
      expect(preview![1]).toBe(api.lang);
      expect(preview![2]).toBe(api.reply.kind);
      expect(textOf(preview![3]!).trim()).toBe(api.reply.text.trim());
      for (const choice of api.reply.choices) expect(html).toContain(`<li>${escapeHtml(choice.label)}</li>`);
    }
  });

  it('shows the decision: candidates with probabilities and features, the margin, and where to edit', async () => {
    const res = await tryPage({ tenant: 'kpt', lang: 'fr', q: 'je ne reçois pas le code SMS' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h2 id="decision-h">Pourquoi cette réponse</h2>');
    expect(html).toContain('L&#39;assistant lance le parcours guidé «\u202fProblème de connexion\u202f».');
    expect(html).toMatch(/Le sujet le plus probable devance le suivant de 0,\d\d\./);
    const rows = html.slice(html.indexOf('<table class="candidates">'), html.indexOf('</table>', html.indexOf('<table class="candidates">'))).split('<tr>').slice(2);
    expect(rows).toHaveLength(4);
    const probabilities = rows.map((r) => Number(/<meter min="0" max="1" value="([\d.]+)"/.exec(r)![1]));
    expect([...probabilities].sort((a, b) => b - a)).toEqual(probabilities);
    expect(probabilities[0]).toBeGreaterThan(0.3);
    // Each candidate says what carried it, by kind of feature.
    for (const r of rows) expect(r).toMatch(/<span class="up">▲ \+\d,\d\d<\/span> (mot|paire de mots|lettres|notion) <code>/);
    // ...and where the question would teach it: the line after the list's last item, ready to copy.
    const faq = rows.find((r) => r.includes('<code>faq:'))!;
    const [, file, line] = /<code>(content\/kpt\/faq\/[\w-]+\.fr\.md):(\d+)<\/code>/.exec(faq)!;
    expect(Number(line)).toBe(lastItemLine(file!, 'alternates') + 1);
    expect(faq).toContain('<pre class="copy"><code>  - je ne reçois pas le code SMS</code></pre>');
    // The flow's candidate may be one of its steps ("login-trouble/code-checks"): its own list of triggers.
    const flow = rows.find((r) => /<code>flow:login-trouble(\/[\w-]+)?<\/code>/.test(r))!;
    const key = /<code>flow:(login-trouble(?:\/[\w-]+)?)<\/code>/.exec(flow)![1]!;
    const triggers = readFileSync(join(ROOT, 'content/kpt/triggers/fr.yaml'), 'utf8').split('\n');
    const after = Number(new RegExp(`après la ligne (\\d+) \\(liste ${key}\\)`).exec(flow)![1]);
    expect(triggers.slice(0, after).reverse().find((l) => !l.startsWith('  - '))).toBe(`${key}:`);
    expect(triggers[after - 1]).toMatch(/^ {2}- /);
    expect(triggers[after]).not.toMatch(/^ {2}- /);
  });

  it('points a refusal to the out-of-scope examples', async () => {
    const html = await (await tryPage({ tenant: 'kpt', lang: 'fr', q: 'raconte moi une blague' })).text();
    expect(html).toContain('L&#39;assistant refuse poliment');
    const after = Number(/<code>content\/understanding\/fr\.yaml:\d+<\/code><br>\s*après la ligne (\d+) \(liste outOfScope\)/.exec(html)![1]);
    const lines = readFileSync(join(ROOT, 'content/understanding/fr.yaml'), 'utf8').split('\n');
    expect(lines[after - 1]).toMatch(/^ {2}- /);
    expect(lines.slice(lines.findIndex((l) => l.startsWith('outOfScope:')), after).every((l, i) => i === 0 || /^ {2}- |^\s*#|^\s*$/.test(l))).toBe(true);
  });

  it('leaves no trace: nothing logged, no suggestion counted', async () => {
    const questions = (await app.store.questions('kpt', '2000-01-01T00:00:00Z')).length;
    const suggestions = JSON.stringify(await app.store.suggestions('kpt'));
    for (const message of ['xylophone zébré', 'carte de code', 'je veux parler à quelqu’un']) expect((await tryPage({ tenant: 'kpt', lang: 'fr', q: message })).status).toBe(200);
    expect(await app.store.questions('kpt', '2000-01-01T00:00:00Z')).toHaveLength(questions);
    expect(JSON.stringify(await app.store.suggestions('kpt'))).toBe(suggestions);
  });

  it('shows the empty form without a question, in the editor language by default', async () => {
    const res = await tryPage({}, as('it-CH'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Provare una domanda</h1>');
    expect(html).toContain('<option value="it" selected>');
    expect(html).not.toContain('decision-h');
  });

  it.each([
    [{ tenant: 'acme', q: 'carte' }, 'Il n&#39;y a pas d&#39;assureur «\u202facme\u202f».'],
    [{ tenant: 'kpt', lang: 'en', q: 'card' }, '«\u202fen\u202f» n&#39;est pas une langue'],
    [{ tenant: 'kpt', lang: 'fr', q: 'x'.repeat(1001) }, 'La question est trop longue'],
  ])('refuses %j with a page that says why (400)', async (params, message) => {
    const res = await tryPage(params as Record<string, string>);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(message);
    expect(html).toContain('aria-invalid="true"');
  });
});

describe('the insights page', () => {
  const insights = (params: Record<string, string> = {}, init = FR) => app.app.request(`/editor/insights${q({ tenant: 'kpt', since: '7d', ...params })}`, init);

  it('groups unanswered phrasings with the same terms, with a count, examples, the closest entry and a link to try each', async () => {
    const html = await (await insights()).text();
    const gaps = section(html, 'gaps');
    const rows = gaps.split('<tr>').slice(2);
    // "Comment changer mon adresse ?" twice, "CHANGER MON ADRESSE !!", "adresse, changer" and the search.
    expect(rows[0]).toMatch(/^\s*<td>5<br><small>dont 1 avec «\u202fVouliez-vous dire\u202f»<\/small><br><small>dont 1 recherche<\/small><\/td>/);
    expect(rows[0]).toContain('<span lang="fr">Comment changer mon adresse ?</span> <small>(2×)</small>');
    expect(rows[0]).toContain(`href="/editor/try?${escapeHtml(new URLSearchParams({ tenant: 'kpt', lang: 'fr', q: 'Comment changer mon adresse ?' }).toString())}"`);
    expect(rows[0]).toMatch(/<td><span lang="fr">[^<]+<\/span><br><code>content\/kpt\/faq\/[\w-]+\.fr\.md<\/code><\/td>/);
    // The German one is its own group; the refusals are not among the gaps.
    expect(gaps).toContain('<span lang="de">Adresse ändern</span>');
    expect(gaps).not.toContain('blague');
    const refused = section(html, 'out-of-scope');
    expect(refused).toMatch(/<td>2<\/td>\s*<td>français<\/td>/);
    expect(refused).toContain('<span lang="fr">raconte moi une blague</span>');
    expect(refused).toContain(`href="/editor/try?${escapeHtml(new URLSearchParams({ tenant: 'kpt', lang: 'fr', q: 'raconte-moi une blague' }).toString())}"`);
  });

  it('draws the trends as accessible SVG charts, with the numbers as a table', async () => {
    const html = await (await insights()).text();
    const charts = section(html, 'trends');
    const svgs = charts.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(3);
    for (const svg of svgs) {
      expect(svg).toMatch(/^<svg class="chart" viewBox="0 0 720 260" role="img" aria-labelledby="(chart-\w+)-title \1-desc"/);
      expect(svg).toMatch(/<title id="chart-\w+-title">[^<]+<\/title>\n<desc id="chart-\w+-desc">[^<]+<\/desc>/);
    }
    // Not colour alone: the second series has its own dash and marker, and every point its value.
    expect(svgs[0]).toContain('stroke-dasharray="7 4"');
    expect(svgs[0]).toContain('<title>Part avec réponse, ');
    expect(svgs[0]).toMatch(/<desc id="chart-shares-desc">Du .+ 8\u00a0jours\. Part avec réponse\u00a0: 20\u202f% au début, 50\u202f% à la fin, 50\u202f% au plus haut\./);
    const row = (iso: string) => new RegExp(`<tr><th scope="row">[^<]+</th>${'<td>([^<]*)</td>'.repeat(9)}</tr>`).exec(charts.slice(charts.indexOf(`<th scope="row">${dayLabel(iso)}</th>`) - 4))!.slice(1);
    // questions, answered, share, did-you-mean share, escalated, out of scope, not understood, helpful, not helpful
    expect(row(twoDaysAgo)).toEqual(['5', '1', '20\u202f%', '0\u202f%', '0', '1', '3', '0', '0']);
    expect(row(today)).toEqual(['6', '3', '50\u202f%', '16,7\u202f%', '0', '1', '1', '2', '1']);
  });

  it('gives the trends as CSV, per day or per week and per language', async () => {
    const res = await app.app.request(`/editor/trends.csv${q({ tenant: 'kpt', since: '7d' })}`, FR);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="trends-kpt-all-7d-day.csv"');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('tenant,lang,period,start,questions,answered,answered_share,clarified,clarified_share,escalated,out_of_scope,unanswered,helpful,not_helpful');
    expect(lines).toHaveLength(1 + 8);
    expect(lines).toContain(`kpt,all,day,${twoDaysAgo},5,1,0.200,0,0.000,0,1,3,0,0`);
    expect(lines).toContain(`kpt,all,day,${today},6,3,0.500,1,0.167,0,1,1,2,1`);
    const german = (await (await app.app.request(`/editor/trends.csv${q({ tenant: 'kpt', since: '7d', lang: 'de', by: 'week' })}`, FR)).text()).trim().split('\r\n');
    expect(german.slice(1).every((l) => l.startsWith('kpt,de,week,'))).toBe(true);
    // Weeks start on Monday.
    expect(german.slice(1).every((l) => new Date(`${l.split(',')[3]}T12:00:00Z`).getUTCDay() === 1)).toBe(true);
    expect(german.slice(1).reduce((n, l) => n + Number(l.split(',')[4]), 0)).toBe(1);
  });

  it('lists suggested alternates with the entry, the file, the exact line and the text to add', async () => {
    const html = await (await insights()).text();
    const suggestions = section(html, 'suggestions');
    expect(suggestions).toContain('<h3><span lang="fr">Qu&#39;est-ce qu&#39;une carte de code\u202f?</span> <small>(français)</small></h3>');
    expect(suggestions).toContain('<code>content/kpt/faq/login-code-card.fr.md</code>');
    const after = Number(/après la ligne (\d+) \(liste alternates\)/.exec(suggestions)![1]);
    expect(after).toBe(lastItemLine('content/kpt/faq/login-code-card.fr.md', 'alternates'));
    expect(suggestions).toContain('<pre class="copy"><code>  - la carte avec les codes a disparu</code></pre>');
  });

  it.each([
    [{ lang: 'en' }, '«\u202fen\u202f» n&#39;est pas une langue'],
    [{ by: 'month' }, '«\u202fmonth\u202f» n&#39;est pas un découpage'],
    [{ since: 'soon' }, '«\u202fsoon\u202f» n&#39;est pas une période'],
  ])('refuses %j with a page that says why (400)', async (params, message) => {
    const res = await insights(params);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(message);
  });
});

/** The label of a day in the French table ("29 nov. 2026"), as the page writes it. */
const dayLabel = (iso: string) => new Intl.DateTimeFormat('fr-CH', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

describe("the editor's language", () => {
  it.each([
    ['fr-CH,fr;q=0.9', 'fr', 'Tester une question', 'Analyses'],
    ['de-CH,de;q=0.9,en;q=0.5', 'de', 'Frage testen', 'Auswertungen'],
    ['it-CH', 'it', 'Provare una domanda', 'Analisi'],
  ])('follows Accept-Language %s on every editor page', async (header, lang, tryTitle, insightsTitle) => {
    for (const path of ['/editor/status', '/editor/insights?tenant=kpt', '/editor/try', '/editor/sign-in']) {
      const res = await app.app.request(path, as(header));
      const html = await res.text();
      expect(html, path).toContain(`<html lang="${lang}">`);
      expect(res.headers.get('content-language')).toBe(lang);
      if (path !== '/editor/sign-in') expect(html).toContain(`>${tryTitle}</a>`);
      if (path !== '/editor/sign-in') expect(html).toContain(`>${insightsTitle}</a>`);
    }
  });

  it('switches with a link and remembers the choice in a cookie for the editor pages', async () => {
    const res = await app.app.request('/editor/status?ui=it', FR);
    expect(await res.text()).toContain('<h1>Stato dei contenuti</h1>');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^editor_lang=it;/);
    expect(cookie).toContain('Path=/editor');
    expect(cookie).toContain('HttpOnly');
    const next = await app.app.request('/editor/insights?tenant=kpt', as('fr-CH', { cookie: 'editor_lang=it' }));
    expect(await next.text()).toContain('<h1>Analisi: kpt</h1>');
    // Each page links to itself in the other languages, keeping what it shows.
    const page = await (await app.app.request(`/editor/try${q({ tenant: 'kpt', lang: 'fr', q: 'carte de code' })}`, FR)).text();
    expect(page).toContain('href="/editor/try?tenant=kpt&amp;lang=fr&amp;q=carte+de+code&amp;ui=de" hreflang="de" lang="de">Deutsch</a>');
    // Something else than fr, de or it is not a choice.
    const odd = await app.app.request('/editor/status?ui=xx', FR);
    expect(odd.headers.get('set-cookie')).toBeNull();
    expect(await odd.text()).toContain('<html lang="fr">');
  });
});

describe('hostile input on the workbench', () => {
  const value = fc.oneof(
    fc.constantFrom('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '../../etc/passwd', 'kpt', 'fr', 'week', '30d', '%', '\u0000', ''),
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  it('answers every combination of parameters with a page or a CSV, never a 5xx or live markup', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/editor/try', '/editor/insights', '/editor/trends.csv', '/editor/insights.csv'), fc.dictionary(fc.constantFrom('tenant', 'lang', 'q', 'since', 'by', 'ui'), value), async (path, params) => {
        const url = `${path}?${new URLSearchParams(params)}`;
        const res = await app.app.request(url, FR);
        expect(res.status, url).toBeLessThan(500);
        const body = await res.text();
        expect(body).not.toContain('<script>alert(1)');
        expect(body).not.toContain('<img src=x');
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});
