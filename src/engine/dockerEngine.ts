import type { Readable } from 'stream';
import Docker from 'dockerode';
import { type EngineEndpoint, resolveEndpoint } from './endpoint';
import { type ImageSummary, type RawImageSummary, toImageSummary } from './images';
import { type ContainerSummary, type RawContainerSummary, toContainerSummary } from './containers';
import type { RawHistoryEntry } from './layerAlignment';
import { type RunOptions, toCreateBody } from './runOptions';

function ignoreNotModified(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 304) {
    throw err;
  }
}

/**
 * Strata's only door to the Docker Engine. Every engine call the extension, the CLI and
 * the tests make goes through here; nothing here knows about VS Code.
 */
export class DockerEngine {
  readonly endpoint: EngineEndpoint;
  readonly docker: Docker;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.endpoint = resolveEndpoint(env);
    // For TCP, docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH itself.
    this.docker = new Docker(this.endpoint.kind === 'socket' ? { socketPath: this.endpoint.path } : undefined);
  }

  /** Resolves when the engine answers; rejects with the connection error otherwise. */
  async ping(): Promise<void> {
    await this.docker.ping();
  }

  async listImages(): Promise<ImageSummary[]> {
    const raw = (await this.docker.listImages({ all: false })) as unknown as RawImageSummary[];
    return raw.map(toImageSummary);
  }

  /** GET /images/{id}/json: the engine's full description of one image. */
  async inspectImage(id: string): Promise<Docker.ImageInspectInfo> {
    return this.docker.getImage(id).inspect();
  }

  /** GET /images/{id}/history: one entry per build step, newest first. */
  async imageHistory(id: string): Promise<RawHistoryEntry[]> {
    return (await this.docker.getImage(id).history()) as RawHistoryEntry[];
  }

  /** Removes one name of an image (the image itself when it was its last name), like `docker rmi NAME`. */
  async removeImage(reference: string): Promise<void> {
    await this.docker.getImage(reference).remove();
  }

  async inspectContainer(id: string): Promise<Docker.ContainerInspectInfo> {
    return this.docker.getContainer(id).inspect();
  }

  async listContainers(): Promise<ContainerSummary[]> {
    const raw = (await this.docker.listContainers({ all: true })) as unknown as RawContainerSummary[];
    return raw.map(toContainerSummary);
  }

  /**
   * Creates and starts a container through the Engine API. If it was created but could
   * not start (a port taken…), the never-started container is removed again, so a
   * refused run leaves nothing behind; the error is passed on.
   */
  async runContainer(options: RunOptions): Promise<{ id: string; name: string }> {
    const container = await this.docker.createContainer(toCreateBody(options) as Docker.ContainerCreateOptions);
    try {
      await container.start();
    } catch (err) {
      await container.remove({ force: true }).catch(() => undefined);
      throw err;
    }
    const info = await container.inspect().catch(() => undefined);
    return { id: container.id, name: info ? info.Name.replace(/^\//, '') : (options.name ?? container.id.slice(0, 12)) };
  }

  // 304 "already started/stopped": the container is where the user wanted it.
  async startContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).start().catch(ignoreNotModified);
  }

  async stopContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).stop().catch(ignoreNotModified);
  }

  async restartContainer(id: string): Promise<void> {
    await this.docker.getContainer(id).restart();
  }

  /** Removes a container; `force` stops a running one first (the "Stop and Remove" choice). */
  async removeContainer(id: string, force = false): Promise<void> {
    await this.docker.getContainer(id).remove({ force });
  }

  /** GET /images/{name}/get: the image as `docker save` writes it, as a stream. */
  async exportImage(name: string): Promise<Readable> {
    return (await this.docker.getImage(name).get()) as Readable;
  }
}
