import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlowDef } from '../../src/chat/flow-types.ts';
import { checkContent, formatCheck, type CheckedFlow } from '../../src/content/check.ts';
import { formatProblem } from '../../src/content/types.ts';
import { FLOWS } from '../../src/flows/index.ts';
import { loginTroubleParams } from '../../src/flows/login-trouble.ts';
import { ROOT } from '../helpers/app.ts';
import { copyFixture, FIXTURES, lineOf, removeCopies, replace, shownPath, type Edit } from '../helpers/fixture-copy.ts';

afterAll(removeCopies);

const SHIPPED = { contentDir: join(ROOT, 'content'), localesDir: join(ROOT, 'locales') };
const GOOD_LOCALES = join(FIXTURES, 'locales-good');

/** The flows the checks know of here; the fixture tenant "acme" offers login trouble only (its tenant.yaml). */
const FIXTURE_FLOWS: ReadonlyMap<string, CheckedFlow> = new Map([['login-trouble', { id: 'login-trouble', params: loginTroubleParams }]]);

const broken = (what: string, edits: Record<string, Edit>) => copyFixture('content-good', edits, `content-check-${what}`);

function check(contentDir: string, flows = FIXTURE_FLOWS, localesDir = GOOD_LOCALES) {
  const result = checkContent({ contentDir, localesDir }, flows);
  return { errors: result.errors.map(formatProblem), warnings: result.warnings.map(formatProblem) };
}

/** Runs `npm run content:check`'s script as editors do, on the given folders. */
function runCli(env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/content-check.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: run.status, lines: run.stdout.trim().split('\n'), stderr: run.stderr };
}

/** The lines before the thin-phrasings advice and the summary: one per error or warning. */
function problemLines(lines: string[]): string[] {
  const end = lines.findIndex((l) => l === '' || l.startsWith('thin phrasings') || l.startsWith('content:check:'));
  return lines.slice(0, end === -1 ? lines.length : end);
}

function thinLines(lines: string[]): string[] {
  const start = lines.indexOf('thin phrasings (add some where you can):');
  return start === -1 ? [] : lines.slice(start + 1).filter((l) => l.startsWith('  '));
}

