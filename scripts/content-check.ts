/**
 * npm run content:check
 * Checks every editor file of CONTENT_DIR (default ./content) and LOCALES_DIR (default ./locales) the way
 * the server reads them, plus the editor checks; prints `file:line: message` per problem, exit 1 on errors,
 * and names the labels whose phrasings are thin (too few in a language, or none about a detail).
 */
import { formatThin } from '../src/content/breadth.ts';
import { checkContent, formatCheck } from '../src/content/check.ts';
import { FLOWS } from '../src/flows/index.ts';

const contentDir = process.env.CONTENT_DIR || './content';
const localesDir = process.env.LOCALES_DIR || './locales';

const result = checkContent({ contentDir, localesDir }, FLOWS);
const report = formatCheck(result);
for (const line of report.lines) console.log(line);
// Advice, not problems: where the assistant has too few phrasings to learn from.
const thin = formatThin(result.thin ?? []);
if (thin.length) console.log(['', 'thin phrasings (add some where you can):', ...thin.map((l) => `  ${l}`), ''].join('\n'));
console.log(report.summary);
process.exit(report.exitCode);
