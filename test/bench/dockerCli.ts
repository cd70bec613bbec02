/**
 * The same work done by spawning the `docker` CLI and parsing what it prints: what an
 * extension that shells out pays (process start, the client's API version check, text).
 */
import { execFile } from 'child_process';

export function docker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`docker ${args.join(' ')} failed: ${stderr.trim() || err.message}`)) : resolve(stdout),
    );
  });
}

/** One JSON object per line, as `--format '{{json .}}'` (and `--format json` for lists) print. */
export function parseJsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/**
 * `--format json` arrived in client 23; older clients print the word "json" per image.
 * Asked once, so the timed runs do not pay for the check.
 */
export async function listFormat(): Promise<string> {
  const out = await docker(['image', 'ls', '--format', 'json']);
  return out.trimStart().startsWith('{') || out.trim() === '' ? 'json' : '{{json .}}';
}

export async function listImages(format: string): Promise<unknown[]> {
  return parseJsonLines(await docker(['image', 'ls', '--format', format]));
}

/** What a layer stack needs, the CLI's way: history and inspect, both at once. */
export async function inspectAndHistory(id: string): Promise<[unknown, unknown[]]> {
  const [inspect, history] = await Promise.all([
    docker(['image', 'inspect', id]),
    docker(['history', '--no-trunc', '--format', '{{json .}}', id]),
  ]);
  return [JSON.parse(inspect), parseJsonLines(history)];
}
