/**
 * The editor checks behind `npm run content:check`: everything the server needs to load (loadContent,
 * loadLocales), plus what only a person would notice: triggers naming missing flows, flow texts without
 * a translation, links and phone numbers, duplicated alternates and overlapping synonym groups.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import MarkdownIt from 'markdown-it';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { offers, paramSchemas, type FlowContext, type FlowDef } from '../chat/flow-types.ts';
import {
  checkGlossary,
  checkLinksWhereNeeded,
  checkSettingMarks,
  checkTerms,
  checkTypography,
  entryTexts,
  loadGlossary,
  loadStyle,
  localeTexts,
  type Text,
} from './house-style.ts';
import { thinLabels, type Thin } from './breadth.ts';
import { loadContent } from './load.ts';
import { loadLocales } from './locales.ts';
import { LANGS, type Content, type ContentProblem, type FaqEntry, type Lang } from './types.ts';

export type CheckResult = {
  /** Problems that stop the content from shipping (exit code 1). */
  errors: ContentProblem[];
  /** Problems worth a look that do not stop it. */
  warnings: ContentProblem[];
  /** Labels whose phrasings are thin (advice for editors: where to add). */
  thin?: Thin[];
};

/** What the checks need to know of a flow: its id, its parameters and (for the text check) its steps. */
export type CheckedFlow = Pick<FlowDef, 'id'> & Partial<Pick<FlowDef, 'steps' | 'params'>>;

export type CheckDirs = { contentDir: string; localesDir: string };

export function checkContent(dirs: CheckDirs, flows: ReadonlyMap<string, CheckedFlow>): CheckResult {
  // Lines are cached for one run only: the status page runs the check again after each edit.
  fileCache.clear();
  try {
    return runChecks(dirs, flows);
  } finally {
    fileCache.clear();
  }
}

function runChecks(dirs: CheckDirs, flows: ReadonlyMap<string, CheckedFlow>): CheckResult {
  // tenant.yaml may offer only flows that exist, each with parameters its schema accepts (file:line).
  const content = loadContent(dirs.contentDir, { flowParams: paramSchemas(flows.values()) });
  const locales = loadLocales(dirs.localesDir);
  const errors: ContentProblem[] = [...(content.ok ? [] : content.problems), ...(locales.ok ? [] : locales.problems)];
  const warnings: ContentProblem[] = content.ok ? [...content.warnings] : [];
  // The checks below read loaded content; a file that does not load is reported above first.
  if (content.ok) {
    const found = checkLoaded(content.content, dirs.contentDir, flows);
    errors.push(...found.errors);
    warnings.push(...found.warnings);
    const used = new Map<string, Set<string>>();
    if (locales.ok) errors.push(...checkFlowTexts(content.content, locales.keys, dirs.localesDir, flows, used));
    const style = checkStyle(content.content, dirs, used);
    errors.push(...style.errors);
    warnings.push(...style.warnings);
  }
  return { errors: sortProblems(errors), warnings: sortProblems(warnings), thin: content.ok ? thinLabels(content.content) : [] };
}

/** The lines `content:check` prints, errors first, and the exit code it ends with. */
export function formatCheck(result: CheckResult): { lines: string[]; summary: string; exitCode: 0 | 1 } {
  const show = (p: ContentProblem, prefix = '') => (p.line ? `${p.file}:${p.line}: ${prefix}${p.message}` : `${p.file}: ${prefix}${p.message}`);
  const lines = [...result.errors.map((p) => show(p)), ...result.warnings.map((p) => show(p, 'warning: '))];
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return {
    lines,
    summary: `content:check: ${n(result.errors.length, 'error')}, ${n(result.warnings.length, 'warning')}`,
    exitCode: result.errors.length ? 1 : 0,
  };
}

// ---- checks on loaded content ---------------------------------------------------------------

