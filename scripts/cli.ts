/** What the editors' command-line scripts share: their options, --help, and the environment's config. */
import { parseConfig, type Config } from '../src/config.ts';

/** The script's arguments; `--help` prints the usage and exits. */
export function cliArgs(usage: string) {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(usage);
    process.exit(0);
  }
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return { args, option };
}

/** The configuration from the environment, or a clear message and exit 2. */
export function configOrExit(): Config {
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    console.error(`Configuration error:\n  ${parsed.errors.join('\n  ')}`);
    process.exit(2);
  }
  return parsed.config;
}
