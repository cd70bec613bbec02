/**
 * An in-memory twin of a Docker engine (Engine 20.10, classic store), with no engine at
 * all: images built from layers given as files, containers whose output the test writes,
 * events for the changes made through it, and failures on demand. Unit tests and
 * extension-host tests of the views and commands run against it in milliseconds; the
 * engine contract (test/harness/twin/engineContract.ts) holds it to what the real engines do.
 *
 * What it cannot do honestly (a shell, an interactive run, a container's files, stats, a
 * registry) it refuses with a sentence, as an engine refuses what it cannot do.
 */
import { createHash, randomBytes } from 'crypto';
import { PassThrough, Readable } from 'stream';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';
import type {
  AttachedContainer,
  ContainerPathStat,
  ContainerStatsSample,
  Engine,
  EngineCapabilities,
  EngineIdentity,
  EngineInfo,
  ExecSession,
  LogRequest,
  PruneCandidates,
} from '../../../src/engine/api/engine';
import { EngineRefusal } from '../../../src/engine/api/engineData';
import { type EngineProblem, describeEngineError } from '../../../src/engine/api/engineError';
import type { EngineEndpoint } from '../../../src/engine/connect/endpoint';
import { type ContainerSummary, toContainerSummary } from '../../../src/model/containers/containers';
import { type ImageSummary, toImageSummary } from '../../../src/model/images';
import type { RawHistoryEntry } from '../../../src/model/layerAlignment';
import type { RunOptions } from '../../../src/model/containers/runOptions';

export const MEMORY_SOCKET = '/memory/docker.sock';

/** One build step. With `files` it made a layer (an empty object: an empty layer); without, a metadata step (CMD, ENV, LABEL: `empty_layer`). */
export interface StepSpec {
  /** The history's created_by, as the engine records it ("/bin/sh -c echo hi > /hi.txt"). */
  createdBy: string;
  files?: Record<string, string | Buffer>;
  comment?: string;
}

export interface ImageSpec {
  /** repository:tag names; none: an untagged (dangling) image. A name another image had moves here, as `docker build -t` moves it. */
  tags?: string[];
  /** An image of the twin this one is built FROM: its layers and history come first, its id marks where they end (the legacy builder's parent chain). */
  from?: string;
  steps: StepSpec[];
  labels?: Record<string, string>;
  created?: Date;
  repoDigests?: string[];
}

/** The failure a docker-modem call rejects with when the engine answers with an error status. */
export function engineAnswer(statusCode: number, message: string): Error & { statusCode: number; json: { message: string } } {
  const reason = { 304: 'container already started', 404: 'no such object', 409: 'conflict', 500: 'server error' }[statusCode] ?? 'unexpected';
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${reason} - ${message} `), { statusCode, reason, json: { message } });
}

/** The failure of a connection that never reached an engine (Node's errno error): ECONNREFUSED, ENOENT, EACCES… */
export function connectionError(code: string, path = MEMORY_SOCKET): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} ${path}`), { code, syscall: 'connect', address: path });
}

type EngineMethod = Exclude<keyof Engine, 'name' | 'endpoint' | 'place' | 'describeError' | 'dispose'>;

/** A layer: its tar, whose sha256 is its diff id, and Σ of its files' bytes (what the classic store's history and list count). */
type Layer = { diffId: string; tar: Buffer; size: number };
/** A step of the image config's history, as exported. */
type ConfigStep = { created: string; created_by: string; empty_layer?: true; comment?: string };
type LoggedLine = { source: 'stdout' | 'stderr'; text: string; nanos: bigint; timestamp: string };

interface StoredImage {
  id: string;
  /** The image config exactly as exported: the id is its digest. */
  config: Buffer;
  tags: string[];
  repoDigests: string[];
  created: Date;
  parent?: string;
  layers: Layer[];
  history: ConfigStep[];
  labels: Record<string, string>;
  size: number;
}

interface StoredContainer {
  id: string;
  name: string;
  /** The image as the run named it; `imageId` what it resolved to. */
  image: string;
  imageId: string;
  created: Date;
  state: 'running' | 'exited';
  exitCode: number;
  startedAt: Date;
  finishedAt?: Date;
  labels: Record<string, string>;
  command: string[];
  ports: Array<{ IP: string; PrivatePort: number; PublicPort: number; Type: string }>;
  autoRemove: boolean;
  log: LoggedLine[];
  /** Log streams asked with follow while it runs: they end when it stops, as the engine's do. */
  followers: Set<{ stream: PassThrough; timestamps: boolean }>;
}

