/**
 * Which editor file teaches the assistant a label, and the exact line where a phrasing goes: an FAQ
 * entry's `alternates`, a flow's triggers, the intents (a person, greetings), or the out-of-scope
 * examples. Read from the files as they are on disk now, with the line numbers `content:check` uses.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { FRONT_MATTER } from '../content/load.ts';
import type { Lang, TenantContent } from '../content/types.ts';
import { placeOfList } from '../content/yaml-file.ts';

export type EditPlace = {
  /** The file, as content:check names it (relative to the working folder). */
  file: string;
  /** The list the phrasing joins, as its key is written. */
  list: string;
  /** The line of the list's key. */
  keyLine: number;
  /** The phrasing goes on the line after this one. */
  after: number;
  /** The text to add there, ready to copy. */
  add: string;
  /** The list is written `[a, b]` on one line: the phrasing goes inside the brackets. */
  inline: boolean;
};

export type EditTarget =
  | { kind: 'faq'; id: string }
  | { kind: 'flow'; flow: string; step?: string }
  | { kind: 'contact' }
  | { kind: 'smalltalk'; intent: 'greeting' | 'thanks' | 'goodbye' }
  | { kind: 'oos' };

/** A label key of the understanding model ("faq:login-code-card", "flow:login-trouble/code", "oos"). */
export function targetOfLabel(key: string): EditTarget | undefined {
  const [kind, rest] = [key.slice(0, key.indexOf(':') < 0 ? key.length : key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (kind === 'faq' && rest) return { kind: 'faq', id: rest };
  if (kind === 'flow' && rest) {
    const [flow, step] = rest.split('/') as [string, string | undefined];
    return step ? { kind: 'flow', flow, step } : { kind: 'flow', flow };
  }
  if (key === 'contact') return { kind: 'contact' };
  if (key === 'oos') return { kind: 'oos' };
  if (kind === 'smalltalk' && (rest === 'greeting' || rest === 'thanks' || rest === 'goodbye')) return { kind: 'smalltalk', intent: rest };
  return undefined;
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
};

/** One list item as YAML writes it: quoted only when the text needs it. */
const item = (indent: string, phrasing: string) => `${indent}${stringify([phrasing], { lineWidth: 0 }).trimEnd()}`;

/**
 * Where `phrasing` would teach the assistant `target` for a tenant and language; undefined when the file
 * or its list cannot be found (a file broken on disk is shown on the status page instead).
 */
export function whereToAdd(opts: { contentDir: string; tenant: TenantContent; lang: Lang }, target: EditTarget, phrasing: string): EditPlace | undefined {
  const { contentDir, tenant, lang } = opts;
  const oneLine = phrasing.replace(/\s+/g, ' ').trim();
  const yamlPlace = (path: string, list: string, offset = 0, source = readText(path)): EditPlace | undefined => {
    if (source === undefined) return undefined;
    const place = placeOfList(source, list, offset);
    const file = relative(process.cwd(), resolve(path)) || path;
    if (!place) return undefined;
    const add = place.inline ? JSON.stringify(oneLine) : item(place.indent, oneLine);
    return { file, list, keyLine: place.keyLine, after: place.after, add, inline: place.inline };
  };
  switch (target.kind) {
    case 'faq': {
      const entry = tenant.entries[lang].find((e) => e.id === target.id);
      if (!entry) return undefined;
      const source = readText(resolve(entry.file));
      const fm = source === undefined ? undefined : FRONT_MATTER.exec(source);
      if (!fm) return undefined;
      const alternates = yamlPlace(entry.file, 'alternates', 1, fm[1]!);
      if (alternates) return alternates;
      // An entry without alternates yet: the list starts under the question.
      const question = placeOfList(fm[1]!, 'question', 1);
      if (!question) return undefined;
      const file = relative(process.cwd(), resolve(entry.file)) || entry.file;
      return { file, list: 'alternates', keyLine: question.keyLine, after: question.after, add: `alternates:\n${item('  ', oneLine)}`, inline: false };
    }
    case 'flow':
      return yamlPlace(join(contentDir, tenant.tenant.id, 'triggers', `${lang}.yaml`), target.step ? `${target.flow}/${target.step}` : target.flow);
    case 'contact':
      return yamlPlace(join(contentDir, 'intents', `${lang}.yaml`), 'contact');
    case 'smalltalk':
      return yamlPlace(join(contentDir, 'intents', `${lang}.yaml`), target.intent);
    case 'oos':
      return yamlPlace(join(contentDir, 'understanding', `${lang}.yaml`), 'outOfScope');
  }
}
