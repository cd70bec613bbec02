import * as l10n from '@vscode/l10n';
import { Readable } from 'stream';
import type Docker from 'dockerode';
import type { DialOptions } from 'docker-modem';
import { type ContainerSummary, type RawContainerSummary, toContainerSummary } from '../../model/containers/containers';
import { type ImageSummary, type RawImageSummary, toImageSummary } from '../../model/images';
import type { RawHistoryEntry } from '../../model/layerAlignment';
import { type RunOptions, toCreateBody } from '../../model/containers/runOptions';
import { type EngineEndpoint, EndpointError, describePlace, parseEngineUrl } from '../connect/endpoint';
import { ForwardClosedError } from '../connect/sshTransport';
import type {
  AttachedContainer,
  ContainerPathStat,
  ContainerStatsSample,
  Engine,
  EngineCapabilities,
  EngineIdentity,
  EngineInfo,
  ExecSession,
  InteractiveOptions,
  LogRequest,
  PruneCandidates,
  TransferOptions,
} from './engine';
import { type ClientOptions, EngineConfigError, type EngineClient, createEngineClient } from './engineClient';
import { EngineDataError, EngineRefusal, field, list } from './engineData';
import { type EngineProblem, describeEngineError, statusCode } from './engineError';
import { LineAssembler } from './lineAssembler';
import { ANNOUNCE_PID, takeShellPid } from './shellPid';
import { TransferError, type TransferEvent } from './transfer';
import { CancelledError } from '../../shared/errors';

function checkedImage(entry: unknown, i: number): RawImageSummary {
  const what = `Image ${i + 1} of the list`;
  field(entry, 'Id', 'string', what);
  field(entry, 'Created', 'number', what);
  field(entry, 'Size', 'number', what);
  return entry as RawImageSummary;
}

function ignoreNotModified(err: unknown): void {
  if (statusCode(err) !== 304) {
    throw err;
  }
}

/** "1.47" ≥ "1.42" */
export function apiAtLeast(version: string, wanted: string): boolean {
  const [a1, a2] = version.split('.').map(Number);
  const [b1, b2] = wanted.split('.').map(Number);
  return a1 > b1 || (a1 === b1 && (a2 ?? 0) >= (b2 ?? 0));
}

/** One engine to reach: a place, or a sentence saying why it cannot be reached. */
export type EngineTarget = { name: string; endpoint: EngineEndpoint } | { name: string; problem: string };

/** The answers the Engine API gives with 200, and what it means by the others. */
const STATUS = { 200: true, 404: 'not found', 500: 'server error' } as const;

/**
 * Strata's only door to one Docker Engine. Every engine call the extension, the CLI and
 * the tests make goes through here; nothing here knows about VS Code. An engine whose
 * settings are wrong (an unparsable address, a missing TLS file) is still an engine:
 * each call rejects with the sentence that says what to fix.
 */
export class DockerEngine implements Engine {
  readonly name: string;
  readonly endpoint: EngineEndpoint | undefined;
  private readonly client: EngineClient | undefined;
  private readonly unusable: EngineConfigError | undefined;
  private knownCapabilities: Promise<EngineCapabilities> | undefined;

  constructor(target: EngineTarget, options: ClientOptions = {}) {
    this.name = target.name;
    if ('problem' in target) {
      this.endpoint = undefined;
      this.unusable = new EngineConfigError(target.problem);
      return;
    }
    this.endpoint = target.endpoint;
    try {
      this.client = createEngineClient(target.endpoint, options);
    } catch (err) {
      this.unusable = err instanceof EngineConfigError ? err : new EngineConfigError(String((err as Error).message ?? err));
    }
  }

  /** An engine from an address as users write it (unix://, tcp://, ssh://); a bad one says why on every call. */
  static fromUrl(url: string, options: ClientOptions & { name?: string } = {}): DockerEngine {
    try {
      return new DockerEngine({ name: options.name ?? url, endpoint: parseEngineUrl(url) }, options);
    } catch (err) {
      return new DockerEngine({ name: options.name ?? url, problem: err instanceof EndpointError ? err.message : String(err) }, options);
    }
  }

