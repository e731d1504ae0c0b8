/**
 * The house style `content:check` holds the content to, beyond what the server needs: domain terms per
 * language (content/style/<lang>.yaml), one name per portal button per tenant (<tenant>/glossary.yaml),
 * a link wherever an answer names a form, page, document or phone line, French typography, and tenant
 * settings that say whether a source backs them or an editor set them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import MarkdownIt from 'markdown-it';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { frenchIssues, COLON_TIME } from './typography.ts';
import { LANGS, type Content, type ContentProblem, type FaqEntry, type Lang } from './types.ts';
import { parseYaml } from './yaml-file.ts';

const termSchema = z
  .object({
    /** The word or phrase, matched as a whole word, case and accents ignored. */
    avoid: z.string().min(1),
    /** Only wrong next to one of these (same paragraph, alternate or synonym group). */
    near: z.array(z.string().min(2)).optional(),
    /** Fine next to one of these ("conto" next to "e-banking" is a bank account). */
    unless: z.array(z.string().min(2)).optional(),
    /** What to write instead. */
    use: z.string().optional(),
    why: z.string().min(3),
    /** error (default): fails the check; warning: worth a look. */
    level: z.enum(['error', 'warning']).default('error'),
    /** Where the term is checked: answers and questions (text), alternates, synonym groups. */
    in: z.array(z.enum(['text', 'alternates', 'synonyms'])).default(['text']),
  })
  .strict();

export const styleSchema = z
  .object({
    terms: z.array(termSchema).default([]),
    /** Words that name a form, page or document: a paragraph that has one must have a link. */
    needsLink: z.array(z.string().min(2)).default([]),
  })
  .strict();

export const glossarySchema = z.array(
  z
    .object({
      id: z.string().regex(/^[a-z][a-z0-9-]*$/),
      /** Where the visitor sees it, for editors. */
      what: z.string().min(3),
      fr: z.string().min(1),
      de: z.string().min(1),
      it: z.string().min(1),
      /** Other names of the same thing that must not be used. */
      avoid: z.object({ fr: z.array(z.string()).optional(), de: z.array(z.string()).optional(), it: z.array(z.string()).optional() }).strict().default({}),
    })
    .strict(),
);

export type Style = z.output<typeof styleSchema>;
export type Glossary = z.output<typeof glossarySchema>;
type Term = Style['terms'][number];

/** A text visitors read, with where it is: a FAQ line, a locale line, a flow text of a tenant. */
export type Text = { file: string; line: number; text: string; /** For interface texts: "flows:login-trouble.card". */ key?: string };

type Found = { errors: ContentProblem[]; warnings: ContentProblem[] };
const rel = (path: string) => relative(process.cwd(), path) || path;

// ---- loading -----------------------------------------------------------------------------------

export function loadStyle(contentDir: string, problems: ContentProblem[]): Record<Lang, Style> {
  const out = {} as Record<Lang, Style>;
  for (const lang of LANGS) {
    const file = join(contentDir, 'style', `${lang}.yaml`);
    out[lang] = { terms: [], needsLink: [] };
    if (!existsSync(file)) continue;
    const parsed = parseYaml(readFileSync(file, 'utf8'), styleSchema, rel(file));
    if (parsed.ok) out[lang] = parsed.value;
    else problems.push(...parsed.problems);
  }
  return out;
}

export function loadGlossary(contentDir: string, tenant: string, problems: ContentProblem[]): Glossary {
  const file = join(contentDir, tenant, 'glossary.yaml');
  if (!existsSync(file)) return [];
  const parsed = parseYaml(readFileSync(file, 'utf8'), glossarySchema, rel(file));
  if (parsed.ok) return parsed.value;
  problems.push(...parsed.problems);
  return [];
}