function checkLoaded(content: Content, contentDir: string, flows: ReadonlyMap<string, CheckedFlow>): CheckResult {
  const errors: ContentProblem[] = [];
  const warnings: ContentProblem[] = [];
  const rel = (path: string) => relative(process.cwd(), path) || path;

  for (const [tenantId, tc] of content.tenants) {
    const tenantFile = join(contentDir, tenantId, 'tenant.yaml');

    // Category ids are what entries point at: two with one id would make one of them unreachable.
    const seenCategories = new Set<string>();
    for (const cat of tc.tenant.categories) {
      if (seenCategories.has(cat.id)) {
        errors.push({ file: rel(tenantFile), line: lineOfLast(tenantFile, `id: ${cat.id}`), message: `category id "${cat.id}" is used twice` });
      }
      seenCategories.add(cat.id);
    }

    // A flow parameter that names a link names one of the tenant's urls.
    for (const [flowId, params] of Object.entries(tc.tenant.flows)) {
      for (const [name, value] of Object.entries(params)) {
        if (/link$/i.test(name) && typeof value === 'string' && !tc.tenant.urls[value]) {
          errors.push({
            file: rel(tenantFile),
            line: lineOfLast(tenantFile, `${name}: ${value}`),
            message: `flows.${flowId}.${name}: "${value}" is not one of the urls (${Object.keys(tc.tenant.urls).join(', ')})`,
          });
        }
      }
    }

    // The chat's opening suggestions name FAQ entries: one that does not exist is dropped from the chat
    // without a word, so the editor hears it here, at the id's line. (An entry missing in one language
    // does not load at all, and is reported as such above.)
    for (const { value: id, line } of seqItems(tenantFile, 'suggestions')) {
      if (!LANGS.some((lang) => tc.entries[lang].some((e) => e.id === id))) {
        errors.push({ file: rel(tenantFile), line, message: `suggestions: there is no FAQ entry "${id}" (a file faq/${id}.<lang>.md)` });
      }
    }

    // A contact form whose confirmation cannot say when support answers leaves the visitor guessing.
    if (tc.tenant.support.contactForm && offers(tc.tenant, 'contact') && !tc.tenant.support.responseTime) {
      warnings.push({
        file: rel(tenantFile),
        line: lineStarting(tenantFile, 'support:'),
        message: 'support.responseTime is not set: the contact confirmation cannot say when support answers (e.g. "responseTime: { workingDays: 2 }", an EDITOR SETTING)',
      });
    }

    // Trigger keys are flow ids the product knows, offered to this tenant.
    const offered = [...flows.values()].filter((f) => offers(tc.tenant, f.id)).map((f) => f.id);
    for (const lang of LANGS) {
      const file = join(contentDir, tenantId, 'triggers', `${lang}.yaml`);
      const phrases = new Map<string, string>();
      for (const [key, list] of Object.entries(tc.triggers[lang])) {
        const [flowId, step] = key.split('/') as [string, string | undefined];
        const flow = flows.get(flowId);
        const known = `flows of ${tenantId}: ${offered.join(', ') || 'none'}`;
        if (!flow) errors.push({ file: rel(file), line: lineStarting(file, `${key}:`), message: `flow "${flowId}" does not exist (${known})` });
        else if (step && flow.steps && (!flow.steps[step] || flow.steps[step]!.run)) {
          const all = flow.steps;
          const steps = Object.keys(all).filter((s) => !all[s]!.run);
          errors.push({ file: rel(file), line: lineStarting(file, `${key}:`), message: `flow "${flowId}" has no step "${step}" to enter at (${steps.join(', ')})` });
        } else if (!offers(tc.tenant, flowId)) {
          errors.push({
            file: rel(file),
            line: lineStarting(file, `${key}:`),
            message: `flow "${flowId}" is not offered by ${tenantId} (${known}): list it under "flows:" in ${tenantId}/tenant.yaml, or remove these triggers`,
          });
        }
        for (const phrase of list) {
          const folded = normalize(phrase);
          const other = phrases.get(folded);
          if (other !== undefined) {
            warnings.push({ file: rel(file), line: lineOf(file, phrase), message: `trigger "${phrase}" is listed twice (${other === key ? `under ${key}` : `under ${other} and ${key}`})` });
          } else phrases.set(folded, key);
        }
      }
    }

    for (const lang of LANGS) {
      const entries = tc.entries[lang];
      for (const e of entries) {
        errors.push(...checkLinks(e, content));
        errors.push(...checkPhones(e));
      }
      warnings.push(...checkAlternates(entries));
    }
  }

  for (const lang of LANGS) warnings.push(...checkSynonyms(content.synonyms[lang], rel(join(contentDir, 'synonyms', `${lang}.yaml`))));
  return { errors, warnings };
}