const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

async function bytesOf(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) {
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}

/** A layer as the engine stores it: a tar of the step's files, with the folders above them. */
async function layerOf(files: Record<string, string | Buffer>, mtime: Date): Promise<Layer> {
  const pack = tar.pack();
  const folders = new Set<string>();
  let size = 0;
  for (const path of Object.keys(files).sort()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = `${parts.slice(0, i).join('/')}/`;
      if (!folders.has(folder)) {
        folders.add(folder);
        pack.entry({ name: folder, type: 'directory', mode: 0o755, mtime });
      }
    }
    const content = Buffer.from(files[path]);
    size += content.length;
    pack.entry({ name: path, mode: 0o644, mtime }, content);
  }
  pack.finalize();
  const bytes = await bytesOf(pack as unknown as AsyncIterable<Buffer>);
  return { diffId: sha256(bytes), tar: bytes, size };
}

/** "Up 3 seconds", "Exited (4) Less than a second ago": the list's Status, as the engine words it. */
function agoText(since: Date): string {
  const s = Math.floor((Date.now() - since.getTime()) / 1000);
  return s < 1 ? 'Less than a second' : s < 60 ? `${s} seconds` : s < 3600 ? `${Math.floor(s / 60)} minutes` : `${Math.floor(s / 3600)} hours`;
}

export class MemoryEngine implements Engine {
  readonly name: string;
  readonly endpoint: EngineEndpoint = { kind: 'socket', path: MEMORY_SOCKET, url: `unix://${MEMORY_SOCKET}` };
  readonly place = MEMORY_SOCKET;
  /** Every call made, by method name, in order (a test can see what a view asked). */
  readonly calls: string[] = [];
  private readonly images: StoredImage[] = [];
  private readonly containers: StoredContainer[] = [];
  private readonly eventStreams = new Set<PassThrough>();
  private readonly failures: Array<{ method: EngineMethod | '*'; error: unknown; times: number }> = [];
  private lastStamp = 0n;
  private nextPort = 32768;
  private named = 0;

  constructor(options: { name?: string } = {}) {
    this.name = options.name ?? 'memory';
  }

  // --- seeding and steering (not part of the Engine contract) -----------------------------

