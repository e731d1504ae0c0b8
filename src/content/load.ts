/** Reads the editor folder into typed Content, collecting every problem instead of stopping at the first. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import { findRawHtml, renderHtml, renderText } from './markdown.ts';
import { frontMatterSchema, intentsSchema, synonymsSchema, tenantSchema, tenantSchemaWith, triggersSchema, understandingSchema } from './schema.ts';
import {
  LANGS,
  type Content,
  type ContentProblem,
  type FaqEntry,
  type Intents,
  type Teaching,
  type Lang,
  type Localized,
  type Synonyms,
  type Tenant,
  type TenantContent,
  type Triggers,
} from './types.ts';
import { NO_CACHE, type ParseCache } from './parse-cache.ts';
import { parseYaml } from './yaml-file.ts';

/**
 * What each part of the content was read from, as hashes: one per tenant (its folder) and one for the
 * shared files (synonyms, intents, understanding). What is built from a part need not be built again
 * while its hash stays the same.
 */
export type Fingerprints = { tenants: ReadonlyMap<string, string>; shared: string };

export type LoadResult = { ok: true; content: Content; warnings: ContentProblem[]; fingerprints: Fingerprints } | { ok: false; problems: ContentProblem[] };

const FAQ_FILE = /^([a-z0-9][a-z0-9-]*)\.(fr|de|it)\.md$/;
/** The YAML front matter of an FAQ file, between its "---" lines. */
export const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

export type LoadOptions = {
  /**
   * Each guided flow's parameter schema, by flow id: tenant.yaml may then offer only these flows, and
   * their parameters are checked (with their line) and stored as parsed. Without it, any flow section
   * is read as it stands (for tools that look at the files alone).
   */
  flowParams?: ReadonlyMap<string, z.ZodType>;
  /** Parsed files of the last load, for a process that reloads: unchanged files are not parsed again. */
  cache?: ParseCache;
};

export function loadContent(dir: string, options: LoadOptions = {}): LoadResult {
  const schemaOfTenant = options.flowParams ? tenantSchemaWith(options.flowParams) : tenantSchema;
  const problems: ContentProblem[] = [];
  const cache = options.cache ?? NO_CACHE;
  const hash = createHash('sha256');
  // The part being read (the shared files, then each tenant's folder in turn) and its own hash.
  let part = createHash('sha256');
  const rel = (path: string) => relative(process.cwd(), path) || path;

  const read = (path: string): string | undefined => {
    try {
      // A byte-order mark (some Windows editors write one) is not part of the text.
      const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
      hash.update(path).update(text);
      part.update(path).update('\0').update(text).update('\0');
      return text;
    } catch {
      problems.push({ file: rel(path), message: 'file is missing or unreadable' });
      return undefined;
    }
  };

  const readYaml = <S extends z.ZodType>(path: string, schema: S): z.output<S> | undefined => {
    const text = read(path);
    if (text === undefined) return undefined;
    const parsed = cache.get(`yaml\0${path}\0${text}`, () => parseYaml(text, schema, rel(path)));
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      return undefined;
    }
    return parsed.value;
  };

  const perLang = <S extends z.ZodType>(folder: string, schema: S, fallback: z.output<S>): Localized<z.output<S>> =>
    Object.fromEntries(LANGS.map((l) => [l, readYaml(join(folder, `${l}.yaml`), schema) ?? fallback])) as Localized<
      z.output<S>
    >;

  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { ok: false, problems: [{ file: rel(dir), message: 'content folder not found' }] };
  }

  const synonyms: Synonyms = perLang(join(dir, 'synonyms'), synonymsSchema, []);
  const intents: Intents = perLang(join(dir, 'intents'), intentsSchema, { contact: [], greeting: [], thanks: [], goodbye: [], unhelpful: [], resume: [], restart: [], language: [], delegate: [], affirm: [], deny: [], correction: [], followUp: [], newTopic: [], ordinals: [] });

  // Optional: without these examples the model still learns from the FAQ, triggers and intents alone.
  const understanding = Object.fromEntries(
    LANGS.map((l) => {
      const path = join(dir, 'understanding', `${l}.yaml`);
      return [l, (existsSync(path) ? readYaml(path, understandingSchema) : undefined) ?? { outOfScope: [], act: [], fact: [], detail: [], advice: [], wrappers: [], about: [], otherCompanies: [], us: [] }];
    }),
  ) as Localized<Teaching>;

  const shared = part.digest('hex');
  const tenantVersions = new Map<string, string>();
  const tenants = new Map<string, TenantContent>();
  const tenantDirs = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'tenant.yaml')))
    .map((d) => d.name)
    .sort();
  if (tenantDirs.length === 0) problems.push({ file: rel(dir), message: 'no tenant folder (a folder with a tenant.yaml)' });

  for (const name of tenantDirs) {
    const tenantDir = join(dir, name);
    part = createHash('sha256');
    const parsedTenant = readYaml(join(tenantDir, 'tenant.yaml'), schemaOfTenant) as z.output<typeof tenantSchema> | undefined;
    if (!parsedTenant) continue;
    if (parsedTenant.id !== name) {
      problems.push({ file: rel(join(tenantDir, 'tenant.yaml')), line: 1, message: `id "${parsedTenant.id}" must match the folder name "${name}"` });
      continue;
    }
    const portal = parsedTenant.portal;
    const tenant: Tenant = {
      ...parsedTenant,
      portal: typeof portal === 'string' ? { fr: portal, de: portal, it: portal } : portal,
    };
    const entries = loadFaq(join(tenantDir, 'faq'), tenant, read, problems, rel, cache);
    const triggers: Triggers = perLang(join(tenantDir, 'triggers'), triggersSchema, {});
    tenants.set(name, { tenant, entries, triggers });
    tenantVersions.set(name, part.digest('hex'));
  }

  cache.sweep();
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    content: { tenants, synonyms, intents, understanding, version: hash.digest('hex').slice(0, 12) },
    warnings: [],
    fingerprints: { tenants: tenantVersions, shared },
  };
}

