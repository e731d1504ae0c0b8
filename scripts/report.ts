/**
 * npm run report -- [--tenant kpt] [--since 30d] [--top 20] [--csv]
 * Prints what visitors could not find: the top unanswered questions, the least helpful entries and the
 * escalation rate per topic, from the question log and feedback in DATA_DIR (or DATABASE_URL). Without --tenant: every tenant.
 */
import { loadContent } from '../src/content/load.ts';
import { buildReport, formatReport, parseSince, reportCsv } from '../src/insights/report.ts';
import { cliArgs, configOrExit, existingStoreOrExit } from './cli.ts';

const USAGE = 'usage: npm run report -- [--tenant kpt] [--since 30d|12h|2w|2025-01-31] [--top 20] [--csv]';

const { args, option } = cliArgs(USAGE);
const config = configOrExit();
const now = new Date();
const period = option('since') ?? '30d';
const since = parseSince(period, now);
const top = Number(option('top') ?? 20);
if (!since || !Number.isInteger(top) || top < 1) {
  console.error(USAGE);
  process.exit(2);
}

// Content gives the tenants and the entries' questions; the report still works from ids without it.
const content = loadContent(config.contentDir);
const known = content.ok ? [...content.content.tenants.keys()] : [];
const tenantArg = option('tenant');
const tenants = tenantArg ? [tenantArg] : known;
if (tenants.length === 0) {
  console.error(`No tenant: name one with --tenant (the content in ${config.contentDir} did not load).`);
  process.exit(2);
}
if (content.ok && tenantArg && !known.includes(tenantArg)) {
  console.error(`There is no tenant "${tenantArg}"; the tenants are ${known.join(', ')}.`);
  process.exit(2);
}

// DATABASE_URL: the shared PostgreSQL database; else the SQLite file in DATA_DIR.
const store = await existingStoreOrExit(config, 'No question log yet');
try {
  const out: string[] = [];
  for (const [i, tenant] of tenants.entries()) {
    const tc = content.ok ? content.content.tenants.get(tenant) : undefined;
    const titleOf = (id: string) => tc?.entries[tc.tenant.defaultLanguage].find((e) => e.id === id)?.question;
    const report = buildReport(await store.questions(tenant, since.toISOString()), await store.feedback(tenant, since.toISOString()), { tenant, since, until: now, top, titleOf });
    // One CSV header for all tenants: the tenant is a column.
    if (args.includes('--csv')) out.push(i === 0 ? reportCsv(report).trimEnd() : reportCsv(report).trimEnd().split('\r\n').slice(1).join('\r\n'));
    else out.push(formatReport(report));
  }
  console.log(out.join(args.includes('--csv') ? '\r\n' : '\n\n'));
} finally {
  await store.close();
}