describe('checkContent: the shipped content', () => {
  it('has no errors and no warnings', () => {
    const result = check(SHIPPED.contentDir, FLOWS, SHIPPED.localesDir);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('passes `npm run content:check` with exit code 0', () => {
    const run = runCli({ CONTENT_DIR: SHIPPED.contentDir, LOCALES_DIR: SHIPPED.localesDir });
    expect(run.stderr).toBe('');
    // Thin phrasings are advice, listed before the summary: no problem line precedes them.
    expect(problemLines(run.lines)).toEqual([]);
    expect(run.lines.at(-1)).toBe('content:check: 0 errors, 0 warnings');
    expect(run.status).toBe(0);
  });
});

describe('checkContent: the valid fixture', () => {
  it('has no errors and no warnings, so each broken copy below fails only because of its edit', () => {
    expect(check(copyFixture('content-good'))).toEqual({ errors: [], warnings: [] });
  });
});

describe('checkContent: what the server needs to load', () => {
  it('reports an unknown front matter field at its line', () => {
    const file = 'acme/faq/login-password.de.md';
    const dir = broken('front-matter', { [file]: replace('category: login', 'categroy: login') });
    // zod names the unknown key on the front matter as a whole; the line is the key's own.
    expect(check(dir).errors).toContain(`${shownPath(dir, file)}:${lineOf(dir, file, 'categroy:')}: Unrecognized key: "categroy"`);
  });

  it('reports a bad value in tenant.yaml at its line', () => {
    const file = 'acme/tenant.yaml';
    const dir = broken('tenant-schema', { [file]: replace('primary: "#123456"', 'primary: blue') });
    expect(check(dir).errors).toEqual([`${shownPath(dir, file)}:${lineOf(dir, file, 'primary: blue')}: theme.primary: a colour like "#003c71"`]);
  });

  it('reports a flow in tenant.yaml that does not exist, at its line, with the flows there are', () => {
    const file = 'acme/tenant.yaml';
    const dir = broken('tenant-unknown-flow', { [file]: replace('flows:\n', 'flows:\n  login-troubles:\n') });
    expect(check(dir).errors).toEqual([`${shownPath(dir, file)}:${lineOf(dir, file, 'login-troubles:')}: flows: no flow is called "login-troubles" (the flows: login-trouble)`]);
  });

  it("reports a flow parameter the flow does not accept, at its line", () => {
    const file = 'acme/tenant.yaml';
    const dir = broken('tenant-flow-param', {
      [file]: (text) => text.replace(/pattern: .*/, 'pattern: "[0-9"'),
    });
    const shown = shownPath(dir, file);
    expect(check(dir).errors).toEqual([
      `${shown}:${lineOf(dir, file, 'pattern:')}: flows.login-trouble.identifier.pattern: a regular expression, e.g. "KPT\\\\d{8}" (KPT and eight digits)`,
    ]);
    const fixed = broken('tenant-flow-param-example', { [file]: (text) => text.replace('kind: email-or-insured-number', 'kind: contract-number') });
    expect(check(fixed).errors).toEqual([
      `${shownPath(fixed, file)}:${lineOf(fixed, file, 'kind: contract-number')}: flows.login-trouble.identifier: a contract number needs an example and its format in words (fr, de, it): the texts show them`,
    ]);
  });

  it('reports an entry missing in one language', () => {
    const dir = broken('missing-language', { 'acme/faq/login-password.de.md': null });
    expect(check(dir).errors).toEqual([`${shownPath(dir, 'acme/faq/login-password.de.md')}: translation missing: entry "login-password" has no de version`]);
  });

  it('reports a related entry that does not exist', () => {
    const file = 'acme/faq/documents-upload.fr.md';
    const dir = broken('related', { [file]: replace('related: [login-password]', 'related: [login-pasword]') });
    expect(check(dir).errors).toEqual([`${shownPath(dir, file)}:${lineOf(dir, file, 'related:')}: related entry "login-pasword" does not exist`]);
  });

  it('reports raw HTML and scripts in an answer', () => {
    const file = 'acme/faq/documents-upload.it.md';
    const dir = broken('script', { [file]: (text) => `${text.trimEnd()}\n\n<script>alert(1)</script>\n` });
    expect(check(dir).errors).toEqual([`${shownPath(dir, file)}:${lineOf(dir, file, '<script>')}: raw HTML is not allowed: <script>alert(1)</script>`]);
  });

  it('reports a string missing in one language of locales/', () => {
    const dir = copyFixture('locales-good', { 'it/common.json': replace('"backHome": "Tutte le domande"', '"home": "Tutte le domande"') }, 'content-check-locales');
    const errors = check(copyFixture('content-good'), FIXTURE_FLOWS, dir).errors;
    expect(errors).toContain(`${shownPath(dir, 'it/common.json')}: translation missing: "help.backHome"`);
  });
});

describe('checkContent: editor checks', () => {
  it('reports a category id used twice in tenant.yaml', () => {
    const file = 'acme/tenant.yaml';
    const dir = broken('duplicate-category', {
      [file]: (text) => `${text.trimEnd()}\n  - id: login\n    title: { fr: Accès, de: Zugang, it: Accesso }\n`,
    });
    const lines = check(dir).errors;
    expect(lines).toEqual([`${shownPath(dir, file)}:${lineOf(dir, file, 'title: { fr: Accès') - 1}: category id "login" is used twice`]);
  });

  it('reports a trigger key that names no flow, and one of a flow the tenant does not offer', () => {
    const file = 'acme/triggers/fr.yaml';
    const flows: ReadonlyMap<string, CheckedFlow> = new Map([...FIXTURE_FLOWS, ['deductible-change', { id: 'deductible-change' }]]);
    const dir = broken('trigger', {
      [file]: (text) => `${text.trimEnd()}\nlogin-troubles:\n  - mot de passe perdu\ndeductible-change:\n  - changer ma franchise\n`,
    });
    expect(check(dir, flows).errors).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, 'login-troubles:')}: flow "login-troubles" does not exist (flows of acme: login-trouble)`,
      `${shownPath(dir, file)}:${lineOf(dir, file, 'deductible-change:')}: flow "deductible-change" is not offered by acme (flows of acme: login-trouble): list it under "flows:" in acme/tenant.yaml, or remove these triggers`,
    ]);
  });

  it('reports flow texts that locales/ does not have, in each language', () => {
    const flows: ReadonlyMap<string, CheckedFlow> = new Map([
      [
        'login-trouble',
        {
          id: 'login-trouble',
          params: loginTroubleParams,
          steps: {
            problem: {
              text: (ctx) => ctx.t('flows:login-trouble.problem', { portal: ctx.tenant.portal[ctx.lang] }),
              choices: (ctx) => [{ id: 'password', label: ctx.t('flows:login-trouble.choices.password'), next: 'problem' }],
            },
          } satisfies FlowDef['steps'],
        },
      ],
    ]);
    const content = copyFixture('content-good');
    const missing = check(content, flows).errors;
    for (const lang of ['fr', 'de', 'it']) {
      const file = shownPath(GOOD_LOCALES, `${lang}/flows.json`);
      expect(missing).toContain(`${file}: translation missing: "login-trouble.title" (title of flow login-trouble)`);
      expect(missing).toContain(`${file}: translation missing: "login-trouble.problem" (flow login-trouble, step problem, acme)`);
      expect(missing).toContain(`${file}: translation missing: "login-trouble.choices.password" (flow login-trouble, step problem, acme)`);
    }
    expect(missing).toHaveLength(9);

    const texts = JSON.stringify({ 'login-trouble': { title: 'x', problem: 'x {{portal}}', choices: { password: 'x' } } });
    const locales = copyFixture('locales-good', { 'fr/flows.json': texts, 'de/flows.json': texts, 'it/flows.json': texts }, 'content-check-flow-texts');
    expect(check(content, flows, locales).errors).toEqual([]);
  });

  it('checks every flow text of the shipped flows in every language', () => {
    const locales = copyFixture('locales-good', {}, 'content-check-shipped-flows');
    const errors = check(SHIPPED.contentDir, FLOWS, locales).errors;
    // The fixture locales hold no flow texts: each flow of the product is found missing in them.
    for (const id of FLOWS.keys()) expect(errors).toContain(`${shownPath(locales, 'fr/flows.json')}: translation missing: "${id}.title" (title of flow ${id})`);
  });

  it('accepts https:// links, e-mail addresses and links to FAQ pages that exist', () => {
    const file = 'acme/faq/login-password.de.md';
    const dir = broken('good-links', {
      [file]: (text) =>
        `${text.trimEnd()}\n\nSiehe [Anleitung](https://my.acme.example/hilfe), [Dokumente](/acme/de/faq/documents-upload) oder help@acme.example.\n`,
    });
    expect(check(dir)).toEqual({ errors: [], warnings: [] });
  });

  it.each([
    ['http://my.acme.example/hilfe', 'link "http://my.acme.example/hilfe" must use https://'],
    ['javascript:alert(1)', 'link "javascript:alert(1)" must be an https:// address or an FAQ page like /<tenant>/fr/faq/<id>'],
    ['/acme/de/faq/nope', 'link "/acme/de/faq/nope": there is no entry "nope" for acme'],
    ['/other/de/faq/login-password', 'link "/other/de/faq/login-password": there is no tenant "other"'],
    ['/acme/en/faq/login-password', 'link "/acme/en/faq/login-password": "en" is not fr, de or it'],
    ['/acme/de/chat', 'link "/acme/de/chat" must be an https:// address or an FAQ page like /<tenant>/fr/faq/<id>'],
    ['https://', 'link "https://" is not a valid address'],
  ])('reports the link %s at its line', (href, message) => {
    const file = 'acme/faq/login-password.de.md';
    const dir = broken('bad-link', { [file]: (text) => `${text.trimEnd()}\n\nMehr dazu [hier](${href}).\n` });
    expect(check(dir).errors).toEqual([`${shownPath(dir, file)}:${lineOf(dir, file, 'Mehr dazu')}: ${message}`]);
  });

  it.each(['javascript:alert(1)', 'data:text/html,x', 'http://www.acme.example', 'https://www.acme.example/hilfe', 'null', 'https://'])(
    'refuses the embedding origin %s (https origins only, no path)',
    (origin) => {
      const dir = broken('bad-embed-origin', { 'acme/tenant.yaml': (text) => text.replace('- https://www.acme.example', `- ${JSON.stringify(origin)}`) });
      const { errors } = check(dir);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/allowedOrigins.*an origin like "https:\/\/www\.example\.ch" \(https, no path\)/);
    },
  );

  it('accepts https origins and a loopback page to try the widget on', () => {
    const dir = broken('good-embed-origins', { 'acme/tenant.yaml': (text) => text.replace('- https://www.acme.example', '- https://www.acme.example\n    - https://portal.acme.example:8443\n    - http://localhost:5173') });
    expect(check(dir).errors).toEqual([]);
  });

  it('accepts Swiss phone numbers written the usual way', () => {
    const file = 'acme/faq/login-password.it.md';
    const dir = broken('good-phones', {
      [file]: (text) => `${text.trimEnd()}\n\nChiamate lo [0800 100 200](tel:+41800100200), lo [031 555 09 11](tel:+41315550911) o il [+41 31 555 09 11](tel:+41315550911) (IBAN CH93 0076 2011 6238 5295 7, 01.02.2025).\n`,
    });
    expect(check(dir)).toEqual({ errors: [], warnings: [] });
  });

  it.each([
    ['0800100200', ''],
    ['0800-100-200', ''],
    ['031 555 0911', ''],
    ['0800 100 20', ' (9 digits: Swiss numbers have 10)'],
    ['+41 (0)31 555 09 11', ' (11 digits: Swiss numbers have 10)'],
  ])('reports the phone number %s at its line', (number, hint) => {
    const file = 'acme/faq/login-password.it.md';
    const dir = broken('bad-phone', { [file]: (text) => `${text.trimEnd()}\n\nChiamate il ${number} per aiuto.\n` });
    expect(check(dir).errors).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, 'Chiamate il')}: phone number "${number}" should be written like "0800 815 415" or "031 555 09 11"${hint}`,
    ]);
  });

  it('warns about an alternate shared by two entries, and one that is another entry’s question', () => {
    const file = 'acme/faq/login-password.fr.md';
    const dir = broken('alternates', {
      [file]: replace('  - réinitialiser le mot de passe', '  - Envoyer une facture\n  - comment envoyer un document'),
    });
    const result = check(dir);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, 'Envoyer une facture')}: alternate "Envoyer une facture" is also an alternate of "documents-upload"`,
      `${shownPath(dir, file)}:${lineOf(dir, file, 'comment envoyer')}: alternate "comment envoyer un document" is the question of "documents-upload"`,
    ]);
  });

  it('warns about a word in two synonym groups', () => {
    const file = 'synonyms/it.yaml';
    const dir = broken('synonyms', { [file]: (text) => `${text.trimEnd()}\n- [parola d'accesso, codice]\n` });
    const result = check(dir);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(new RegExp(`^${escape(shownPath(dir, file))}:\\d+: "parola d'accesso" is also in the group on line 1; a word belongs to one group only$`));
  });
});

