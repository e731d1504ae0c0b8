/**
 * The house style of `content:check`: domain terms per language, one name per portal button (glossary),
 * links where an answer names a form, page or phone line, French typography (with `content:fix`),
 * times, and tenant settings that say where they come from. Each rule fails on a copy of the valid
 * fixture broken in one place, naming the file and line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loginTroubleParams } from '../../src/flows/login-trouble.ts';
import { checkContent, type CheckedFlow } from '../../src/content/check.ts';
import { formatProblem } from '../../src/content/types.ts';
import { fixFrench, frenchIssues } from '../../src/content/typography.ts';
import { ROOT } from '../helpers/app.ts';
import { copyFixture, FIXTURES, lineOf, removeCopies, replace, shownPath, type Edit } from '../helpers/fixture-copy.ts';

afterAll(removeCopies);

const FLOWS: ReadonlyMap<string, CheckedFlow> = new Map([['login-trouble', { id: 'login-trouble', params: loginTroubleParams }]]);
const LOCALES = join(FIXTURES, 'locales-good');

const STYLE_DE = `terms:
  - avoid: Selbstbehalt
    near: [Franchise]
    use: Franchise
    why: Der Selbstbehalt ist die Kostenbeteiligung von 10 %, nicht die Franchise.
    in: [text, alternates, synonyms]
needsLink: [Login-Seite]
`;
const GLOSSARY = `- id: forgot-password
  what: the link under the password field
  fr: Mot de passe oublié
  de: Passwort vergessen
  it: Password dimenticata
  avoid:
    de: [Passwort zurücksetzen]
`;
const LOGIN_LINK = '[Login-Seite](https://my.acme.example/login)';

/** A copy of the valid fixture with a German house style whose login page is linked, plus `edits`. */
const DE = 'acme/faq/login-password.de.md';
function styled(what: string, edits: Record<string, Edit> = {}): string {
  const link = replace('auf der Login-Seite', `auf der ${LOGIN_LINK}`);
  const then = edits[DE];
  // The test's own edit of the German entry applies after the link is in place.
  const de: Edit = typeof then === 'function' ? (text) => then(link(text)) : link;
  return copyFixture('content-good', { 'style/de.yaml': STYLE_DE, ...edits, [DE]: de }, `house-style-${what}`);
}

function check(dir: string) {
  const result = checkContent({ contentDir: dir, localesDir: LOCALES }, FLOWS);
  return { errors: result.errors.map(formatProblem), warnings: result.warnings.map(formatProblem) };
}

function cli(script: string, dir: string, localesDir = LOCALES) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', script)], {
    cwd: ROOT,
    env: { ...process.env, CONTENT_DIR: dir, LOCALES_DIR: localesDir },
    encoding: 'utf8',
  });
  return { status: run.status, lines: run.stdout.trim().split('\n') };
}

describe('the styled fixture', () => {
  it('passes, so each copy below fails only because of its edit', () => {
    expect(check(styled('valid'))).toEqual({ errors: [], warnings: [] });
  });
});

describe('domain terms (content/style/<lang>.yaml)', () => {
  it('reports a term used next to the word it is confused with, at its line', () => {
    const dir = styled('term', { [DE]: replace('Sie erhalten einen Link', 'Franchise und Selbstbehalt: Sie erhalten einen Link') });
    expect(check(dir).errors).toEqual([
      `${shownPath(dir, DE)}:${lineOf(dir, DE, 'Selbstbehalt:')}: "Selbstbehalt" next to "Franchise": Der Selbstbehalt ist die Kostenbeteiligung von 10 %, nicht die Franchise. Write "Franchise".`,
    ]);
  });

  it('lets the term stand where it is right (no deductible word near it)', () => {
    const dir = styled('term-alone', { [DE]: (text) => `${text.trimEnd()}\n\nDer Selbstbehalt beträgt 10 % der Kosten.\n` });
    expect(check(dir).errors).toEqual([]);
  });

  it('reports an alternate that uses the term for the deductible', () => {
    const dir = styled('term-alternate', { [DE]: replace('  - Passwort zurücksetzen', '  - Passwort zurücksetzen\n  - Selbstbehalt oder Franchise senken') });
    expect(check(dir).errors).toEqual([
      `${shownPath(dir, DE)}:${lineOf(dir, DE, 'Selbstbehalt oder')}: alternate "Selbstbehalt" next to "Franchise": Der Selbstbehalt ist die Kostenbeteiligung von 10 %, nicht die Franchise. Write "Franchise".`,
    ]);
  });

  it('reports a synonym group that joins the term and the word it is confused with', () => {
    const dir = styled('term-synonyms', { 'synonyms/de.yaml': (text) => `${text.trimEnd()}\n- [franchise, selbstbehalt]\n` });
    expect(check(dir).errors).toEqual([
      `${shownPath(dir, 'synonyms/de.yaml')}:3: synonym group joins "Selbstbehalt" next to "Franchise": Der Selbstbehalt ist die Kostenbeteiligung von 10 %, nicht die Franchise. Write "Franchise".`,
    ]);
  });
});

describe('one name per portal button (<tenant>/glossary.yaml)', () => {
  it('reports another name of a button the glossary names, at its line', () => {
    const dir = styled('glossary', { 'acme/glossary.yaml': GLOSSARY, [DE]: replace('auf **Passwort vergessen**', 'auf «Passwort zurücksetzen»') });
    expect(check(dir).errors).toEqual([
      `${shownPath(dir, DE)}:${lineOf(dir, DE, '«Passwort zurücksetzen»')}: «Passwort zurücksetzen» is called «Passwort vergessen» in the portal (glossary: forgot-password)`,
    ]);
  });

  it('accepts the glossary name', () => {
    const dir = styled('glossary-ok', { 'acme/glossary.yaml': GLOSSARY, [DE]: replace('auf **Passwort vergessen**', 'auf «Passwort vergessen»') });
    expect(check(dir).errors).toEqual([]);
  });
});

