import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLocales } from '../../src/content/locales.ts';
import { formatProblem, LANGS } from '../../src/content/types.ts';
import { copyFixture, removeCopies, replace, shownPath } from '../helpers/fixture-copy.ts';

const SHIPPED = fileURLToPath(new URL('../../locales', import.meta.url));
const GOOD = 'locales-good';

afterAll(removeCopies);

function problemsOf(dir: string): string[] {
  const result = loadLocales(dir);
  if (result.ok) throw new Error(`expected problems, but ${dir} loaded`);
  return result.problems.map(formatProblem);
}

describe('loadLocales: the shipped locales', () => {
  const result = loadLocales(SHIPPED);

  it('load with no problems', () => {
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
  });

  it('have the same keys in fr, de and it', () => {
    if (!result.ok) throw new Error('locales did not load');
    const fr = [...result.keys.fr].sort();
    expect(fr.length).toBeGreaterThan(10);
    expect([...result.keys.de].sort()).toEqual(fr);
    expect([...result.keys.it].sort()).toEqual(fr);
  });

  it('translate a key into each language, with values filled in', () => {
    if (!result.ok) throw new Error('locales did not load');
    expect(result.t('fr', 'errors.unknown_tenant')).toBe("Ce centre d'aide n'existe pas.");
    expect(result.t('de', 'help.notFoundTitle')).toBe('Seite nicht gefunden');
    expect(result.t('it', 'help.notFoundTitle')).toBe('Pagina non trovata');
    expect(result.t('fr', 'help.title', { portal: 'CPTnet' })).toBe('Aide CPTnet');
  });

  it('leave values unescaped, since templates and JSON do the escaping', () => {
    if (!result.ok) throw new Error('locales did not load');
    expect(result.t('fr', 'help.results', { query: '<b>&' })).toContain('<b>&');
  });

  it('give every error code of the API a message in every language', () => {
    if (!result.ok) throw new Error('locales did not load');
    for (const code of ['unknown_tenant', 'unsupported_language', 'missing_query', 'invalid_parameter', 'not_found', 'internal_error']) {
      for (const lang of LANGS) {
        const message = result.t(lang, `errors.${code}`);
        expect(message, `${lang} errors.${code}`).not.toBe(`errors.${code}`);
        expect(message.length).toBeGreaterThan(5);
      }
    }
  });
});

describe('loadLocales: a fixture tree', () => {
  it('loads when every key exists in every language', () => {
    const result = loadLocales(copyFixture(GOOD));
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    expect(result.ok && result.t('it', 'help.title', { portal: 'myAcme' })).toBe('Aiuto myAcme');
  });

  it('reports a key missing in one language by file and key', () => {
    const file = 'de/common.json';
    const dir = copyFixture(GOOD, { [file]: replace('"backHome": "Alle Fragen"', '"backHomeX": "Alle Fragen"') }, 'locales-broken-missing-key');
    const problems = problemsOf(dir);
    expect(problems).toContain(`${shownPath(dir, file)}: translation missing: "help.backHome"`);
    // The renamed key is in de only, so fr and it are told they lack it.
    expect(problems).toContain(`${shownPath(dir, 'fr/common.json')}: translation missing: "help.backHomeX"`);
    expect(problems).toContain(`${shownPath(dir, 'it/common.json')}: translation missing: "help.backHomeX"`);
    expect(problems).toHaveLength(3);
  });

  it('reports a whole namespace file missing in one language', () => {
    const dir = copyFixture(GOOD, { 'it/flows.json': '{"start": "Inizio"}' }, 'locales-broken-namespace');
    const problems = problemsOf(dir);
    expect(problems).toEqual([
      `${shownPath(dir, 'fr/flows.json')}: translation missing: "start"`,
      `${shownPath(dir, 'de/flows.json')}: translation missing: "start"`,
    ]);
  });

  it('reports invalid JSON at its line, and nothing else about that file', () => {
    const file = 'fr/common.json';
    const dir = copyFixture(GOOD, { [file]: replace('"backHome": "Toutes les questions"', '"backHome": "Toutes les questions",') }, 'locales-broken-json');
    const problems = problemsOf(dir);
    // The parser stops at the "}" after the stray comma, on line 5.
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/: not valid JSON: /);
    expect(problems[0]!.startsWith(`${shownPath(dir, file)}:5: not valid JSON: `)).toBe(true);
  });
});
