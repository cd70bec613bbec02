/**
 * Builds the test images the engine, VS Code and e2e tests need, on the real engine.
 * No registry is reachable, so every image starts FROM scratch with Debian's static
 * busybox. Each carries the label `strata.test` so it can be found and removed, and
 * a per-run tag so tests never depend on what else the engine holds.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Docker from 'dockerode';
import * as tar from 'tar-stream';

export const TEST_LABEL = 'strata.test';
const BUSYBOX = '/bin/busybox';

/** A tag unique to this process, so parallel or leftover runs cannot collide. */
export function runTag(prefix = 'run'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

export interface BuildOptions {
  /** Lines after the busybox base (FROM scratch + busybox + its applet links). */
  steps?: string[];
  /** Extra files put in the build context, name → contents. */
  files?: Record<string, string | Buffer>;
  /** Replaces the busybox base completely (first line must be FROM). */
  dockerfile?: string;
  /**
   * Makes the bottom layer unique to this image (a file with its name), so that no other
   * image on the engine, from earlier runs or elsewhere, can share its layers.
   */
  unique?: boolean;
  /** `docker build --label k=v`: the legacy builder and Podman record each as a LABEL step at the end. */
  labels?: Record<string, string>;
}

export function busyboxDockerfile(steps: string[] = [], unique = false): string {
  return [
    'FROM scratch',
    ...(unique ? ['COPY strata-run-id /.strata-run-id'] : []),
    'COPY busybox /bin/busybox',
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    ...steps,
  ].join('\n');
}

function buildContext(dockerfile: string, files: Record<string, string | Buffer>): tar.Pack {
  if (!fs.existsSync(BUSYBOX)) {
    throw new Error(`${BUSYBOX} is missing: install Debian's busybox-static (apt-get install -y busybox-static).`);
  }
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, dockerfile);
  pack.entry({ name: 'busybox', mode: 0o755 }, fs.readFileSync(BUSYBOX));
  for (const [name, contents] of Object.entries(files)) {
    pack.entry({ name }, contents);
  }
  pack.finalize();
  return pack;
}

/** The Dockerfile a fixture is built from: the given lines, then the label that finds it again. */
export function fixtureDockerfile(options: BuildOptions = {}): string {
  const base = options.dockerfile ?? busyboxDockerfile(options.steps, options.unique);
  return `${base}\nLABEL ${TEST_LABEL}="${process.pid}"\n`;
}

/** Builds `reference` on the engine with the legacy builder (what dockerode's buildImage calls). */
export async function buildFixtureImage(docker: Docker, reference: string, options: BuildOptions = {}): Promise<string> {
  const dockerfile = fixtureDockerfile(options);
  const files = { 'strata-run-id': `${reference} ${Date.now()} ${Math.random()}\n`, ...options.files };
  const stream = await docker.buildImage(buildContext(dockerfile, files) as unknown as NodeJS.ReadableStream, {
    t: reference,
    rm: true,
    forcerm: true,
    ...(options.labels ? { labels: options.labels } : {}),
  });
  const output = await new Promise<Array<{ error?: string; stream?: string }>>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, res: Array<{ error?: string }>) =>
      err ? reject(err) : resolve(res),
    ),
  );
  const failure = output.find((o) => o.error);
  if (failure) {
    throw new Error(`building ${reference} failed: ${failure.error}`);
  }
  const info = await docker.getImage(reference).inspect();
  return info.Id;
}

export interface BuildKitTarget {
  /** The engine's local socket. */
  socket: string;
  /** A DOCKER_CONFIG whose cli-plugins has buildx (the chroot engines); without it, Engine 20.10's own BuildKit. */
  dockerConfig?: string;
}

/**
 * Builds with BuildKit, as users' engines do by default (Docker 23+): `docker buildx build
 * --load` through the given DOCKER_CONFIG's buildx, or DOCKER_BUILDKIT=1 with Debian's
 * 20.10 client. History reads `RUN /bin/sh -c … # buildkit`; WORKDIR that makes its folder
 * makes a layer.
 */
export async function buildWithBuildKit(target: BuildKitTarget, docker: Docker, reference: string, options: BuildOptions = {}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bk-'));
  try {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), fixtureDockerfile(options));
    fs.copyFileSync(BUSYBOX, path.join(dir, 'busybox'));
    fs.chmodSync(path.join(dir, 'busybox'), 0o755);
    const files = { 'strata-run-id': `${reference} ${Date.now()} ${Math.random()}\n`, ...options.files };
    for (const [name, contents] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, name), contents);
    }
    const host = `unix://${target.socket}`;
    const labels = Object.entries(options.labels ?? {}).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    const [cmd, args, env] = target.dockerConfig
      ? ['docker', ['-H', host, 'buildx', 'build', '--load', ...labels, '-t', reference, dir], { DOCKER_CONFIG: target.dockerConfig }]
      : ['/usr/bin/docker', ['-H', host, 'build', ...labels, '-t', reference, dir], { DOCKER_BUILDKIT: '1' }];
    await new Promise<void>((resolve, reject) =>
      execFile(cmd, args, { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, _out, stderr) =>
        err ? reject(new Error(`building ${reference} with BuildKit failed: ${stderr.trim().split('\n').slice(-5).join('\n')}`)) : resolve(),
      ),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return (await docker.getImage(reference).inspect()).Id;
}

/** Removes fixture images left by test processes that are gone (a run that was killed). */
export async function removeOrphanFixtureImages(docker: Docker): Promise<void> {
  const images = await docker.listImages({ all: true, filters: { label: [TEST_LABEL] } });
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const orphanPids = new Set(images.map((i) => i.Labels?.[TEST_LABEL]).filter((pid) => !alive(Number(pid))));
  await removeImagesInPasses(docker, async () =>
    (await docker.listImages({ all: true, filters: { label: [TEST_LABEL] } })).filter((i) => orphanPids.has(i.Labels?.[TEST_LABEL])),
  );
}

/** Removes every image this process labelled, and any containers made from them. */
export async function removeFixtureImages(docker: Docker, onlyThisRun = true): Promise<void> {
  const label = onlyThisRun ? `${TEST_LABEL}=${process.pid}` : TEST_LABEL;
  const containers = await docker.listContainers({ all: true, filters: { label: [label] } });
  for (const c of containers) {
    await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  await removeImagesInPasses(docker, async () => docker.listImages({ all: true, filters: { label: [label] } }));
}

/**
 * Removes images until a pass removes nothing: a parent cannot go before its children
 * ("image has dependent child images"), and creation times (whole seconds) do not order
 * images built in the same second.
 */
async function removeImagesInPasses(docker: Docker, list: () => Promise<Docker.ImageInfo[]>): Promise<void> {
  for (let pass = 0; pass < 10; pass++) {
    const images = await list();
    let removed = 0;
    for (const image of images.sort((a, b) => b.Created - a.Created)) {
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .then(() => removed++)
        .catch(() => undefined);
    }
    if (removed === 0) {
      return;
    }
  }
}