// ---- matching ----------------------------------------------------------------------------------

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[\s\u00a0\u202f]+/g, ' ');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Addresses are not words: "www.e-rechnung.ch" does not use the term "E-Rechnung". */
const withoutAddresses = (s: string) => s.replace(/(?:https?:\/\/|mailto:|tel:|www\.)[^\s)\]]+|\S+@\S+\.\w+|\]\([^)]*\)/g, ' ');
const wordRe = (phrase: string) => new RegExp(`(?<![\\p{L}\\p{N}])${escape(fold(phrase))}(?![\\p{L}\\p{N}])`, 'u');
const has = (text: string, phrase: string) => wordRe(phrase).test(fold(withoutAddresses(text)));

function termProblem(term: Term, text: string): string | undefined {
  if (!has(text, term.avoid)) return undefined;
  if (term.near && !term.near.some((w) => has(text, w))) return undefined;
  if (term.unless?.some((w) => has(text, w))) return undefined;
  const context = term.near ? ` next to "${term.near.find((w) => has(text, w))}"` : '';
  return `"${term.avoid}"${context}: ${term.why}${term.use ? ` Write "${term.use}".` : ''}`;
}

// ---- the checks --------------------------------------------------------------------------------

/** Domain terms in texts (answers, questions, interface texts); alternates and synonym groups where the rule says. */
export function checkTerms(style: Record<Lang, Style>, texts: Record<Lang, Text[]>, content: Content, contentDir: string): Found {
  const found: Found = { errors: [], warnings: [] };
  const push = (term: Term, p: ContentProblem) => (term.level === 'warning' ? found.warnings : found.errors).push(p);
  for (const lang of LANGS) {
    for (const term of style[lang].terms) {
      if (term.in.includes('text')) {
        for (const t of texts[lang]) {
          const message = termProblem(term, t.text);
          if (message) push(term, { file: t.file, line: t.line, message });
        }
      }
      if (term.in.includes('alternates')) {
        for (const [, tc] of content.tenants) {
          for (const e of tc.entries[lang]) {
            for (const alt of e.alternates) {
              const message = termProblem(term, alt);
              if (message) push(term, { file: e.file, line: lineIn(e.file, alt), message: `alternate ${message}` });
            }
          }
        }
      }
      if (term.in.includes('synonyms')) {
        const file = join(contentDir, 'synonyms', `${lang}.yaml`);
        content.synonyms[lang].forEach((all) => {
          // In a group, `unless` names members that are fine ("messaggio di testo" is an SMS).
          const group = all.filter((w) => !term.unless?.some((u) => fold(u) === fold(w)));
          const message = termProblem({ ...term, unless: undefined }, group.join(' | '));
          if (message) push(term, { file: rel(file), line: lineIn(rel(file), group.find((w) => has(w, term.avoid)) ?? all[0]!), message: `synonym group joins ${message}` });
        });
      }
    }
  }
  return found;
}

/** A portal button or menu has one name per language: the glossary's, never one of its `avoid` names. */
export function checkGlossary(glossary: Glossary, texts: Record<Lang, Text[]>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const lang of LANGS) {
    for (const item of glossary) {
      for (const wrong of item.avoid[lang] ?? []) {
        // Buttons are named in guillemets; a plain "modifier l'assurance" in a sentence is not a button name.
        const re = new RegExp(`«[\\s\\u00a0\\u202f]*${escape(fold(wrong))}[\\s\\u00a0\\u202f]*»`, 'u');
        for (const t of texts[lang]) {
          if (re.test(fold(t.text))) problems.push({ file: t.file, line: t.line, message: `«${wrong}» is called «${item[lang]}» in the portal (glossary: ${item.id})` });
        }
      }
    }
  }
  return problems;
}

const md = new MarkdownIt({ html: false, linkify: true });
md.validateLink = () => true;
/** A Swiss phone number as written in answers ("0800 815 416", "+41 31 555 09 11"). */
const PHONE = /(?<![\w+])(?:\+41 ?|0)\d{2,3}(?: \d{2,3}){2,3}(?!\w)/;

/**
 * Where an answer names a form, a page, a document or a phone line, the visitor can act on it: the
 * paragraph (or list item) has a link, and every phone number is a tel: link.
 */
