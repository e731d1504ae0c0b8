/** Loads the interface strings of `locales/<lang>/*.json` into one i18next instance per process. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import i18next, { type i18n } from 'i18next';
import { LANGS, type ContentProblem, type Lang } from './types.ts';

export type Translate = (lang: Lang, key: string, vars?: Record<string, unknown>) => string;

export type LocalesResult = { ok: true; t: Translate; keys: Record<Lang, string[]> } | { ok: false; problems: ContentProblem[] };

export function loadLocales(dir: string): LocalesResult {
  const problems: ContentProblem[] = [];
  const resources: Record<string, Record<string, unknown>> = {};
  const namespaces = new Set<string>();
  // Files that did not parse are reported once as such, not again as every key missing.
  const broken = new Set<string>();
  for (const lang of LANGS) {
    resources[lang] = {};
    const folder = join(dir, lang);
    if (!existsSync(folder)) {
      problems.push({ file: relative(process.cwd(), folder), message: 'locale folder missing' });
      continue;
    }
    for (const name of readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
      const file = join(folder, name);
      const ns = name.replace(/\.json$/, '');
      namespaces.add(ns);
      try {
        resources[lang][ns] = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        // JSON.parse names the position; turn it into a line for editors.
        broken.add(`${lang}/${ns}`);
        const text = readFileSync(file, 'utf8');
        const pos = /position (\d+)/.exec(String(e))?.[1];
        const line = pos ? text.slice(0, Number(pos)).split('\n').length : undefined;
        problems.push({ file: relative(process.cwd(), file), line, message: `not valid JSON: ${String((e as Error).message).split('\n')[0]}` });
      }
    }
  }
  // Every key exists in every language.
  const keys = Object.fromEntries(LANGS.map((l) => [l, flatKeys(resources[l] ?? {})])) as Record<Lang, string[]>;
  const all = new Set(LANGS.flatMap((l) => keys[l]));
  for (const l of LANGS) {
    const have = new Set(keys[l]);
    for (const k of all) {
      const [ns] = k.split(':');
      if (!have.has(k) && !broken.has(`${l}/${ns}`)) {
        problems.push({ file: relative(process.cwd(), join(dir, l, `${ns}.json`)), message: `translation missing: "${k.slice(ns!.length + 1)}"` });
      }
    }
  }
  if (problems.length) return { ok: false, problems };

  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources: resources as never,
    ns: [...namespaces],
    defaultNS: 'common',
    fallbackLng: false,
    initAsync: false,
    // Values are escaped by the templates (eta) or sent as JSON, never inserted into HTML raw.
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  const fixed = Object.fromEntries(LANGS.map((l) => [l, instance.getFixedT(l)]));
  return { ok: true, t: (lang, key, vars) => String(fixed[lang]!(key, vars as never)), keys };
}

function flatKeys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => {
    // The namespace is separated by ":", nested keys by ".", as i18next reads them.
    const key = prefix ? (prefix.includes(':') ? `${prefix}.${k}` : `${prefix}:${k}`) : k;
    return v && typeof v === 'object' ? flatKeys(v as Record<string, unknown>, key) : [key];
  });
}