describe('formatCheck', () => {
  it('prints errors, then warnings marked as such, and exits 1 only on errors', () => {
    const problems = { errors: [{ file: 'a.md', line: 3, message: 'bad' }], warnings: [{ file: 'b.yaml', message: 'odd' }] };
    expect(formatCheck(problems)).toEqual({ lines: ['a.md:3: bad', 'b.yaml: warning: odd'], summary: 'content:check: 1 error, 1 warning', exitCode: 1 });
    expect(formatCheck({ errors: [], warnings: problems.warnings }).exitCode).toBe(0);
  });
});

describe('npm run content:check on a broken fixture', () => {
  it('prints file:line: message per problem and exits 1', () => {
    const dir = join(FIXTURES, 'content-broken');
    const run = runCli({ CONTENT_DIR: dir, LOCALES_DIR: GOOD_LOCALES });
    const at = (file: string, needle: string) => `${shownPath(dir, file)}:${lineOf(dir, file, needle)}`;
    const page = 'acme/faq/login-password.fr.md';
    expect([...problemLines(run.lines), run.lines.at(-1)]).toEqual([
      `${at(page, 'http://')}: link "http://my.acme.example/aide" must use https://`,
      `${at(page, 'documents-uplaod')}: link "/acme/fr/faq/documents-uplaod": there is no entry "documents-uplaod" for acme`,
      `${at(page, '0800100200')}: phone number "0800100200" should be written like "0800 815 415" or "031 555 09 11"`,
      `${at('acme/triggers/fr.yaml', 'password-reset:')}: flow "password-reset" does not exist (flows of acme: none)`,
      `${at(page, '- envoyer une facture')}: warning: alternate "envoyer une facture" is also an alternate of "documents-upload"`,
      `${at('synonyms/de.yaml', 'quittung')}: warning: "beleg" is also in the group on line 2; a word belongs to one group only`,
      'content:check: 4 errors, 2 warnings',
    ]);
    expect(thinLines(run.lines)).toContain('  acme/fr faq:login-password: 3 phrasings (8 or more wanted), none asks about a detail (how long, how many, until when)');
    expect(run.status).toBe(1);
  });
});

