/**
 * Command-line entry for pipelines: the same code as the extension, no VS Code.
 *   strata images [--json] [--all]
 *   strata analyze IMAGE [--json] [--ci …] [--platform OS/ARCH]
 *   strata diff IMAGE IMAGE [--json] [--platform OS/ARCH]
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
import { UsageError, out } from './args';
import { cache } from './cacheCommand';
import { diff } from './diffCommand';
import { engines } from './enginesCommand';
import { images } from './imagesCommand';
import { sbom } from './sbomCommand';

const USAGE = `usage:
  strata images [--json] [--all]
  strata analyze IMAGE [--json] [--ci] [--platform OS/ARCH] [--lowest-efficiency N]
                 [--highest-wasted-bytes SIZE] [--highest-user-wasted-percent N]
  strata diff IMAGE IMAGE [--json] [--platform OS/ARCH]
  strata sbom IMAGE [--format cyclonedx|spdx|table] [--platform OS/ARCH]
  strata engines [--json]
  strata cache [--clear] [--json]
IMAGE: a name on the engine, an archive file (docker save), oci-layout://PATH[:TAG],
       or registry://HOST[:PORT]/REPO:TAG | registry://HOST/REPO@sha256:… (no engine needed)
every command: [--context NAME | --host URL]  (unix://, tcp://, ssh://user@host)
analyze, diff, sbom: [--insecure HOST]... (plain HTTP, no certificate checks) [--ca FILE]... (trusted besides the system's)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'images':
        return await images(rest);
      case 'analyze':
        return await analyze(rest);
      case 'diff':
        return await diff(rest);
      case 'sbom':
        return await sbom(rest);
      case 'engines':
        return await engines(rest);
      case 'cache':
        return await cache(rest);
      case undefined:
      case '--help':
      case '-h':
        out(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`strata: ${err.message}\n${USAGE}\n`);
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
