import Docker from 'dockerode';
import { type EngineEndpoint, resolveEndpoint } from './endpoint';
import { type ImageSummary, type RawImageSummary, toImageSummary } from './images';

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
}