describe('npm run content:check: the chat\'s opening suggestions', () => {
  it('names a suggestion without an FAQ entry at its line in tenant.yaml, and exits 1', () => {
    const file = 'acme/tenant.yaml';
    const dir = broken('suggestions', { [file]: replace('categories:\n', 'suggestions:\n  - login-password\n  - login-pasword\n  - documents-upload\ncategories:\n') });
    const run = runCli({ CONTENT_DIR: dir, LOCALES_DIR: GOOD_LOCALES });
    // (The CLI knows every flow of the product, whose texts the fixture's locales lack: those lines are not ours.)
    const ours = run.lines.filter((l) => l.includes('suggestions'));
    expect(ours).toEqual([`${shownPath(dir, file)}:${lineOf(dir, file, '- login-pasword')}: suggestions: there is no FAQ entry "login-pasword" (a file faq/login-pasword.<lang>.md)`]);
    expect(run.status).toBe(1);
  });

  it('reads the inline list form too', () => {
    const file = 'acme/tenant.yaml';
    const dir = broken('suggestions-inline', { [file]: replace('categories:\n', 'suggestions: [login-password, documents-uplaod]\ncategories:\n') });
    expect(check(dir).errors).toEqual([`${shownPath(dir, file)}:${lineOf(dir, file, 'suggestions:')}: suggestions: there is no FAQ entry "documents-uplaod" (a file faq/documents-uplaod.<lang>.md)`]);
  });
});

