import Docker from 'dockerode';
import { type EngineEndpoint, resolveEndpoint } from './endpoint';
import { type ImageSummary, type RawImageSummary, toImageSummary } from './images';
import type { RawHistoryEntry } from './layerAlignment';

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
}