const md = new MarkdownIt({ html: false, linkify: true });
// The renderer drops javascript: and similar links silently; the check sees every link to report it.
md.validateLink = () => true;
const FAQ_LINK = /^\/([a-z][a-z0-9-]*)\/([a-z]{2})\/faq\/([a-z0-9][a-z0-9-]*)\/?(?:#[\w-]*)?$/;

/** Links go to https:// addresses, e-mail addresses, or FAQ pages that exist. */
function checkLinks(e: FaqEntry, content: Content): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const body = bodyStart(e);
  for (const block of md.parse(e.markdown, {})) {
    for (const t of block.children ?? []) {
      const href = t.type === 'link_open' ? t.attrGet('href') : t.type === 'image' ? t.attrGet('src') : null;
      if (href === null) continue;
      // linkify turns a bare e-mail address into a mailto: link: that is fine.
      if (t.markup === 'linkify' && href.startsWith('mailto:')) continue;
      const line = body + (block.map?.[0] ?? 0);
      const at = lineOf(e.file, href.replace(/^mailto:/, ''), line) ?? line;
      const problem = linkProblem(href, content);
      if (problem) problems.push({ file: e.file, line: at, message: problem });
    }
  }
  return problems;
}

function linkProblem(href: string, content: Content): string | undefined {
  // {{url:<key>}}: an address of tenant.yaml, checked when the content loads.
  if (/^(?:%7B|\{){2}url:/i.test(href)) return undefined;
  if (href.startsWith('tel:')) return /^tel:\+41\d{9}$/.test(href) ? undefined : `link "${href}" is not a Swiss phone link like "tel:+41800815416"`;
  if (href.startsWith('mailto:')) return /^mailto:[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(href) ? undefined : `link "${href}" is not a valid e-mail address`;
  if (/^https:\/\//i.test(href)) {
    try {
      new URL(href);
      return undefined;
    } catch {
      return `link "${href}" is not a valid address`;
    }
  }
  if (href.startsWith('/')) {
    const m = FAQ_LINK.exec(href);
    if (!m) return `link "${href}" must be an https:// address or an FAQ page like /<tenant>/fr/faq/<id>`;
    const [, tenant, lang, id] = m as unknown as [string, string, string, string];
    const tc = content.tenants.get(tenant);
    if (!tc) return `link "${href}": there is no tenant "${tenant}"`;
    if (!(LANGS as readonly string[]).includes(lang)) return `link "${href}": "${lang}" is not fr, de or it`;
    if (!tc.entries[lang as Lang].some((x) => x.id === id)) return `link "${href}": there is no entry "${id}" for ${tenant}`;
    return undefined;
  }
  if (/^http:\/\//i.test(href)) return `link "${href}" must use https://`;
  return `link "${href}" must be an https:// address or an FAQ page like /<tenant>/fr/faq/<id>`;
}

/** A number that starts like a Swiss phone number: 0 or +41 / 0041, then 8 to 11 more digits in groups. */
const PHONE_CANDIDATE = /(?<![\w+.\/-])(?:\+41|0041|0)(?:[ .\/-]?\(?\d\)?){8,11}(?!\w|[ .\/-]\d)/g;
/** How visitors read them best: "0800 815 415", "031 555 09 11", "+41 31 555 09 11". */
const SWISS_PHONE = /^(?:0\d{2} \d{3} \d{2} \d{2}|0[89]\d{2} \d{3} \d{3}|\+41 \d{2} \d{3} \d{2} \d{2}|\+41 [89]\d{2} \d{3} \d{3})$/;

function checkPhones(e: FaqEntry): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const lines = e.markdown.split('\n');
  const body = bodyStart(e);
  lines.forEach((line, i) => {
    // The number inside a tel: link is the machine's form of the one shown.
    const text = line.replace(/\(tel:[^)]*\)/g, '');
    for (const m of text.matchAll(PHONE_CANDIDATE)) {
      const number = m[0].trim();
      const digits = number.replace(/\D/g, '').replace(/^(0041|41)/, '0');
      if (SWISS_PHONE.test(number)) continue;
      const hint = digits.length !== 10 ? ` (${digits.length} digits: Swiss numbers have 10)` : '';
      problems.push({ file: e.file, line: body + i, message: `phone number "${number}" should be written like "0800 815 415" or "031 555 09 11"${hint}` });
    }
  });
  return problems;
}

/** The same wording twice in one tenant and language makes search pick between entries at random. */
function checkAlternates(entries: FaqEntry[]): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const owner = new Map<string, FaqEntry>();
  for (const e of entries) owner.set(normalize(e.question), e);
  const seen = new Map<string, FaqEntry>();
  for (const e of entries) {
    for (const alt of e.alternates) {
      const key = normalize(alt);
      const line = lineOf(e.file, alt);
      const before = seen.get(key);
      if (before) {
        problems.push({ file: e.file, line, message: before === e ? `alternate "${alt}" is listed twice` : `alternate "${alt}" is also an alternate of "${before.id}"` });
        continue;
      }
      seen.set(key, e);
      const asked = owner.get(key);
      if (asked && asked !== e) problems.push({ file: e.file, line, message: `alternate "${alt}" is the question of "${asked.id}"` });
    }
  }
  return problems;
}

