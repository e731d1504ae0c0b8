/**
 * npm run content:check
 * Checks every editor file of CONTENT_DIR (default ./content) and LOCALES_DIR (default ./locales) the way
 * the server reads them, plus the editor checks; prints `file:line: message` per problem, exit 1 on errors.
 */
import { checkContent, formatCheck } from '../src/content/check.ts';
import { FLOWS } from '../src/flows/index.ts';

const contentDir = process.env.CONTENT_DIR || './content';
const localesDir = process.env.LOCALES_DIR || './locales';

const report = formatCheck(checkContent({ contentDir, localesDir }, FLOWS));
for (const line of report.lines) console.log(line);
console.log(report.summary);
process.exit(report.exitCode);
