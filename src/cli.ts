/**
 * Command-line entry for pipelines: the same engine code as the extension, no VS Code.
 *   node dist/cli.js images [--json]
 */
import { DockerEngine } from './engine/dockerEngine';
import { describeEngineError } from './engine/engineError';
import { formatAge, formatBytes, shortId } from './engine/format';
import { toImageEntries } from './engine/images';

const USAGE = 'usage: strata images [--json] [--all]';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'images') {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
  }
  const engine = new DockerEngine();
  let images;
  try {
    images = await engine.listImages();
  } catch (err) {
    process.stderr.write(`${describeEngineError(err, engine.endpoint).message}\n`);
    return 2;
  }
  const entries = toImageEntries(images, { showDangling: rest.includes('--all') });
  if (rest.includes('--json')) {
    process.stdout.write(`${JSON.stringify(entries.map((e) => ({ reference: e.reference, id: e.image.id, size: e.image.size, created: e.image.created.toISOString() })), null, 2)}\n`);
    return 0;
  }
  for (const e of entries) {
    process.stdout.write(`${e.reference}\t${shortId(e.image.id)}\t${formatBytes(e.image.size)}\t${formatAge(e.image.created)}\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`strata: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