describe('links where visitors act', () => {
  it('reports a page named without a link', () => {
    // The fixture names its login page without a link; only the style that asks for one is added.
    const dir = copyFixture('content-good', { 'style/de.yaml': STYLE_DE }, 'house-style-needs-link');
    expect(check(dir).errors).toEqual([
      `${shownPath(dir, DE)}:${lineOf(dir, DE, 'Login-Seite')}: "Login-Seite" is named without a link: link the Login-Seite the visitor needs (a tenant URL like {{url:contactForm}})`,
    ]);
  });

  it('reports a phone number that is not a tel: link, and accepts one that is', () => {
    const plain = styled('phone', { [DE]: (text) => `${text.trimEnd()}\n\nRufen Sie uns an: 0800 100 200.\n` });
    expect(check(plain).errors).toEqual([
      `${shownPath(plain, DE)}:${lineOf(plain, DE, '0800 100 200')}: phone number "0800 100 200" without a link: write [0800 100 200](tel:+41800100200)`,
    ]);
    const linked = styled('phone-ok', { [DE]: (text) => `${text.trimEnd()}\n\nRufen Sie uns an: [0800 100 200](tel:+41800100200).\n` });
    expect(check(linked).errors).toEqual([]);
  });

  it('reports a tel: link that calls another number than the one shown', () => {
    const dir = styled('phone-mismatch', { [DE]: (text) => `${text.trimEnd()}\n\nRufen Sie uns an: [0800 100 200](tel:+41800100201).\n` });
    expect(check(dir).errors).toEqual([
      `${shownPath(dir, DE)}:${lineOf(dir, DE, 'tel:+41800100201')}: link "tel:+41800100201" does not call the number shown, "0800 100 200": write tel:+41800100200`,
    ]);
  });

  it('resolves {{url:<key>}} from tenant.yaml and reports an unknown key at its line', () => {
    const good = styled('url-key', { [DE]: replace(LOGIN_LINK, '[Login-Seite]({{url:portal}})') });
    expect(check(good).errors).toEqual([]);
    const bad = styled('url-key-bad', { [DE]: replace(LOGIN_LINK, '[Login-Seite]({{url:login}})') });
    expect(check(bad).errors).toEqual([`${shownPath(bad, DE)}:${lineOf(bad, DE, '{{url:login}}')}: {{url:login}}: there is no url "login" in tenant.yaml (urls: portal)`]);
  });
});

describe('typography', () => {
  const FR = 'acme/faq/documents-upload.fr.md';

  it('warns about French punctuation without its no-break space, and content:fix repairs it', () => {
    const dir = styled('french', { [FR]: replace('un document\u202f?', 'un document ?') });
    expect(check(dir).warnings).toEqual([
      `${shownPath(dir, FR)}:2: French typography: a no-break space before "; ? !" (not a plain space) (npm run content:fix)`,
    ]);
    const locales = copyFixture('locales-good', {}, 'house-style-french-locales');
    expect(cli('content-fix.ts', dir, locales).lines).toContain(`fixed ${shownPath(dir, FR)}`);
    expect(readFileSync(join(dir, FR), 'utf8')).toContain('question: Comment envoyer un document\u202f?');
    expect(check(dir)).toEqual({ errors: [], warnings: [] });
  });

  it('fixes guillemets, percentages, units and times, and leaves addresses alone', () => {
    expect(fixFrench('«Profil» : 5% de 10 Mo, de 08:00 à 17h30 ; voir https://x.ch/a?b=1 !')).toBe(
      '«\u202fProfil\u202f»\u00a0: 5\u202f% de 10\u00a0Mo, de 8\u00a0h à 17\u00a0h\u00a030\u202f; voir https://x.ch/a?b=1\u202f!',
    );
    expect(frenchIssues(fixFrench('Vraiment ? Oui : «ici»'))).toEqual([]);
  });

  it('warns about times written "08:00" in German', () => {
    const dir = styled('time', { [DE]: (text) => `${text.trimEnd()}\n\nWir sind von 08:00 bis 17:00 für Sie da.\n` });
    expect(check(dir).warnings).toEqual([`${shownPath(dir, DE)}:${lineOf(dir, DE, '08:00')}: times are written "8.00 Uhr", not "08:00"`]);
  });
});

describe('tenant settings say where they come from', () => {
  it('reports a setting with neither "# source:" nor "# EDITOR SETTING", at its line', () => {
    const file = 'acme/tenant.yaml';
    const dir = styled('unmarked', { [file]: replace('portal: https://my.acme.example   # EDITOR SETTING', 'portal: https://my.acme.example') });
    expect(check(dir).errors).toEqual([
      `${shownPath(dir, file)}:${lineOf(dir, file, 'portal: https')}: setting "urls.portal" says nowhere where it comes from: add "# source: <help page>" if the insurer's pages give it, else "# EDITOR SETTING" (to confirm)`,
    ]);
  });

  it('fails `npm run content:check` with the file and line', () => {
    const file = 'acme/tenant.yaml';
    const dir = styled('unmarked-cli', { [file]: replace('  hours:   # EDITOR SETTING', '  hours:') });
    const run = cli('content-check.ts', dir);
    expect(run.status).toBe(1);
    expect(run.lines[0]).toMatch(new RegExp(`^${shownPath(dir, file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${lineOf(dir, file, '  hours:')}: setting "support.hours" says nowhere`));
  });
});
