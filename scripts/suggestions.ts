/**
 * npm run suggestions -- [--tenant kpt] [--lang fr]
 * Prints the phrasings visitors used for an entry that the assistant did not know yet (picked from "did you
 * mean", or an unsure answer rated helpful), grouped by the entry's file and ready to paste under its
 * `alternates`. Reads DATA_DIR (or DATABASE_URL); changes no file.
 */
import { loadContent } from '../src/content/load.ts';
import { formatProblem, isLang } from '../src/content/types.ts';
import { formatSuggestions, groupSuggestions } from '../src/insights/suggested-alternates.ts';
import { cliArgs, configOrExit, existingStoreOrExit } from './cli.ts';

const USAGE = 'usage: npm run suggestions -- [--tenant kpt] [--lang fr|de|it]';
const { option } = cliArgs(USAGE);
const config = configOrExit();
const lang = option('lang');
if (lang !== undefined && !isLang(lang)) {
  console.error(USAGE);
  process.exit(2);
}
const content = loadContent(config.contentDir);
if (!content.ok) {
  console.error(`The content in ${config.contentDir} does not load:\n${content.problems.map(formatProblem).join('\n')}`);
  process.exit(1);
}
const tenantArg = option('tenant');
const tenants = tenantArg ? [tenantArg] : [...content.content.tenants.keys()];
const unknown = tenants.find((t) => !content.content.tenants.has(t));
if (unknown) {
  console.error(`There is no tenant "${unknown}"; the tenants are ${[...content.content.tenants.keys()].join(', ')}.`);
  process.exit(2);
}
// DATABASE_URL: the shared PostgreSQL database; else the SQLite file in DATA_DIR.
const store = await existingStoreOrExit(config, 'No suggestions yet');
try {
  const lines: string[] = [];
  for (const tenant of tenants) {
    const groups = groupSuggestions(await store.suggestions(tenant), content.content.tenants.get(tenant)!).filter((g) => !lang || g.lang === lang);
    lines.push(...formatSuggestions(groups));
  }
  console.log(lines.length ? lines.join('\n') : 'No suggested phrasings yet.');
} finally {
  await store.close();
}