/** A word in two groups joins them into one meaning, which is rarely what the editor meant. */
function checkSynonyms(groups: string[][], file: string): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const lines = groupLines(file);
  const groupOf = new Map<string, number>();
  groups.forEach((group, gi) => {
    const inGroup = new Set<string>();
    for (const word of group) {
      const key = normalize(word);
      const line = lines[gi];
      if (inGroup.has(key)) {
        problems.push({ file, line, message: `"${word}" is listed twice in one group` });
        continue;
      }
      inGroup.add(key);
      const other = groupOf.get(key);
      if (other !== undefined) {
        problems.push({ file, line, message: `"${word}" is also in the group on line ${lines[other] ?? '?'}; a word belongs to one group only` });
      } else groupOf.set(key, gi);
    }
  });
  return problems;
}

// ---- house style ---------------------------------------------------------------------------

/**
 * The house style (src/content/house-style.ts) over everything visitors read: FAQ questions and
 * answers, interface and flow texts; the glossary per tenant over its entries and its flows' texts.
 */
function checkStyle(content: Content, dirs: CheckDirs, usedKeys: ReadonlyMap<string, Set<string>>): CheckResult {
  const errors: ContentProblem[] = [];
  const warnings: ContentProblem[] = [];
  const style = loadStyle(dirs.contentDir, errors);
  const locale = Object.fromEntries(
    LANGS.map((lang) => {
      const folder = join(dirs.localesDir, lang);
      const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.json')).sort() : [];
      return [lang, localeTexts(dirs.localesDir, lang, files)];
    }),
  ) as Record<Lang, Text[]>;
  const faq = { fr: [], de: [], it: [] } as Record<Lang, Text[]>;
  for (const [tenantId, tc] of content.tenants) {
    const own = { fr: [], de: [], it: [] } as Record<Lang, Text[]>;
    for (const lang of LANGS) {
      for (const e of tc.entries[lang]) {
        const body = bodyStart(e);
        own[lang].push(...entryTexts(e, body));
        errors.push(...checkLinksWhereNeeded(e, style[lang].needsLink, body));
      }
      faq[lang].push(...own[lang]);
      // The tenant's flows speak to its visitors too: their texts follow its glossary.
      const keys = usedKeys.get(tenantId) ?? new Set<string>();
      own[lang].push(...locale[lang].filter((t) => t.key && keys.has(t.key)));
    }
    errors.push(...checkGlossary(loadGlossary(dirs.contentDir, tenantId, errors), own));
    errors.push(...checkSettingMarks(join(dirs.contentDir, tenantId, 'tenant.yaml')));
  }
  const texts = Object.fromEntries(LANGS.map((l) => [l, [...faq[l], ...locale[l]]])) as Record<Lang, Text[]>;
  const terms = checkTerms(style, texts, content, dirs.contentDir);
  errors.push(...terms.errors);
  warnings.push(...terms.warnings, ...checkTypography(texts));
  return { errors, warnings };
}

// ---- flow texts ---------------------------------------------------------------------------

/**
 * Runs every step of every flow (text and buttons, for each tenant offering it and each language)
 * with a translator that notes each key, and reports the keys that locales/ does not have.
 */
