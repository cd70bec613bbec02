/**
 * A real Debian (bookworm, minbase) as an image, for tests that want a real distribution:
 * its dpkg database, thousands of files, certificates that are not keys. No registry is
 * reachable here, so it comes from `debootstrap` with Debian's own mirror (about 70 s, once
 * per machine: the root filesystem is kept as a tar under the harness's cache), imported
 * into whichever engine asks through its API.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type Docker from 'dockerode';
import { CACHE } from './testEngines';

const ROOTFS = path.join(CACHE, 'debian', 'bookworm-minbase.tar');
/** Kept between runs (importing takes seconds, debootstrap a minute): not removed with the test images. */
export const DEBIAN_TEST_IMAGE = 'strata-test/debian:bookworm';
const KEEP_LABEL = 'strata.keep';

/** The root filesystem of `debootstrap --variant=minbase bookworm`, as a tar (made once). */
export function debianRootfs(log: (line: string) => void = () => undefined): string {
  if (fs.existsSync(ROOTFS)) {
    return ROOTFS;
  }
  try {
    execFileSync('sh', ['-c', 'command -v debootstrap'], { stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['install', '-y', '-qq', 'debootstrap'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  fs.mkdirSync(path.dirname(ROOTFS), { recursive: true });
  const root = fs.mkdtempSync(path.join(path.dirname(ROOTFS), 'root-'));
  try {
    log(`debootstrap bookworm into ${root} (about a minute, once per machine)…`);
    execFileSync('debootstrap', ['--variant=minbase', 'bookworm', root, 'http://deb.debian.org/debian'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const partial = `${ROOTFS}.partial`;
    execFileSync('tar', ['-C', root, '-cf', partial, '.']);
    fs.renameSync(partial, ROOTFS);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return ROOTFS;
}

/** Waits for a load, import or build to finish; rejects with the failure its progress reports. */
export function finished(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, output: Array<{ error?: string }>) => {
      const failure = err?.message ?? output.find((o) => o.error)?.error;
      return failure ? reject(new Error(failure)) : resolve();
    }),
  );
}

/** The Debian image on `docker`'s engine (imported from the kept root filesystem when it is not there). */
export async function debianImage(docker: Docker, reference = DEBIAN_TEST_IMAGE, log?: (line: string) => void): Promise<string> {
  const there = await docker
    .getImage(reference)
    .inspect()
    .then((i) => i.Id)
    .catch(() => undefined);
  if (there) {
    return there;
  }
  const tarball = debianRootfs(log);
  const [repo, tag] = [reference.slice(0, reference.lastIndexOf(':')), reference.slice(reference.lastIndexOf(':') + 1)];
  await finished(docker, (await docker.importImage(fs.createReadStream(tarball) as unknown as NodeJS.ReadableStream, { repo, tag, changes: [`LABEL ${KEEP_LABEL}=1`] } as object)) as NodeJS.ReadableStream);
  return (await docker.getImage(reference).inspect()).Id;
}