export function checkLinksWhereNeeded(e: FaqEntry, needsLink: string[], bodyLine: number): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const block of md.parse(e.markdown, {})) {
    if (block.type !== 'inline') continue;
    const line = bodyLine + (block.map?.[0] ?? 0);
    const children = block.children ?? [];
    const hasLink = children.some((c) => c.type === 'link_open');
    const plain = children.map((c) => (c.type === 'text' ? c.content : ' ')).join('');
    const named = needsLink.find((w) => has(plain, w));
    if (named && !hasLink) problems.push({ file: e.file, line: lineIn(e.file, block.content.split('\n')[0]!, line), message: `"${named}" is named without a link: link the ${named} the visitor needs (a tenant URL like {{url:contactForm}})` });
    let tel: string | null = null;
    let shown = '';
    for (const c of children) {
      if (c.type === 'link_open') {
        const href = c.attrGet('href') ?? '';
        tel = href.startsWith('tel:') ? href.slice(4) : null;
        shown = '';
      } else if (c.type === 'link_close') {
        // The link must call the number the visitor reads.
        if (tel !== null && PHONE.test(shown) && telOf(shown) !== tel) problems.push({ file: e.file, line: lineIn(e.file, `tel:${tel}`, line), message: `link "tel:${tel}" does not call the number shown, "${shown}": write tel:${telOf(shown)}` });
        tel = null;
      } else if (c.type === 'text' && tel !== null) shown += c.content;
      else if (c.type === 'text') {
        const m = PHONE.exec(c.content);
        // A number with the wrong digit count is reported by the phone check already.
        if (m && m[0].replace(/\D/g, '').replace(/^41/, '0').length === 10) problems.push({ file: e.file, line: lineIn(e.file, m[0], line), message: `phone number "${m[0]}" without a link: write [${m[0]}](tel:${telOf(m[0])})` });
      }
    }
  }
  return problems;
}

export const telOf = (number: string) => `+41${number.replace(/\D/g, '').replace(/^(41|0)/, '')}`;

/** Typography: French no-break spaces (fixable with `content:fix`), times as "8 h" / "8.00 Uhr" / "8.00". */
export function checkTypography(texts: Record<Lang, Text[]>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const t of texts.fr) {
    const issues = frenchIssues(t.text);
    if (issues.length) problems.push({ file: t.file, line: t.line, message: `French typography: ${issues.join('; ')} (npm run content:fix)` });
  }
  for (const lang of ['de', 'it'] as const) {
    for (const t of texts[lang]) {
      if (COLON_TIME.test(withoutAddresses(t.text))) problems.push({ file: t.file, line: t.line, message: `times are written ${lang === 'de' ? '"8.00 Uhr"' : '"8.00"'}, not "08:00"` });
    }
  }
  return problems;
}

const MARK = /EDITOR SETTING|source:/i;
/** The settings a visitor is told about or sent to; each key below these (each URL, each phone line) is one. */
const MARKED = [{ path: ['urls'], each: true }, { path: ['support', 'email'] }, { path: ['support', 'contactForm'] }, { path: ['support', 'phones'], each: true }, { path: ['support', 'hours'] }, { path: ['support', 'responseTime'] }];

/**
 * Every value of tenant.yaml that visitors are told or sent to carries a comment: `# source: …` when the
 * insurer's help pages give it, `# EDITOR SETTING` when an editor set it and must confirm it. The
 * comment may stand on the setting's lines, just above it, or on a parent key (for a whole block).
 */