function checkFlowTexts(
  content: Content,
  keys: Record<Lang, string[]>,
  localesDir: string,
  flows: ReadonlyMap<string, CheckedFlow>,
  used: Map<string, Set<string>>,
): ContentProblem[] {
  const problems: ContentProblem[] = [];
  const reported = new Set<string>();
  for (const flow of flows.values()) {
    if (!flow.steps) continue;
    for (const [tenantId, tc] of content.tenants) {
      if (!offers(tc.tenant, flow.id)) continue;
      for (const lang of LANGS) {
        const have = new Set(keys[lang]);
        const tenantKeys = used.get(tenantId) ?? new Set<string>();
        used.set(tenantId, tenantKeys);
        const exists = (key: string) => {
          const full = key.includes(':') ? key : `common:${key}`;
          tenantKeys.add(full);
          return have.has(full) || have.has(`${full}_one`) || have.has(`${full}_other`);
        };
        const missing = (key: string, where: string) => {
          const full = key.includes(':') ? key : `common:${key}`;
          const [ns, path] = [full.slice(0, full.indexOf(':')), full.slice(full.indexOf(':') + 1)];
          const id = `${lang}|${full}`;
          if (reported.has(id)) return;
          reported.add(id);
          const file = relative(process.cwd(), join(localesDir, lang, `${ns}.json`)) || join(localesDir, lang, `${ns}.json`);
          problems.push({ file, message: `translation missing: "${path}" (${where})` });
        };
        if (!exists(`flows:${flow.id}.title`)) missing(`flows:${flow.id}.title`, `title of flow ${flow.id}`);
        for (const [stepId, step] of Object.entries(flow.steps ?? {})) {
          const where = `flow ${flow.id}, step ${stepId}, ${tenantId}`;
          const ctx = fakeContext(tc.tenant, lang, (key) => {
            if (!exists(key)) missing(key, where);
            return key;
          });
          // A step that needs a backend or data it does not have here throws: its other texts still count.
          try {
            step.text(ctx);
          } catch {
            /* checked as far as it got */
          }
          try {
            step.choices?.(ctx);
          } catch {
            /* checked as far as it got */
          }
        }
      }
    }
  }
  return problems;
}

function fakeContext(tenant: FlowContext['tenant'], lang: Lang, t: (key: string) => string): FlowContext {
  const unavailable = () => {
    throw new Error('content:check runs flows without a backend');
  };
  return {
    tenant,
    lang,
    t: (key) => t(key),
    now: new Date(),
    subject: null,
    account: async () => undefined,
    data: {},
    actions: new Proxy({}, { get: unavailable }) as FlowContext['actions'],
    actionKey: (step) => `content-check:${step}`,
    submitContact: async () => ({ ok: false }),
  };
}

// ---- helpers ------------------------------------------------------------------------------

/** Case, accents and spacing do not make two wordings different. */
const normalize = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[?!.,;:]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();

const fileCache = new Map<string, string[]>();
function linesOf(file: string): string[] {
  const path = resolve(file);
  let lines = fileCache.get(path);
  if (!lines) {
    lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
    fileCache.set(path, lines);
  }
  return lines;
}

/** The 1-based line that starts with `prefix`, if any. */
function lineStarting(file: string, prefix: string): number | undefined {
  const i = linesOf(file).findIndex((l) => l.startsWith(prefix));
  return i >= 0 ? i + 1 : undefined;
}

/** The 1-based line of the first line containing `needle` (from line `from` on), if any. */
function lineOf(file: string, needle: string, from = 1): number | undefined {
  const lines = linesOf(file);
  for (let i = Math.max(0, from - 1); i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  return undefined;
}

function lineOfLast(file: string, needle: string): number | undefined {
  const lines = linesOf(file);
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.includes(needle)) return i + 1;
  return undefined;
}

/** The line the answer starts on in the entry's file. */
function bodyStart(e: FaqEntry): number {
  const text = linesOf(e.file).join('\n');
  const close = text.indexOf('\n---', 3);
  const at = close >= 0 ? text.indexOf(e.markdown, close + 4) : text.indexOf(e.markdown);
  return at >= 0 ? text.slice(0, at).split('\n').length : 1;
}

/** The scalar items of a top-level list of a YAML file (`key: [a, b]` or one per line), with their lines. */
function seqItems(file: string, key: string): { value: string; line: number | undefined }[] {
  const source = linesOf(file).join('\n');
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter });
  const list = isMap(doc.contents) ? doc.contents.get(key, true) : undefined;
  if (!isSeq(list)) return [];
  return list.items.flatMap((item) =>
    isScalar(item) && typeof item.value === 'string' ? [{ value: item.value, line: item.range ? counter.linePos(item.range[0]).line : undefined }] : [],
  );
}

/** The line of each group (top-level list item) of a synonyms file. */
function groupLines(file: string): number[] {
  const source = linesOf(file).join('\n');
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter });
  const out: number[] = [];
  if (isSeq(doc.contents)) {
    for (const item of doc.contents.items) {
      const range = isSeq(item) || isMap(item) || isScalar(item) ? item.range : undefined;
      out.push(range ? counter.linePos(range[0]).line : 0);
    }
  }
  return out;
}

function sortProblems(problems: ContentProblem[]): ContentProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.file.localeCompare(b.p.file) || (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}
