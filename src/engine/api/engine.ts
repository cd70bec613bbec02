/**
 * The engine contract: what the views, commands, panels and the CLI need of a container
 * engine, and the shapes of its answers. DockerEngine implements it over the Engine API
 * (Docker and Podman alike); the tests' in-memory twin (test/harness/twin/memoryEngine.ts)
 * implements it with no engine at all, so the VS Code side can be tested against it.
 */
import type { Readable } from 'stream';
import type Docker from 'dockerode';
import type { EngineEndpoint } from '../connect/endpoint';
import type { RegistryAuth } from '../connect/credentials';
import type { ContainerSummary } from '../../model/containers/containers';
import type { ImageSummary } from '../../model/images';
import type { RawHistoryEntry } from '../../model/layerAlignment';
import type { RunOptions } from '../../model/containers/runOptions';
import type { EngineProblem } from './engineError';
import type { TransferEvent } from './transfer';

/** Which engine one is: Docker or Podman (told apart by /libpod/_ping), with its version. */
export interface EngineIdentity {
  kind: 'docker' | 'podman';
  /** The server's version ("20.10.24", "4.3.1"). */
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

/** The engine's own id and name (GET /info), which tell two engines apart. */
export interface EngineInfo {
  id: string;
  name: string;
  serverVersion: string;
  driver: string;
  /** Where it keeps its data: tells two engines on one machine apart (Podman makes a new ID per request). */
  rootDir: string;
}

/** What an engine can be asked, by its API version (never by its product version). */
export interface EngineCapabilities {
  apiVersion: string;
  /** "linux/amd64": what it runs, so the platform to show and analyse. */
  platform: string;
  /** GET /images/json?shared-size=1 (API 1.42+). */
  sharedSize: boolean;
  /** GET /images/json?manifests=1 (API 1.47+): platforms and attestations. */
  manifests: boolean;
  /** GET /images/{name}/get?platform=… (API 1.48+). */
  exportPlatform: boolean;
}

export interface LogRequest {
  follow: boolean;
  timestamps: boolean;
  /** "seconds.nanoseconds" */
  since?: string;
  tail?: number;
}

export interface TransferOptions {
  auth?: RegistryAuth;
  onEvent?: (e: TransferEvent) => void;
  signal?: AbortSignal;
}

export interface InteractiveOptions {
  autoRemove: boolean;
  command?: string[];
  labels?: Record<string, string>;
  size?: { cols: number; rows: number };
}

export interface PruneCandidates {
  containers: Array<{ id: string; name: string; size: number }>;
  images: Array<{ id: string; size: number }>;
}

export interface Engine {
  readonly name: string;
  /** Where it is; undefined when its settings make it unusable (each call then says why). */
  readonly endpoint: EngineEndpoint | undefined;
  /** Where it is, as a sentence names it ("/var/run/docker.sock", "root@build:2222"). */
  readonly place: string;
  /** The sentence for a failed call to this engine. */
  describeError(err: unknown): EngineProblem;
  /** Closes its connections; later calls open new ones. */
  dispose(): void;

  // The engine itself.
  ping(): Promise<void>;
  /** Docker or Podman, and which version. */
  identify(): Promise<EngineIdentity>;
  /** What it can be asked, by its API version. */
  capabilities(): Promise<EngineCapabilities>;
  info(): Promise<EngineInfo>;
  /** Image and container events as JSON lines, kept open. */
  events(): Promise<Readable>;

  // Images.
  listImages(options?: { sharedSize?: boolean }): Promise<ImageSummary[]>;
  inspectImage(id: string): Promise<Docker.ImageInspectInfo>;
  /** One entry per build step, newest first. */
  imageHistory(id: string): Promise<RawHistoryEntry[]>;
  /** The image as `docker save` writes it; with a platform, only that one where the engine can. */
  exportImage(name: string, platform?: string): Promise<Readable>;
  /** Several images in one archive, the layers they share in it once. */
  exportImages(names: string[]): Promise<Readable>;
  /** Removes one name of an image (the image itself with its last name). */
  removeImage(reference: string): Promise<void>;
  tagImage(source: string, repository: string, tag: string): Promise<void>;
  pullImage(reference: string, options?: TransferOptions): Promise<void>;
  pushImage(reference: string, options?: TransferOptions): Promise<void>;
  pruneCandidates(): Promise<PruneCandidates>;
  prune(): Promise<{ containers: number; images: number; reclaimed: number }>;

  // Containers.
  listContainers(): Promise<ContainerSummary[]>;
  inspectContainer(id: string): Promise<Docker.ContainerInspectInfo>;
  /** Creates and starts; a container that could not start is removed again. */
  runContainer(options: RunOptions): Promise<{ id: string; name: string }>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string): Promise<void>;
  restartContainer(id: string): Promise<void>;
  removeContainer(id: string, force?: boolean): Promise<void>;
  /** stdout and stderr as a raw stream (frames unless TTY). */
  containerLogs(id: string, request: LogRequest): Promise<Readable>;
  containerStats(id: string): Promise<ContainerStatsSample>;
  execShell(id: string, size?: { cols: number; rows: number }): Promise<ExecSession>;
  runInteractive(image: string, options: InteractiveOptions): Promise<AttachedContainer>;
  /** A path's stat, or undefined when it does not exist. */
  containerPathStat(id: string, path: string): Promise<ContainerPathStat | undefined>;
  /** A path as a tar (a folder with everything below it). */
  containerArchive(id: string, path: string, signal?: AbortSignal): Promise<Readable>;
}

/** A shell in a container: its TTY stream, resize, and its exit code once it ended. */
export interface ExecSession {
  shell: string;
  stream: NodeJS.ReadWriteStream;
  resize(cols: number, rows: number): Promise<void>;
  exitCode(): Promise<number | undefined>;
  /** Ends the session: the stream closed and the shell, if still running, hung up. */
  end(): Promise<void>;
}

export interface AttachedContainer {
  id: string;
  name: string;
  stream: NodeJS.ReadWriteStream;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves with the exit code when the container stops. */
  wait(): Promise<number | undefined>;
  /** Detaches and stops the container (its terminal was closed). */
  stop(): Promise<void>;
}

/** What the archive API says of one path (X-Docker-Container-Path-Stat). */
export interface ContainerPathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface ContainerStatsSample {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } };
}
