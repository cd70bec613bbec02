/**
 * Command-line entry for pipelines: the same code as the extension, no VS Code.
 *   strata --version | --help | COMMAND --help
 *   strata images [--json] [--all]
 *   strata analyze IMAGE [--json] [--ci [--ci-config PATH] … [--sarif F] [--junit F] [--markdown F] [--dockerfile P]] [--platform OS/ARCH]
 *   strata diff IMAGE IMAGE [--json] [--platform OS/ARCH]
 *   strata cat IMAGE PATH [--layer N]
 *   strata sbom IMAGE [--format cyclonedx|spdx|table] [--platform OS/ARCH]
 *   strata engines [--json]
 *   strata cache [--clear] [--json]
 * An IMAGE is a name on the engine, an archive file, oci-layout://PATH[:TAG] or
 * registry://HOST[:PORT]/REPO:TAG (or @sha256:…), which needs no engine at all.
 * Every command takes --context NAME or --host URL; without them the engine is the docker
 * CLI's (DOCKER_HOST, DOCKER_CONTEXT, the current context, the first socket that answers).
 * Exit codes: 0 done (and every CI rule passed), 1 a CI rule failed, 2 bad input.
 */
import { analyze } from './analyzeCommand';
import { UsageError, out } from './common/args';
import { cache } from './cacheCommand';
import { cat } from './catCommand';
import { diff } from './diffCommand';
import { engines } from './enginesCommand';
import { COMMAND_HELP, USAGE } from './help';
import { images } from './imagesCommand';
import { sbom } from './sbomCommand';

/** The package's version, set by esbuild.js from package.json (`define`). */
declare const STRATA_VERSION: string;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = { images, analyze, diff, cat, sbom, engines, cache };

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      out(command === 'help' && rest[0] !== undefined && Object.hasOwn(COMMAND_HELP, rest[0]) ? COMMAND_HELP[rest[0]] : USAGE);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      out(STRATA_VERSION);
      return 0;
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) {
      throw new UsageError(`unknown command "${command}"`);
    }
    // --help anywhere before a "--" asks for help, whatever else is on the line.
    const flags = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
    if (flags.includes('--help') || flags.includes('-h')) {
      out(COMMAND_HELP[command]);
      return 0;
    }
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      const help = command !== undefined && Object.hasOwn(COMMAND_HELP, command) ? COMMAND_HELP[command] : undefined;
      process.stderr.write(`strata: ${err.message}\n${help ? `${help.split('\n')[0]}\n(strata ${command} --help says more)` : USAGE}\n`);
      return 2;
    }
    // Bad input, an image that cannot be read, a cache that cannot be written: one sentence.
    process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