describe('npm run content:check: when support answers (support.responseTime)', () => {
  const file = 'acme/tenant.yaml';
  const hours = '    - { days: [mon, tue, wed, thu, fri], open: "08:00", close: "17:00" }\n';
  const withTime = (setting: string, mark = '  # EDITOR SETTING: how soon support answers\n') => ({ [file]: replace(hours, `${hours}${mark}  responseTime: ${setting}\n`) });

  it('accepts working days or hours marked as an editor setting', () => {
    expect(check(broken('response-days', withTime('{ workingDays: 2 }')))).toEqual({ errors: [], warnings: [] });
    expect(check(broken('response-hours', withTime('{ hours: 24 }')))).toEqual({ errors: [], warnings: [] });
  });

  it('reports a value that is not a response time, at its line', () => {
    const zero = broken('response-zero', withTime('{ hours: 0 }'));
    const days = broken('response-unit', withTime('{ days: 2 }'));
    const run = runCli({ CONTENT_DIR: zero, LOCALES_DIR: GOOD_LOCALES });
    expect(run.lines).toEqual([`${shownPath(zero, file)}:${lineOf(zero, file, 'responseTime:')}: support.responseTime.hours: at least 1 hour`, 'content:check: 1 error, 0 warnings']);
    expect(run.status).toBe(1);
    expect(check(days).errors).toEqual([`${shownPath(days, file)}:${lineOf(days, file, 'responseTime:')}: support.responseTime: either "workingDays: 2" or "hours: 24"`]);
  });

  it('asks for the EDITOR SETTING mark, since the source pages give no response time', () => {
    const dir = broken('response-unmarked', withTime('{ workingDays: 2 }', ''));
    const errors = check(dir).errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^${escape(shownPath(dir, file))}:${lineOf(dir, file, 'responseTime:')}: .*responseTime`));
  });

  it('warns when a tenant offers the contact form without one', () => {
    const flows: ReadonlyMap<string, CheckedFlow> = new Map([...FIXTURE_FLOWS, ['contact', { id: 'contact' }]]);
    const dir = broken('response-missing', { [file]: replace('flows:\n', 'flows:\n  contact:\n') });
    expect(check(dir, flows).warnings).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, 'support:')}: support.responseTime is not set: the contact confirmation cannot say when support answers (e.g. "responseTime: { workingDays: 2 }", an EDITOR SETTING)`,
    ]);
    const set = broken('response-set', { [file]: (t) => withTime('{ workingDays: 2 }')[file]!(t as string).replace('flows:\n', 'flows:\n  contact:\n') });
    expect(check(set, flows)).toEqual({ errors: [], warnings: [] });
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('npm run content:check names thin phrasings', () => {
  it('lists the labels with too few phrasings in a language, and entries none of whose phrasings asks about a detail', () => {
    const dir = copyFixture('content-good', {}, 'content-check-thin');
    const result = checkContent({ contentDir: dir, localesDir: GOOD_LOCALES }, FIXTURE_FLOWS);
    const thin = result.thin ?? [];
    // Each fixture entry has a question and a few alternates: under the breadth wanted, in every language.
    expect(thin.some((t) => t.tenant === 'acme' && t.lang === 'fr' && t.label.startsWith('faq:') && t.count < t.want)).toBe(true);
    expect(thin.some((t) => t.tenant === 'acme' && t.label === 'flow:login-trouble')).toBe(true);
    const run = runCli({ CONTENT_DIR: dir, LOCALES_DIR: GOOD_LOCALES });
    expect(run.lines).toContain('thin phrasings (add some where you can):');
    expect(run.lines.some((l) => /^ {2}acme\/fr faq:[\w-]+: \d+ phrasings? \(8 or more wanted\)/.test(l))).toBe(true);
  });
});
