import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import { formatProblem, LANGS } from '../../src/content/types.ts';
import { copyFixture, lineOf, removeCopies, replace, shownPath } from '../helpers/fixture-copy.ts';

const SHIPPED = fileURLToPath(new URL('../../content', import.meta.url));
const GOOD = 'content-good';

afterAll(removeCopies);

/** The problems of a content folder as editors see them, or a failure if it loaded. */
function problemsOf(dir: string): string[] {
  const result = loadContent(dir);
  if (result.ok) throw new Error(`expected problems, but ${dir} loaded`);
  return result.problems.map(formatProblem);
}

/** A copy of the good fixture with one broken edit, in a folder named after what is broken. */
const broken = (what: string, edits: Parameters<typeof copyFixture>[1]) => copyFixture(GOOD, edits, `content-broken-${what}`);

describe('loadContent: the shipped content', () => {
  const result = loadContent(SHIPPED);

  it('loads with no problems and no warnings', () => {
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('holds both tenants, atupri and kpt', () => {
    if (!result.ok) throw new Error('content did not load');
    expect([...result.content.tenants.keys()].sort()).toEqual(['atupri', 'kpt']);
  });

  it.each(['atupri', 'kpt'])('has every %s entry in fr, de and it with a question and an answer', (tenant) => {
    if (!result.ok) throw new Error('content did not load');
    const tc = result.content.tenants.get(tenant)!;
    const ids = (lang: (typeof LANGS)[number]) => tc.entries[lang].map((e) => e.id).sort();
    expect(ids('fr').length).toBeGreaterThan(10);
    expect(ids('de')).toEqual(ids('fr'));
    expect(ids('it')).toEqual(ids('fr'));
    for (const lang of LANGS) {
      for (const e of tc.entries[lang]) {
        expect(e.lang).toBe(lang);
        expect(e.question.trim().length, `${e.file} question`).toBeGreaterThan(3);
        expect(e.text.trim().length, `${e.file} answer`).toBeGreaterThan(10);
        expect(tc.tenant.categories.map((c) => c.id), `${e.file} category`).toContain(e.category);
      }
    }
  });

  it('gives a short content version that changes with the files', () => {
    if (!result.ok) throw new Error('content did not load');
    const fixture = loadContent(copyFixture(GOOD));
    expect(result.content.version).toMatch(/^[0-9a-f]{12}$/);
    expect(fixture.ok && fixture.content.version).not.toBe(result.content.version);
  });
});

describe('loadContent: a valid fixture tree', () => {
  it('loads, so each broken copy below fails only because of its one edit', () => {
    const result = loadContent(copyFixture(GOOD));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    if (!result.ok) return;
    const acme = result.content.tenants.get('acme')!;
    expect(acme.entries.de.map((e) => e.id)).toEqual(['documents-upload', 'login-password']);
    expect(acme.tenant.portal).toEqual({ fr: 'myAcme', de: 'myAcme', it: 'myAcme' });
  });
});

describe('loadContent: problems are reported as file:line: message', () => {
  it('reports a YAML syntax error in front matter at the line it is on', () => {
    const file = 'acme/faq/login-password.de.md';
    const dir = broken('yaml-syntax', { [file]: replace('category: login', 'category: login: neu') });
    expect(problemsOf(dir)).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, 'category: login: neu')}: YAML: Nested mappings are not allowed in compact mappings`,
    ]);
  });

  it('reports an unknown category at the line of the category', () => {
    const file = 'acme/faq/documents-upload.fr.md';
    const dir = broken('unknown-category', { [file]: replace('category: documents', 'category: billing') });
    expect(problemsOf(dir)).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, 'category: billing')}: category "billing" is not one of login, documents (tenant.yaml)`,
    ]);
  });

  it('reports a missing translation by the missing file and the entry id', () => {
    const dir = broken('missing-translation', { 'acme/faq/documents-upload.it.md': null });
    expect(problemsOf(dir)).toEqual([
      `${shownPath(dir, 'acme/faq/documents-upload.it.md')}: translation missing: entry "documents-upload" has no it version`,
    ]);
  });

  it('reports a related id that does not exist at the line of related', () => {
    const file = 'acme/faq/login-password.it.md';
    const dir = broken('unknown-related', { [file]: replace('related: [documents-upload]', 'related: [documents-uplaod]') });
    expect(problemsOf(dir)).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, 'related:')}: related entry "documents-uplaod" does not exist`,
    ]);
  });

  it('reports raw HTML in an answer at its line', () => {
    const file = 'acme/faq/login-password.fr.md';
    const dir = broken('raw-html', {
      [file]: replace('Vous recevez un lien', 'Appelez-nous <b>avant</b> midi.\n\nVous recevez un lien'),
    });
    expect(problemsOf(dir)).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, '<b>avant')}: raw HTML is not allowed: <b>`,
      `${shownPath(dir, file)}:${lineOf(dir, file, '<b>avant')}: raw HTML is not allowed: </b>`,
    ]);
  });

  it('reports raw HTML at its line when a blank line follows the front matter', () => {
    const file = 'acme/faq/documents-upload.de.md';
    const dir = broken('raw-html-after-blank', {
      [file]: (text) => `${replace('---\nMelden Sie sich', '---\n\nMelden Sie sich')(text).trimEnd()}\n\n<div>Hinweis</div>\n`,
    });
    expect(problemsOf(dir)).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, '<div>')}: raw HTML is not allowed: <div>Hinweis</div>`,
    ]);
  });

  it('reports inline HTML on the second line of a paragraph at that line', () => {
    const file = 'acme/faq/login-password.de.md';
    const dir = broken('raw-html-in-paragraph', {
      [file]: replace('und folgen Sie den Anweisungen.', 'und folgen Sie\nden Anweisungen.<br>'),
    });
    expect(problemsOf(dir)).toEqual([`${shownPath(dir, file)}:${lineOf(dir, file, '<br>')}: raw HTML is not allowed: <br>`]);
  });

  it('reports a bad phone number in tenant.yaml at its line', () => {
    const file = 'acme/tenant.yaml';
    const dir = broken('bad-phone', { [file]: replace('"031 555 09 11"', '"031-555-09-11"') });
    expect(problemsOf(dir)).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, '031-555-09-11')}: support.phones.de.number: a Swiss phone number like "0800 815 415"`,
    ]);
  });

  it('reports a missing front matter at line 1', () => {
    const file = 'acme/faq/documents-upload.it.md';
    const dir = broken('no-front-matter', { [file]: 'Accedete al portale e scegliete **Inviare documenti**.\n' });
    expect(problemsOf(dir)).toEqual([
      `${shownPath(dir, file)}:1: front matter missing: the file must start with a "---" line`,
    ]);
  });

  it('collects the problems of every broken file instead of stopping at the first', () => {
    const dir = broken('two-files', {
      'synonyms/de.yaml': replace('- [dokument, beleg]', '- [dokument]'),
      'acme/tenant.yaml': replace('"0800 100 200"', '"12345"'),
    });
    expect(problemsOf(dir)).toEqual([
      `${shownPath(dir, 'synonyms/de.yaml')}:${lineOf(dir, 'synonyms/de.yaml', '[dokument]')}: 1: a group needs two words or more`,
      `${shownPath(dir, 'acme/tenant.yaml')}:${lineOf(dir, 'acme/tenant.yaml', '"12345"')}: support.phones.fr.number: a Swiss phone number like "0800 815 415"`,
    ]);
  });
});

describe('loadContent: files as editors save them', () => {
  it('reads an entry saved with Windows line endings', () => {
    const file = 'acme/faq/login-password.fr.md';
    const result = loadContent(copyFixture(GOOD, { [file]: (t) => t.replace(/\n/g, '\r\n') }, 'content-crlf'));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    if (!result.ok) return;
    const entry = result.content.tenants.get('acme')!.entries.fr.find((e) => e.id === 'login-password')!;
    expect(entry.question).toBe("J'ai oublié mon mot de passe, que faire\u202f?");
    expect(entry.category).toBe('login');
  });

  it('reads an entry saved with a UTF-8 byte-order mark', () => {
    const file = 'acme/faq/login-password.fr.md';
    const result = loadContent(copyFixture(GOOD, { [file]: (t) => `\uFEFF${t}` }, 'content-bom'));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });
});