export function checkSettingMarks(tenantFile: string): ContentProblem[] {
  if (!existsSync(tenantFile)) return [];
  const source = readFileSync(tenantFile, 'utf8');
  const lines = source.split('\n');
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter });
  const lineAt = (offset: number) => counter.linePos(offset).line;
  /** The setting's own lines, or the comment block right above its first line, say where it comes from. */
  const marked = (first: number, last: number) => {
    for (let l = first; l <= last; l++) if (MARK.test(lines[l - 1] ?? '')) return true;
    for (let i = first - 2; i >= 0 && /^\s*#/.test(lines[i]!); i--) if (MARK.test(lines[i]!)) return true;
    return false;
  };
  const problems: ContentProblem[] = [];
  for (const { path, each } of MARKED) {
    // The parent keys' lines (and comments above them) mark everything under them.
    const parents: [number, number][] = [];
    let node: unknown = doc.contents;
    let found: { key: Node; value: unknown } | undefined;
    for (const key of path) {
      if (!isMap(node)) break;
      const pair = node.items.find((it) => isScalar(it.key) && it.key.value === key);
      if (!pair || !pair.key) {
        found = undefined;
        break;
      }
      found = { key: pair.key as Node, value: pair.value };
      node = pair.value;
    }
    if (!found || found.value === null || (isScalar(found.value) && found.value.value === null)) continue;
    let cursor: unknown = doc.contents;
    for (const key of path.slice(0, -1)) {
      const pair = isMap(cursor) ? cursor.items.find((it) => isScalar(it.key) && it.key.value === key) : undefined;
      if (!pair?.key || !(pair.key as Node).range) break;
      const l = lineAt((pair.key as Node).range![0]);
      parents.push([l, l]);
      cursor = pair.value;
    }
    const span = (from: Node, to: unknown): [number, number] => [lineAt(from.range![0]), lineAt(((to as Node)?.range ?? from.range!)[1] - 1)];
    const own = span(found.key, found.value);
    const settings: { name: string; at: [number, number] }[] =
      each && isMap(found.value)
        ? found.value.items.filter((it) => isScalar(it.key)).map((it) => ({ name: [...path, String((it.key as { value: unknown }).value)].join('.'), at: span(it.key as Node, it.value) }))
        : [{ name: path.join('.'), at: own }];
    for (const setting of settings) {
      const around = each ? [...parents, [own[0], own[0]] as [number, number]] : parents;
      if ([setting.at, ...around].some(([a, b]) => marked(a, b))) continue;
      problems.push({ file: rel(tenantFile), line: setting.at[0], message: `setting "${setting.name}" says nowhere where it comes from: add "# source: <help page>" if the insurer's pages give it, else "# EDITOR SETTING" (to confirm)` });
    }
  }
  return problems;
}

// ---- where the texts are -----------------------------------------------------------------------

/** Each visitor-facing line of the entry: the question and the lines of the answer. */
export function entryTexts(e: FaqEntry, bodyLine: number): Text[] {
  const out: Text[] = [{ file: e.file, line: lineIn(e.file, 'question:') ?? 1, text: e.question }];
  e.markdown.split('\n').forEach((text, i) => {
    if (text.trim()) out.push({ file: e.file, line: bodyLine + i, text });
  });
  return out;
}

/** Each string of locales/<lang>/*.json, by line (every value sits on its own line), with its key. */
export function localeTexts(localesDir: string, lang: Lang, files: string[]): Text[] {
  const out: Text[] = [];
  for (const name of files) {
    const path = join(localesDir, lang, name);
    if (!existsSync(path)) continue;
    const ns = name.replace(/\.json$/, '');
    const stack: string[] = [];
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const open = /^\s*"([^"]+)":\s*\{\s*$/.exec(line);
        if (open) return void stack.push(open[1]!);
        if (/^\s*\},?\s*$/.test(line)) return void stack.pop();
        const m = /^\s*"([^"]+)":\s*"(.*)",?\s*$/.exec(line);
        if (!m) return;
        try {
          out.push({ file: rel(path), line: i + 1, text: JSON.parse(`"${m[2]}"`) as string, key: `${ns}:${[...stack, m[1]].join('.')}` });
        } catch {
          /* not a plain string value: loadLocales reports broken JSON */
        }
      });
  }
  return out;
}

function lineIn(file: string, needle: string, from = 1): number | undefined {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  for (let i = Math.max(0, from - 1); i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  return from > 1 ? from : undefined;
}