  /** Where it is, as a sentence names it ("/var/run/docker.sock", "root@build:2222"). */
  get place(): string {
    return this.endpoint ? describePlace(this.endpoint) : this.name;
  }

  /** The sentence for a failed call to this engine. */
  describeError(err: unknown): EngineProblem {
    return describeEngineError(err, this.endpoint);
  }

  private get usable(): EngineClient {
    if (!this.client) {
      throw this.unusable ?? new EngineConfigError(`${this.name} cannot be used.`);
    }
    return this.client;
  }

  /** For quick calls. */
  private get docker(): Docker {
    return this.usable.docker;
  }

  /** For streams and calls that may take long (see EngineClient.long). */
  private get long(): Docker {
    return this.usable.long;
  }

  /** Closes its connections (ssh processes, kept-alive TLS sockets); later calls open new ones. */
  dispose(): void {
    this.client?.dispose();
  }

  /**
   * A read over a kept-alive connection the engine has closed meanwhile (it restarted, or
   * the ssh under a forwarded socket went away) fails at once (EPIPE, ECONNRESET, a
   * forward closed before answering) before reaching it: such a read is sent once more,
   * on a new connection. Only reads, only once: anything else fails as it came.
   */
  private async read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'EPIPE' || code === 'ECONNRESET' || err instanceof ForwardClosedError) {
        return call();
      }
      throw err;
    }
  }

  /** Resolves when the engine answers; rejects with the connection error otherwise. */
  async ping(): Promise<void> {
    await this.read(() => this.docker.ping());
  }

  /** Docker or Podman, and which version: /version and /libpod/_ping (200 on Podman only) together. */
  async identify(): Promise<EngineIdentity> {
    const docker = this.docker;
    const [version, podman] = await Promise.all([
      docker.version(),
      this.dial(this.docker, { path: '/libpod/_ping', method: 'GET' }).then(
        () => true,
        (err: unknown) => {
          if (statusCode(err) === undefined) {
            throw err;
          }
          return false;
        },
      ),
    ]);
    const v = version as Docker.DockerVersion & { Components?: Array<{ Name?: string; Version?: string }> };
    const podmanVersion = v.Components?.find((c) => /podman/i.test(c.Name ?? ''))?.Version;
    return {
      kind: podman ? 'podman' : 'docker',
      version: podman ? (podmanVersion ?? v.Version) : v.Version,
      apiVersion: v.ApiVersion,
      os: v.Os,
      arch: v.Arch,
    };
  }

  /** Asked once (GET /version), again only after a failure. */
  capabilities(): Promise<EngineCapabilities> {
    if (!this.knownCapabilities) {
      this.knownCapabilities = this.read(() => this.docker.version()).then((v) => ({
        apiVersion: v.ApiVersion,
        platform: `${v.Os}/${v.Arch}`,
        sharedSize: apiAtLeast(v.ApiVersion, '1.42'),
        manifests: apiAtLeast(v.ApiVersion, '1.47'),
        exportPlatform: apiAtLeast(v.ApiVersion, '1.48'),
      }));
      this.knownCapabilities.catch(() => (this.knownCapabilities = undefined));
    }
    return this.knownCapabilities;
  }

  async info(): Promise<EngineInfo> {
    const raw = (await this.read(() => this.docker.info())) as { ID?: string; Name?: string; ServerVersion?: string; Driver?: string; DockerRootDir?: string };
    return { id: raw.ID ?? '', name: raw.Name ?? '', serverVersion: raw.ServerVersion ?? '', driver: raw.Driver ?? '', rootDir: raw.DockerRootDir ?? '' };
  }

  /**
   * A call the typed client has no method for (or whose raw answer is needed): through
   * `long` (exports, the archive API) or the quick pool; resolves with the parsed body, or
   * the stream with `isStream`.
   */
  private dial<T>(pool: Docker, options: DialOptions): Promise<T> {
    return new Promise((resolve, reject) => pool.modem.dial({ statusCodes: STATUS, ...options }, (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as T))));
  }

  /**
   * GET /images/json, with manifests where the engine has them (API 1.47+). Shared sizes
   * only when asked (`sharedSize`, API 1.42+): the engine works them out for every image,
   * which a plain list should not wait for.
   */
  async listImages(options: { sharedSize?: boolean } = {}): Promise<ImageSummary[]> {
    const can = await this.capabilities();
    const raw = (await this.read(() =>
      this.docker.listImages({
        all: false,
        ...(options.sharedSize && can.sharedSize ? { 'shared-size': true } : {}),
        ...(can.manifests ? { manifests: true } : {}),
      } as Docker.ListImagesOptions),
    )) as unknown;
    return list(raw, 'The image list').map((entry, i) => toImageSummary(checkedImage(entry, i)));
  }

  /** GET /images/{id}/json: the engine's full description of one image. */
  async inspectImage(id: string): Promise<Docker.ImageInspectInfo> {
    const raw = await this.read(() => this.docker.getImage(id).inspect());
    field(raw, 'Id', 'string', `The description of ${id}`);
    const rootfs = field<object | undefined>(raw, 'RootFS', 'object', `The description of ${id}`, true);
    if (rootfs) {
      list((rootfs as { Layers?: unknown }).Layers ?? [], `The layers of ${id}`).forEach((l) => {
        if (typeof l !== 'string') {
          throw new EngineDataError(`The layers of ${id} are not diff ids`);
        }
      });
    }
    return raw;
  }

  /** GET /images/{id}/history: one entry per build step, newest first. */
  async imageHistory(id: string): Promise<RawHistoryEntry[]> {
    const raw = (await this.read(() => this.docker.getImage(id).history())) as unknown;
    return list(raw, `The history of ${id}`).map((h, i) => {
      const what = `Step ${i + 1} of the history of ${id}`;
      field(h, 'Created', 'number', what);
      field(h, 'Size', 'number', what);
      field(h, 'CreatedBy', 'string', what);
      return h as RawHistoryEntry;
    });
  }

  /** Removes one name of an image (the image itself when it was its last name), like `docker rmi NAME`. */
  async removeImage(reference: string): Promise<void> {
    await this.long.getImage(reference).remove();
  }

  async inspectContainer(id: string): Promise<Docker.ContainerInspectInfo> {
    return this.read(() => this.docker.getContainer(id).inspect());
  }

  async listContainers(): Promise<ContainerSummary[]> {
    const raw = (await this.read(() => this.docker.listContainers({ all: true }))) as unknown;
    return list(raw, 'The container list').map((c, i) => {
      const what = `Container ${i + 1} of the list`;
      for (const name of ['Id', 'Image', 'State', 'Status']) {
        field(c, name, 'string', what);
      }
      field(c, 'Created', 'number', what);
      return toContainerSummary(c as RawContainerSummary);
    });
  }

  /**
   * Creates and starts a container through the Engine API. If it was created but could
   * not start (a port taken…), the never-started container is removed again, so a
   * refused run leaves nothing behind; the error is passed on.
   */
  async runContainer(options: RunOptions): Promise<{ id: string; name: string }> {
    const container = await this.createAndStart(toCreateBody(options) as Docker.ContainerCreateOptions);
    return { id: container.id, name: await this.nameOf(container, options.name) };
  }

  /**
   * Creates a container and starts it; one that was created but could not start (a port
   * taken…) is removed again, so a refused run leaves nothing behind. `beforeStart` runs
   * between the two (attach, wait); `undo` when the start failed.
   */
  private async createAndStart(body: Docker.ContainerCreateOptions, beforeStart?: (c: Docker.Container) => Promise<() => void>): Promise<Docker.Container> {
    const container = await this.long.createContainer(body);
    let undo: (() => void) | undefined;
    try {
      undo = await beforeStart?.(container);
      await container.start();
    } catch (err) {
      undo?.();
      await container.remove({ force: true }).catch(() => undefined);
      throw err;
    }
    return container;
  }

  /** The name the engine gave a container (without its slash). */
  private async nameOf(container: Docker.Container, fallback?: string): Promise<string> {
    const info = await container.inspect().catch(() => undefined);
    return info ? info.Name.replace(/^\//, '') : (fallback ?? container.id.slice(0, 12));
  }

  // 304 "already started/stopped": the container is where the user wanted it.
  async startContainer(id: string): Promise<void> {
    await this.long.getContainer(id).start().catch(ignoreNotModified);
  }

  async stopContainer(id: string): Promise<void> {
    await this.long.getContainer(id).stop().catch(ignoreNotModified);
  }

  async restartContainer(id: string): Promise<void> {
    await this.long.getContainer(id).restart();
  }

  /** Removes a container; `force` stops a running one first (the "Stop and Remove" choice). */
  async removeContainer(id: string, force = false): Promise<void> {
    await this.long.getContainer(id).remove({ force });
  }

  /** GET /containers/{id}/logs with stdout and stderr, as a raw stream (frames unless TTY). */
  async containerLogs(id: string, request: LogRequest): Promise<Readable> {
    const body = (await this.long.getContainer(id).logs({
      follow: request.follow as true,
      stdout: true,
      stderr: true,
      timestamps: request.timestamps,
      ...(request.since ? { since: request.since as unknown as number } : {}),
      ...(request.tail !== undefined ? { tail: request.tail } : {}),
    })) as unknown as Readable | Buffer;
    // Without follow, dockerode hands back the whole body at once.
    return Buffer.isBuffer(body) ? Readable.from([body]) : body;
  }

  /** GET /events for images and containers, kept open. */
  async events(): Promise<Readable> {
    return (await this.long.getEvents({ filters: { type: ['image', 'container'] } })) as unknown as Readable;
  }

  /**
   * GET /images/get?names=…: several images in one archive, as `docker save A B` writes
   * it; the layers they share are in it once (comparing two images reads them once).
   */
  async exportImages(names: string[]): Promise<Readable> {
    return this.read(() => this.dial<Readable>(this.long, { path: '/images/get?', method: 'GET', options: { names }, isStream: true }));
  }

  /**
   * GET /images/{name}/get: the image as `docker save` writes it, as a stream. With a
   * platform (API 1.48+), only that platform's manifest and layers.
   */
  async exportImage(name: string, platform?: string): Promise<Readable> {
    if (platform && (await this.capabilities()).exportPlatform) {
      const [os, architecture, variant] = platform.split('/');
      return this.read(() =>
        this.dial<Readable>(this.long, {
          // docker-modem appends `options` as the query (objects JSON-encoded) after the '?'.
          path: `/images/${encodeURIComponent(name)}/get?`,
          method: 'GET',
          options: { platform: { os, architecture, ...(variant ? { variant } : {}) } },
          isStream: true,
        }),
      );
    }
    // A read: sent again once on a new connection if a kept-alive one was stale (see read).
    return (await this.read(() => this.long.getImage(name).get())) as Readable;
  }

  // --- registries -----------------------------------------------------------------------

  /**
   * POST /images/create?fromImage=…: pulls, reporting each progress line; rejects with
   * TransferError for a failure the stream reports. Cancelled by `signal` (the request is
   * aborted, the engine stops the pull).
   */
  async pullImage(reference: string, options: TransferOptions = {}): Promise<void> {
    const stream = (await this.long.pull(reference, { ...(options.auth ? { authconfig: options.auth } : {}), ...(options.signal ? { abortSignal: options.signal } : {}) })) as Readable;
    await followTransfer(stream, options.onEvent, options.signal);
  }

  /** POST /images/{name}/push, as pullImage. */
  async pushImage(reference: string, options: TransferOptions = {}): Promise<void> {
    const stream = (await this.long.getImage(reference).push({
      // The engine wants the header even without credentials (an empty one, as the CLI sends).
      authconfig: options.auth ?? {},
      ...(options.signal ? { abortSignal: options.signal } : {}),
    } as object)) as unknown as Readable;
    await followTransfer(stream, options.onEvent, options.signal);
  }

  /** POST /images/{name}/tag: another name for an image. */
  async tagImage(source: string, repository: string, tag: string): Promise<void> {
    await this.docker.getImage(source).tag({ repo: repository, tag });
  }

  // --- pruning ----------------------------------------------------------------------------

  /** What Prune would remove: stopped containers (with their writable layers) and dangling images. */
  async pruneCandidates(): Promise<PruneCandidates> {
    const [containers, images] = await Promise.all([
      this.read(() => this.docker.listContainers({ all: true, size: true, filters: { status: ['exited', 'created', 'dead'] } })),
      this.read(() => this.docker.listImages({ filters: { dangling: ['true'] } })),
    ]);
    return {
      containers: list(containers, 'The container list').map((c) => {
        const raw = c as { Id: string; Names?: string[]; SizeRw?: number };
        return { id: raw.Id, name: (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, ''), size: raw.SizeRw ?? 0 };
      }),
      images: list(images, 'The image list').map((i) => ({ id: (i as { Id: string }).Id, size: (i as { Size: number }).Size })),
    };
  }

  /** POST /containers/prune and /images/prune (dangling only): what went, and the space reclaimed. */
  async prune(): Promise<{ containers: number; images: number; reclaimed: number }> {
    const c = (await this.long.pruneContainers()) as { ContainersDeleted?: string[] | null; SpaceReclaimed?: number };
    const i = (await this.long.pruneImages({ filters: { dangling: ['true'] } })) as { ImagesDeleted?: unknown[] | null; SpaceReclaimed?: number };
    return { containers: c.ContainersDeleted?.length ?? 0, images: (i.ImagesDeleted ?? []).filter((d) => (d as { Deleted?: string }).Deleted).length, reclaimed: (c.SpaceReclaimed ?? 0) + (i.SpaceReclaimed ?? 0) };
  }

  // --- inside containers ----------------------------------------------------------------

  /**
   * A shell in a running container through the Engine API (POST /containers/{id}/exec, then
   * a hijacked TTY stream): bash if the container has it, else sh. Rejects with a sentence
   * when it has neither.
   */
  async execShell(id: string, size?: { cols: number; rows: number }): Promise<ExecSession> {
    const shell = (await this.containerPathStat(id, '/bin/bash')) ? '/bin/bash' : (await this.containerPathStat(id, '/usr/bin/bash')) ? '/usr/bin/bash' : (await this.containerPathStat(id, '/bin/sh')) ? '/bin/sh' : undefined;
    if (!shell) {
      throw new EngineRefusal(l10n.t('The container has no shell (neither bash nor sh): its image may be distroless or built FROM scratch. Its files can still be browsed under Files.'));
    }
    const container = this.long.getContainer(id);
    const exec = await container.exec({
      // The shell says its PID first, so that end() can hang it up (see shellPid.ts).
      Cmd: [shell, '-c', ANNOUNCE_PID, shell],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      ...(size ? { ConsoleSize: [size.rows, size.cols] } : {}),
    } as Docker.ExecCreateOptions);
    const socket = (await exec.start({ hijack: true, stdin: true, Tty: true } as Docker.ExecStartOptions)) as unknown as NodeJS.ReadWriteStream;
    const { stream, pid } = takeShellPid(socket);
    const running = async () => ((await exec.inspect().catch(() => undefined)) as { Running?: boolean } | undefined)?.Running === true;
    return {
      shell,
      stream,
      resize: (cols, rows) => Promise.resolve(exec.resize({ w: cols, h: rows } as never) as unknown).then(() => undefined, () => undefined),
      exitCode: async () => ((await exec.inspect()) as { ExitCode?: number | null }).ExitCode ?? undefined,
      end: async () => {
        stream.destroy();
        const shellPid = await pid;
        if (shellPid === undefined || !(await running())) {
          return;
        }
        // A hangup, as a closed terminal gives: the shell and what runs in it end.
        const hangup = await container.exec({ Cmd: [shell, '-c', `kill -HUP ${shellPid}`], AttachStdout: false, AttachStderr: false });
        await hangup.start({ Detach: true } as Docker.ExecStartOptions).catch(() => undefined);
      },
    };
  }

  /**
   * A container made to be talked to (Run Interactive): TTY and stdin open, attached
   * before it starts so no output is lost, then started.
   */
  async runInteractive(image: string, options: InteractiveOptions): Promise<AttachedContainer> {
    let stream: NodeJS.ReadWriteStream | undefined;
    let exited: Promise<number | undefined> = Promise.resolve(undefined);
    const container = await this.createAndStart(
      {
        Image: image,
        ...(options.command ? { Cmd: options.command } : {}),
        Tty: true,
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Labels: { 'dev.strata.run': 'true', ...options.labels },
        HostConfig: { AutoRemove: options.autoRemove, ...(options.size ? { ConsoleSize: [options.size.rows, options.size.cols] } : {}) },
      } as Docker.ContainerCreateOptions,
      async (c) => {
        // Attached before it starts, so no output is lost.
        const attached = (await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as NodeJS.ReadWriteStream;
        stream = attached;
        // Waited for before it starts: a container removed on exit is gone before a later
        // wait could ask, and its exit code with it.
        exited = (c.wait({ condition: 'next-exit' }) as Promise<{ StatusCode?: number }>).then(
          (r) => r.StatusCode,
          () => undefined,
        );
        return () => attached.end();
      },
    );
    const attached = stream as NodeJS.ReadWriteStream;
    return {
      id: container.id,
      name: await this.nameOf(container),
      stream: attached,
      resize: (cols, rows) => Promise.resolve(container.resize({ w: cols, h: rows } as never) as unknown).then(() => undefined, () => undefined),
      wait: () => exited,
      stop: async () => {
        attached.end();
        (attached as NodeJS.ReadWriteStream & { destroy?: () => void }).destroy?.();
        // Already gone (it exited, and was removed) is fine.
        await container.stop({ t: 10 }).catch(() => undefined);
      },
    };
  }

  /** HEAD /containers/{id}/archive?path=: the path's stat, or undefined when it does not exist. */
  async containerPathStat(id: string, path: string): Promise<ContainerPathStat | undefined> {
    try {
      // The stat is a header of the HEAD answer, which only the raw response carries.
      const res = await this.dial<{ headers: Record<string, string | undefined>; resume(): void }>(this.long, {
        path: `/containers/${encodeURIComponent(id)}/archive?`,
        method: 'HEAD',
        options: { path },
        isStream: true,
        statusCodes: { ...STATUS, 400: 'bad parameter' },
      });
      res.resume();
      const header = res.headers['x-docker-container-path-stat'];
      return header ? (JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as ContainerPathStat) : undefined;
    } catch (err) {
      if (statusCode(err) === 404) {
        return undefined;
      }
      throw err;
    }
  }

  /** GET /containers/{id}/archive?path=: the path as a tar (a folder with everything below it). */
  async containerArchive(id: string, path: string, signal?: AbortSignal): Promise<Readable> {
    return (await this.long.getContainer(id).getArchive({ path, ...(signal ? { abortSignal: signal } : {}) } as never)) as unknown as Readable;
  }

  /** GET /containers/{id}/stats?stream=false: one sample of CPU and memory. */
  async containerStats(id: string): Promise<ContainerStatsSample> {
    return (await this.read(() => this.docker.getContainer(id).stats({ stream: false }))) as unknown as ContainerStatsSample;
  }
}

/** Reads a pull or push progress stream to its end; rejects with the failure it reports. */
function followTransfer(stream: Readable, onEvent?: (e: TransferEvent) => void, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const lines = new LineAssembler();
    let failed = false;
    const fail = (err: Error) => {
      if (!failed) {
        failed = true;
        stream.destroy();
        reject(err);
      }
    };
    signal?.addEventListener('abort', () => fail(new CancelledError('the transfer')), { once: true });
    stream.on('data', (chunk: Buffer) =>
      lines.each(chunk, (line) => {
        if (!line.trim() || failed) {
          return;
        }
        let event: TransferEvent;
        try {
          event = JSON.parse(line) as TransferEvent;
        } catch {
          return;
        }
        if (event.error || event.errorDetail?.message) {
          fail(new TransferError(event.errorDetail?.message ?? event.error ?? 'failed'));
          return;
        }
        onEvent?.(event);
      }),
    );
    stream.on('end', () => !failed && resolve());
    stream.on('error', (err) => fail(err));
  });
}