  /** Adds an image, as a build or a load would; resolves with its id. */
  async addImage(spec: ImageSpec): Promise<string> {
    const base = spec.from === undefined ? undefined : this.image(spec.from);
    // Its steps come after its base's, one second apart, the last at `created`.
    const created = spec.created ?? new Date(Math.max(Date.now(), (base?.created.getTime() ?? 0) + spec.steps.length * 1000));
    const layers = [...(base?.layers ?? [])];
    const history = [...(base?.history ?? [])];
    for (const [i, step] of spec.steps.entries()) {
      const at = new Date(created.getTime() - (spec.steps.length - 1 - i) * 1000);
      if (step.files) {
        layers.push(await layerOf(step.files, at));
      }
      const kind = step.files ? {} : { empty_layer: true as const };
      history.push({ created: at.toISOString(), created_by: step.createdBy, ...kind, ...(step.comment ? { comment: step.comment } : {}) });
    }
    const labels = { ...base?.labels, ...spec.labels };
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: created.toISOString(),
        config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Labels: labels },
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        history,
      }),
    );
    const id = sha256(config);
    if (!this.images.some((i) => i.id === id)) {
      const size = layers.reduce((sum, l) => sum + l.size, 0);
      this.images.push({ id, config, tags: [], repoDigests: spec.repoDigests ?? [], created, parent: base?.id, layers, history, labels, size });
    }
    for (const tag of spec.tags ?? []) {
      this.setTag(id, tag);
    }
    return id;
  }

  /** The container's process writes a line to its stdout or stderr. */
  write(containerId: string, text: string, source: 'stdout' | 'stderr' = 'stdout'): void {
    const c = this.container(containerId);
    if (c.state !== 'running') {
      throw new Error(`the twin's container ${c.name} is not running: it cannot write`);
    }
    const { nanos, timestamp } = this.stamp();
    const line = { source, text, nanos, timestamp };
    c.log.push(line);
    for (const f of c.followers) {
      f.stream.write(frame(line, f.timestamps));
    }
  }

  /** The container's process ends with `code`, as if it returned. */
  exit(containerId: string, code: number): void {
    this.die(this.container(containerId), code);
  }

  /** The next `times` calls of `method` (of any method: '*') reject with `error` and change nothing. */
  failNext(method: EngineMethod | '*', error: unknown, times = 1): void {
    this.failures.push({ method, error, times });
  }

  /** Forgets the failures not used yet (the engine is back). */
  recover(): void {
    this.failures.length = 0;
  }

  // --- the engine itself ------------------------------------------------------------------

  describeError(err: unknown): EngineProblem {
    return describeEngineError(err, this.endpoint);
  }

  /** Closes its streams (events, followed logs), as a client's connections close; later calls open new ones. */
  dispose(): void {
    this.eventStreams.forEach((s) => s.end());
    this.containers.forEach((c) => this.endFollowers(c));
  }

  async ping(): Promise<void> {
    this.gate('ping');
  }

  async identify(): Promise<EngineIdentity> {
    this.gate('identify');
    return { kind: 'docker', version: '20.10.24', apiVersion: '1.41', os: 'linux', arch: 'amd64' };
  }

  async capabilities(): Promise<EngineCapabilities> {
    this.gate('capabilities');
    return { apiVersion: '1.41', platform: 'linux/amd64', sharedSize: false, manifests: false, exportPlatform: false };
  }

  async info(): Promise<EngineInfo> {
    this.gate('info');
    return { id: 'MEMORY:TWIN', name: this.name, serverVersion: '20.10.24', driver: 'memory', rootDir: '/memory' };
  }

  async events(): Promise<Readable> {
    this.gate('events');
    const stream = new PassThrough();
    this.eventStreams.add(stream);
    stream.on('close', () => this.eventStreams.delete(stream));
    return stream;
  }

  // --- images -----------------------------------------------------------------------------

  /** As GET /images/json without `all`: an untagged image that others are built on is an intermediate one, not listed. */
  async listImages(): Promise<ImageSummary[]> {
    this.gate('listImages');
    return this.images
      .filter((i) => i.tags.length > 0 || !this.hasChildren(i))
      .sort((a, b) => b.created.getTime() - a.created.getTime())
      .map((i) => toImageSummary({ Id: i.id, RepoTags: i.tags, RepoDigests: i.repoDigests, Created: seconds(i.created), Size: i.size, SharedSize: -1, Labels: i.labels }));
  }

  async inspectImage(id: string): Promise<Docker.ImageInspectInfo> {
    this.gate('inspectImage');
    const i = this.image(id);
    const config = JSON.parse(i.config.toString()) as { config: object };
    return {
      Id: i.id, RepoTags: i.tags, RepoDigests: i.repoDigests, Parent: i.parent ?? '', Comment: '', Created: i.created.toISOString(), DockerVersion: '20.10.24', Author: '',
      Config: config.config, Architecture: 'amd64', Os: 'linux', Size: i.size, VirtualSize: i.size, GraphDriver: { Name: 'memory', Data: {} },
      RootFS: { Type: 'layers', Layers: i.layers.map((l) => l.diffId) },
    } as unknown as Docker.ImageInspectInfo;
  }

  /**
   * Newest first. A step that ends an image of the twin carries that image's id and tags
   * (the image itself, the images it was built FROM); the others are "<missing>", as for
   * a loaded image.
   */
  async imageHistory(id: string): Promise<RawHistoryEntry[]> {
    this.gate('imageHistory');
    const image = this.image(id);
    const ends = new Map<number, StoredImage>();
    for (let i: StoredImage | undefined = image; i; i = i.parent ? this.images.find((p) => p.id === i?.parent) : undefined) {
      ends.set(i.history.length - 1, i);
    }
    let layer = 0;
    const entries = image.history.map((step, at): RawHistoryEntry => {
      const size = step.empty_layer ? 0 : image.layers[layer++].size;
      const own = ends.get(at);
      const tags = own?.tags.length ? [...own.tags] : null;
      return { Id: own?.id ?? '<missing>', Created: seconds(new Date(step.created)), CreatedBy: step.created_by, Tags: tags, Size: size, Comment: step.comment ?? '' };
    });
    return entries.reverse();
  }

  async exportImage(name: string): Promise<Readable> {
    this.gate('exportImage');
    return this.archive([name]);
  }

  async exportImages(names: string[]): Promise<Readable> {
    this.gate('exportImages');
    return this.archive(names);
  }

  /**
   * As `docker rmi NAME`: a name of several only goes; the last one takes the image with it,
   * unless a container uses it. By id: refused while it has names in several repositories,
   * a container uses it, or images are built on it. Docker's own words, which Strata reads.
   */
  async removeImage(reference: string): Promise<void> {
    this.gate('removeImage');
    const image = this.image(reference);
    const byId = !this.tagOf(reference);
    const user = this.containers.find((c) => c.imageId === image.id);
    if (!byId && image.tags.length > 1) {
      this.untag(image, this.tagOf(reference) as string);
      return;
    }
    if (byId && image.tags.length > 1) {
      throw engineAnswer(409, `conflict: unable to delete ${short(image.id)} (must be forced) - image is referenced in multiple repositories`);
    }
    if (user && !byId) {
      const why = `container ${short(user.id)} is using its referenced image ${short(image.id)}`;
      throw engineAnswer(409, `conflict: unable to remove repository reference "${reference}" (must force) - ${why}`);
    }
    if (user) {
      const how = user.state === 'running' ? '(cannot be forced) - image is being used by running' : '(must be forced) - image is being used by stopped';
      throw engineAnswer(409, `conflict: unable to delete ${short(image.id)} ${how} container ${short(user.id)}`);
    }
    if (byId && this.hasChildren(image)) {
      throw engineAnswer(409, `conflict: unable to delete ${short(image.id)} (cannot be forced) - image has dependent child images`);
    }
    for (const tag of [...image.tags]) {
      this.untag(image, tag);
    }
    // An image others are built on stays, untagged, as their parent.
    if (!this.hasChildren(image)) {
      this.deleteImage(image);
    }
  }

  async tagImage(source: string, repository: string, tag: string): Promise<void> {
    this.gate('tagImage');
    this.setTag(this.image(source).id, `${repository}:${tag}`);
  }

  async pullImage(): Promise<void> {
    return this.refuse('pullImage', () => undefined, 'The in-memory engine has no registry to pull from.');
  }

  async pushImage(): Promise<void> {
    return this.refuse('pushImage', () => undefined, 'The in-memory engine has no registry to push to.');
  }

  /** Stopped containers, and dangling images no container uses. */
  async pruneCandidates(): Promise<PruneCandidates> {
    this.gate('pruneCandidates');
    const { containers, images } = this.prunable();
    return { containers: containers.map((c) => ({ id: c.id, name: c.name, size: 0 })), images: images.map((i) => ({ id: i.id, size: i.size })) };
  }

  async prune(): Promise<{ containers: number; images: number; reclaimed: number }> {
    this.gate('prune');
    const { containers, images } = this.prunable();
    containers.forEach((c) => this.destroy(c));
    images.forEach((i) => this.deleteImage(i));
    return { containers: containers.length, images: images.length, reclaimed: images.reduce((sum, i) => sum + i.size, 0) };
  }

  // --- containers -------------------------------------------------------------------------

  async listContainers(): Promise<ContainerSummary[]> {
    this.gate('listContainers');
    return this.containers.map((c) =>
      toContainerSummary({
        Id: c.id,
        Names: [`/${c.name}`],
        Image: c.image,
        ImageID: c.imageId,
        State: c.state,
        Status: c.state === 'running' ? `Up ${agoText(c.startedAt)}` : `Exited (${c.exitCode}) ${agoText(c.finishedAt ?? c.created)} ago`,
        Created: seconds(c.created),
        // Published only while it runs, as the engine lists them.
        Ports: c.state === 'running' ? c.ports : [],
        Labels: c.labels,
      }),
    );
  }

  async inspectContainer(id: string): Promise<Docker.ContainerInspectInfo> {
    this.gate('inspectContainer');
    const c = this.container(id);
    const running = c.state === 'running';
    return {
      Id: c.id, Created: c.created.toISOString(), Path: c.command[0] ?? '', Args: c.command.slice(1), Image: c.imageId, Name: `/${c.name}`, RestartCount: 0,
      State: { Status: c.state, Running: running, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: running ? 4242 : 0, ExitCode: c.exitCode, Error: '' },
      HostConfig: { AutoRemove: c.autoRemove, LogConfig: { Type: 'json-file', Config: {} } },
      Config: { Image: c.image, Cmd: c.command, Labels: c.labels, Tty: false, Env: [] },
    } as unknown as Docker.ContainerInspectInfo;
  }

  /** Creates and starts; a run whose host port is taken is refused and leaves nothing behind, as DockerEngine's does. */
  async runContainer(options: RunOptions): Promise<{ id: string; name: string }> {
    this.gate('runContainer');
    const image = this.image(options.image);
    const taken = options.name === undefined ? undefined : this.containers.find((c) => c.name === options.name);
    if (taken) {
      const advice = 'You have to remove (or rename) that container to be able to reuse that name.';
      throw engineAnswer(409, `Conflict. The container name "/${options.name}" is already in use by container "${taken.id}". ${advice}`);
    }
    const now = new Date();
    const c: StoredContainer = {
      id: randomBytes(32).toString('hex'), name: options.name ?? `twin_${++this.named}`, image: options.image, imageId: image.id, created: now, startedAt: now,
      state: 'running', exitCode: 0, command: options.command ?? [], autoRemove: options.removeWhenStopped, log: [], followers: new Set(),
      // As the engine does: the image's labels, then the run's.
      labels: { ...image.labels, 'dev.strata.run': 'true', ...options.labels },
      ports: options.ports.map((p) => ({ IP: p.hostIp || '0.0.0.0', PrivatePort: p.containerPort, PublicPort: p.hostPort ?? this.nextPort++, Type: p.protocol })),
    };
    this.containers.push(c);
    this.emit('container', 'create', c.id, this.attributes(c));
    const others = this.containers.filter((o) => o !== c && o.state === 'running').flatMap((o) => o.ports);
    const clash = c.ports.find((p) => others.some((q) => q.PublicPort === p.PublicPort && q.Type === p.Type));
    if (clash) {
      this.destroy(c);
      throw engineAnswer(500, `driver failed programming external connectivity on endpoint ${c.name}: Bind for 0.0.0.0:${clash.PublicPort} failed: port is already allocated`);
    }
    this.emit('container', 'start', c.id, this.attributes(c));
    return { id: c.id, name: c.name };
  }

  // Starting a running container and stopping a stopped one change nothing (the engine's 304).
  async startContainer(id: string): Promise<void> {
    this.gate('startContainer');
    const c = this.container(id);
    if (c.state !== 'running') {
      Object.assign(c, { state: 'running', exitCode: 0, startedAt: new Date() });
      this.emit('container', 'start', c.id, this.attributes(c));
    }
  }

  async stopContainer(id: string): Promise<void> {
    this.gate('stopContainer');
    const c = this.container(id);
    if (c.state === 'running') {
      this.emit('container', 'kill', c.id, { ...this.attributes(c), signal: '15' });
      this.die(c, 0, 'stop');
    }
  }

  async restartContainer(id: string): Promise<void> {
    this.gate('restartContainer');
    const c = this.container(id);
    if (c.state === 'running') {
      this.die(c, 0, 'stop');
    }
    Object.assign(c, { state: 'running', exitCode: 0, startedAt: new Date() });
    this.emit('container', 'start', c.id, this.attributes(c));
    this.emit('container', 'restart', c.id, this.attributes(c));
  }

  async removeContainer(id: string, force = false): Promise<void> {
    this.gate('removeContainer');
    const c = this.container(id);
    if (c.state === 'running' && !force) {
      throw engineAnswer(409, `You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
    }
    if (c.state === 'running') {
      this.emit('container', 'kill', c.id, { ...this.attributes(c), signal: '9' });
      this.die(c, 137);
    }
    this.destroy(c);
  }

  /** The lines written so far, as the engine frames them (8-byte headers: stdout 1, stderr 2); with follow, the stream stays open while it runs. */
  async containerLogs(id: string, request: LogRequest): Promise<Readable> {
    this.gate('containerLogs');
    const c = this.container(id);
    const [s, ns] = (request.since ?? '').split('.');
    const since = request.since ? BigInt(s) * 1_000_000_000n + BigInt((ns ?? '').padEnd(9, '0').slice(0, 9)) : undefined;
    let lines = c.log.filter((l) => since === undefined || l.nanos >= since);
    if (request.tail !== undefined) {
      lines = request.tail > 0 ? lines.slice(-request.tail) : [];
    }
    const stream = new PassThrough();
    for (const line of lines) {
      stream.write(frame(line, request.timestamps));
    }
    if (request.follow && c.state === 'running') {
      const follower = { stream, timestamps: request.timestamps };
      c.followers.add(follower);
      stream.on('close', () => c.followers.delete(follower));
    } else {
      stream.end();
    }
    return stream;
  }

  // What needs a process or a container's files: the container is looked up (a 404 when it
  // does not exist, as the engine says), then refused.
  async containerStats(id: string): Promise<ContainerStatsSample> {
    return this.refuse('containerStats', () => this.container(id), 'The in-memory engine runs no processes: it has no CPU or memory figures.');
  }

  async execShell(id: string): Promise<ExecSession> {
    return this.refuse('execShell', () => this.container(id), 'The in-memory engine runs no processes: it has no shell to attach to.');
  }

  async runInteractive(image: string): Promise<AttachedContainer> {
    return this.refuse('runInteractive', () => this.image(image), 'The in-memory engine runs no processes: it cannot run one interactively.');
  }

  async containerPathStat(id: string): Promise<ContainerPathStat | undefined> {
    return this.refuse('containerPathStat', () => this.container(id), 'The in-memory engine keeps no container filesystems: their files cannot be browsed.');
  }

  async containerArchive(id: string): Promise<Readable> {
    return this.refuse('containerArchive', () => this.container(id), 'The in-memory engine keeps no container filesystems: their files cannot be browsed.');
  }

  // --- inside the twin --------------------------------------------------------------------

  private async refuse(method: EngineMethod, lookUp: () => void, sentence: string): Promise<never> {
    this.gate(method);
    lookUp();
    throw new EngineRefusal(sentence);
  }

  /** Records the call; a failure queued for it is thrown instead of doing anything. */
  private gate(method: EngineMethod): void {
    this.calls.push(method);
    const failure = this.failures.find((f) => f.method === method || f.method === '*');
    if (failure) {
      if (--failure.times <= 0) {
        this.failures.splice(this.failures.indexOf(failure), 1);
      }
      throw failure.error;
    }
  }

  /** "repo:tag" for a name that is a tag (a bare repository is its :latest), undefined for an id. */
  private tagOf(reference: string): string | undefined {
    if (/^(sha256:)?[0-9a-f]{12,64}$/.test(reference)) {
      return undefined;
    }
    return reference.lastIndexOf(':') > reference.lastIndexOf('/') ? reference : `${reference}:latest`;
  }

  /** An image by tag, full id or unique id prefix; a 404 in the engine's words otherwise. */
  private image(reference: string): StoredImage {
    const tag = this.tagOf(reference);
    const hex = reference.replace(/^sha256:/, '');
    const found = tag ? this.images.filter((i) => i.tags.includes(tag)) : this.images.filter((i) => i.id.slice(7).startsWith(hex));
    if (found.length !== 1) {
      throw engineAnswer(404, `No such image: ${reference}`);
    }
    return found[0];
  }

  private container(id: string): StoredContainer {
    const c = this.containers.find((x) => x.id === id || x.name === id || (id.length >= 12 && x.id.startsWith(id)));
    if (!c) {
      throw engineAnswer(404, `No such container: ${id}`);
    }
    return c;
  }

  private hasChildren(image: StoredImage): boolean {
    return this.images.some((i) => i.parent === image.id);
  }

  private prunable(): { containers: StoredContainer[]; images: StoredImage[] } {
    return {
      containers: this.containers.filter((c) => c.state !== 'running'),
      images: this.images.filter((i) => i.tags.length === 0 && !this.hasChildren(i) && !this.containers.some((c) => c.imageId === i.id)),
    };
  }

  private deleteImage(image: StoredImage): void {
    this.images.splice(this.images.indexOf(image), 1);
    this.emit('image', 'delete', image.id, { name: image.id });
  }

  /** Gives `tag` to the image, taking it from the image that had it (which may be left untagged). */
  private setTag(id: string, tag: string): void {
    const reference = this.tagOf(tag) as string;
    for (const other of this.images.filter((i) => i.id !== id && i.tags.includes(reference))) {
      other.tags = other.tags.filter((t) => t !== reference);
    }
    const image = this.images.find((i) => i.id === id) as StoredImage;
    if (!image.tags.includes(reference)) {
      image.tags.push(reference);
    }
    this.emit('image', 'tag', id, { name: reference });
  }

  private untag(image: StoredImage, tag: string): void {
    image.tags = image.tags.filter((t) => t !== tag);
    this.emit('image', 'untag', image.id, { name: tag });
  }

  private die(c: StoredContainer, code: number, then?: 'stop'): void {
    if (c.state !== 'running') {
      return;
    }
    Object.assign(c, { state: 'exited', exitCode: code, finishedAt: new Date() });
    this.endFollowers(c);
    this.emit('container', 'die', c.id, { ...this.attributes(c), exitCode: String(code) });
    if (then) {
      this.emit('container', then, c.id, this.attributes(c));
    }
    if (c.autoRemove) {
      this.destroy(c);
    }
  }

  private destroy(c: StoredContainer): void {
    this.endFollowers(c);
    this.containers.splice(this.containers.indexOf(c), 1);
    this.emit('container', 'destroy', c.id, this.attributes(c));
  }

  private endFollowers(c: StoredContainer): void {
    for (const f of c.followers) {
      f.stream.end();
    }
    c.followers.clear();
  }

  private attributes(c: StoredContainer): Record<string, string> {
    return { ...c.labels, image: c.image, name: c.name };
  }

  /** A time later than any given before, to the nanosecond, as the engine stamps log lines and events. */
  private stamp(): { nanos: bigint; timestamp: string } {
    let nanos = BigInt(Date.now()) * 1_000_000n;
    nanos = nanos > this.lastStamp ? nanos : this.lastStamp + 1n;
    this.lastStamp = nanos;
    const whole = new Date(Number(nanos / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
    return { nanos, timestamp: `${whole}.${String(nanos % 1_000_000_000n).padStart(9, '0')}Z` };
  }

  /** One JSON line to every open event stream, in the shape GET /events sends. */
  private emit(type: 'image' | 'container', action: string, id: string, attributes: Record<string, string>): void {
    const { nanos } = this.stamp();
    const time = { time: Number(nanos / 1_000_000_000n), timeNano: Number(nanos) };
    const event = { status: action, id, Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local', ...time };
    for (const s of this.eventStreams) {
      s.write(`${JSON.stringify(event)}\n`);
    }
  }

  /** A `docker save` archive (Engine ≤ 24's layout): each layer once, its config, manifest.json naming the tag asked for. */
  private async archive(names: string[]): Promise<Readable> {
    const chosen = names.map((n) => ({ image: this.image(n), asked: this.tagOf(n) }));
    const pack = tar.pack();
    const written = new Set<string>();
    const once = (name: string, data: Buffer) => {
      if (!written.has(name)) {
        written.add(name);
        pack.entry({ name }, data);
      }
    };
    const manifest = chosen.map(({ image, asked }) => {
      const layerNames = image.layers.map((l) => `${l.diffId.slice(7)}/layer.tar`);
      image.layers.forEach((l, i) => once(layerNames[i], l.tar));
      once(`${image.id.slice(7)}.json`, image.config);
      return { Config: `${image.id.slice(7)}.json`, RepoTags: asked ? [asked] : null, Layers: layerNames };
    });
    pack.entry({ name: 'manifest.json' }, Buffer.from(JSON.stringify(manifest)));
    pack.finalize();
    return Readable.from([await bytesOf(pack as unknown as AsyncIterable<Buffer>)]);
  }
}

/** One log line in the Engine API's multiplexed frame: stream type, three zero bytes, the payload's length (big-endian), the payload. */
function frame(line: LoggedLine, timestamps: boolean): Buffer {
  const payload = Buffer.from(`${timestamps ? `${line.timestamp} ` : ''}${line.text}\n`);
  const header = Buffer.alloc(8);
  header[0] = line.source === 'stderr' ? 2 : 1;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