function loadFaq(
  faqDir: string,
  tenant: Tenant,
  read: (path: string) => string | undefined,
  problems: ContentProblem[],
  rel: (path: string) => string,
  cache: ParseCache,
): Localized<FaqEntry[]> {
  const entries: Localized<(FaqEntry & { relatedLine: number })[]> = { fr: [], de: [], it: [] };
  if (!existsSync(faqDir)) {
    problems.push({ file: rel(faqDir), message: 'FAQ folder is missing' });
    return entries;
  }
  const files = readdirSync(faqDir).filter((f) => f.endsWith('.md')).sort();
  const categories = new Set(tenant.categories.map((c) => c.id));
  // Files present per language, parsed or not: a broken file is reported as broken, not as missing.
  const present: Record<Lang, Set<string>> = { fr: new Set(), de: new Set(), it: new Set() };
  for (const name of files) {
    const path = join(faqDir, name);
    const match = FAQ_FILE.exec(name);
    if (!match) {
      problems.push({ file: rel(path), message: 'FAQ file names look like "<id>.<fr|de|it>.md", the id in lower case with hyphens' });
      continue;
    }
    const [, id, lang] = match as unknown as [string, string, Lang];
    present[lang].add(id);
    const source = read(path);
    if (source === undefined) continue;
    const fm = FRONT_MATTER.exec(source);
    if (!fm) {
      problems.push({ file: rel(path), line: 1, message: 'front matter missing: the file must start with a "---" line' });
      continue;
    }
    const parsed = cache.get(`front matter\0${path}\0${fm[1]}`, () => parseYaml(fm[1]!, frontMatterSchema, rel(path), 1));
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const rest = source.slice(fm[0].length);
    const markdown = rest.trim();
    // The line the answer starts on, after the front matter and any blank lines.
    const bodyLine = fm[0].split('\n').length + (rest.length - rest.trimStart().length ? rest.slice(0, rest.length - rest.trimStart().length).split('\n').length - 1 : 0);
    const fieldLine = (field: string) => 1 + source.split('\n').findIndex((l) => l.startsWith(`${field}:`));
    if (!markdown) problems.push({ file: rel(path), line: bodyLine, message: 'the answer is empty' });
    for (const raw of cache.get(`raw html\0${markdown}`, () => findRawHtml(markdown))) {
      problems.push({ file: rel(path), line: bodyLine + raw.line - 1, message: `raw HTML is not allowed: ${raw.tag}` });
    }
    // Addresses the insurer may change live in tenant.yaml; answers name them as {{url:<key>}}.
    const resolved = markdown.replace(/\{\{url:([A-Za-z][\w-]*)\}\}/g, (placeholder, key: string, at: number) => {
      const url = tenant.urls[key];
      if (url) return url;
      const line = bodyLine + markdown.slice(0, at).split('\n').length - 1;
      problems.push({ file: rel(path), line, message: `${placeholder}: there is no url "${key}" in tenant.yaml (urls: ${Object.keys(tenant.urls).join(', ')})` });
      return placeholder;
    });
    const fmv = parsed.value;
    if (!categories.has(fmv.category)) {
      problems.push({ file: rel(path), line: fieldLine('category'), message: `category "${fmv.category}" is not one of ${[...categories].join(', ')} (tenant.yaml)` });
    }
    entries[lang].push({
      id,
      lang,
      question: fmv.question,
      alternates: fmv.alternates,
      category: fmv.category,
      related: fmv.related,
      markdown,
      html: cache.get(`html\0${resolved}`, () => renderHtml(resolved)),
      text: cache.get(`text\0${resolved}`, () => renderText(resolved, { links: true })),
      plain: cache.get(`plain\0${resolved}`, () => renderText(resolved)),
      file: rel(path),
      relatedLine: fieldLine('related'),
    });
  }

  // Every entry exists in the three languages, and related ids point at entries that exist.
  const ids = new Set(LANGS.flatMap((l) => [...present[l]]));
  for (const id of ids) {
    for (const l of LANGS) {
      if (!present[l].has(id)) {
        problems.push({ file: rel(join(faqDir, `${id}.${l}.md`)), message: `translation missing: entry "${id}" has no ${l} version` });
      }
    }
  }
  for (const l of LANGS) {
    for (const e of entries[l]) {
      for (const r of e.related) {
        const line = e.relatedLine > 0 ? e.relatedLine : undefined;
        if (!ids.has(r)) problems.push({ file: e.file, line, message: `related entry "${r}" does not exist` });
        if (r === e.id) problems.push({ file: e.file, line, message: 'an entry cannot be related to itself' });
      }
    }
  }
  return entries;
}
