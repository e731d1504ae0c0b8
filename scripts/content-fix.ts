/**
 * npm run content:fix
 * Repairs what `content:check` reports as French typography (no-break spaces before : ; ? !, inside « »,
 * before % and units; times as "8 h"), in the French FAQ answers and questions of CONTENT_DIR and the
 * French interface texts of LOCALES_DIR. Alternates are left alone: they are how visitors type.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fixFrench } from '../src/content/typography.ts';

const contentDir = process.env.CONTENT_DIR || './content';
const localesDir = process.env.LOCALES_DIR || './locales';

/** The French FAQ file with its question and answer fixed; front matter otherwise untouched. */
function fixEntry(text: string): string {
  const lines = text.split('\n');
  let fences = 0;
  return lines
    .map((line) => {
      if (line === '---' && fences < 2) {
        fences++;
        return line;
      }
      if (fences === 1) {
        const q = /^(question:\s*)(.*)$/.exec(line);
        return q ? q[1] + fixFrench(q[2]!) : line;
      }
      return fences >= 2 ? fixFrench(line) : line;
    })
    .join('\n');
}

/** A locale file with each string value fixed (keys and layout untouched). */
const fixLocale = (text: string) =>
  text
    .split('\n')
    .map((line) => line.replace(/^(\s*"[^"]+":\s*")(.*)(",?\s*)$/, (_m, head: string, value: string, tail: string) => head + fixFrench(value) + tail))
    .join('\n');

const changed: string[] = [];
const apply = (path: string, fix: (text: string) => string) => {
  const before = readFileSync(path, 'utf8');
  const after = fix(before);
  if (after !== before) {
    writeFileSync(path, after);
    changed.push(relative(process.cwd(), path) || path);
  }
};

for (const tenant of existsSync(contentDir) ? readdirSync(contentDir, { withFileTypes: true }) : []) {
  const faq = join(contentDir, tenant.name, 'faq');
  if (!tenant.isDirectory() || !existsSync(faq)) continue;
  for (const name of readdirSync(faq).filter((f) => f.endsWith('.fr.md'))) apply(join(faq, name), fixEntry);
}
const frLocales = join(localesDir, 'fr');
for (const name of existsSync(frLocales) ? readdirSync(frLocales).filter((f) => f.endsWith('.json')) : []) apply(join(frLocales, name), fixLocale);

for (const file of changed) console.log(`fixed ${file}`);
console.log(`content:fix: ${changed.length} file${changed.length === 1 ? '' : 's'} changed`);
