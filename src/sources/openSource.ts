/**
 * From what a user typed to the source that reads it, and the analysis of it through the
 * caches: the one way the CLI and the VS Code side read an image from any source.
 */
import * as fs from 'fs';
import type { AnalysisCache, AnalyzeOptions } from '../analysis/analysisCache';
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import type { Engine } from '../engine/api/engine';
import { credentialsFor } from '../engine/connect/credentials';
import { EngineSource } from './engineSource';
import { ArchiveSource, OciLayoutSource } from './fileSources';
import { type ImageSource, type SourceSpec, parseSource } from './imageSource';
import { RegistryClient, type RegistryClientOptions } from './registry/registryClient';
import { RegistrySource } from './registrySource';

/** The platform this machine runs, as registries name it: what a pull without --platform takes. */
export function localPlatform(): string {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return `linux/${arch[process.arch] ?? process.arch}`;
}

/** Registry clients, one per registry (its tokens and scheme learnt once), with the docker CLI's credentials. */
export class Registries {
  private readonly clients = new Map<string, RegistryClient>();

  constructor(private readonly options: () => Omit<RegistryClientOptions, 'credentials'> = () => ({})) {}

  client(registry: string): RegistryClient {
    let client = this.clients.get(registry);
    if (!client) {
      client = new RegistryClient(registry, {
        ...this.options(),
        credentials: async (r) => {
          const auth = await credentialsFor(r);
          return auth ? { username: auth.username, password: auth.password, identitytoken: auth.identitytoken } : undefined;
        },
      });
      this.clients.set(registry, client);
    }
    return client;
  }

  /** Forgets clients (settings changed: insecure registries, CAs). */
  reset(): void {
    this.clients.clear();
  }
}

const isFile = (p: string) => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

export interface SourceDeps {
  registries: Registries;
  /** The engine, for an image named on it (asked only then: a registry source needs none). */
  engine(): Promise<Engine>;
}

export async function openSource(text: string | SourceSpec, deps: SourceDeps): Promise<ImageSource> {
  const spec = typeof text === 'string' ? parseSource(text, isFile) : text;
  switch (spec.kind) {
    case 'registry':
      return new RegistrySource(deps.registries.client(spec.reference.registry), spec.reference);
    case 'oci-layout':
      return new OciLayoutSource(spec.path, spec.tag);
    case 'file':
      return new ArchiveSource(spec.path);
    case 'engine':
      return new EngineSource(await deps.engine(), spec.name);
  }
}

/**
 * An image's analysis from a source, through the cache: the key says what the content is
 * (a registry's manifest digest, an image id, an archive's path, size and mtime), so an
 * image analysed before is not read again, and its known layers are not read or parsed.
 */
export async function analyzeSource(cache: AnalysisCache, source: ImageSource, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
  const platform = options.platform ?? options.preferPlatform ?? '';
  const content = (await source.key?.(options.signal)) ?? source.name;
  const key = source.kind === 'registry' || source.kind === 'oci-layout' ? `${source.kind}:${content}:${platform}` : content;
  return cache.analyzeWith(
    key,
    async (known, readOptions) => {
      const read = await source.read({ ...readOptions, knownLayer: known });
      // Registry and layout sources name each layer by its blob's digest.
      const blobs = read.archive.layers.map((l) => (/^sha256:[0-9a-f]{64}$/.test(l.source) ? l.source : undefined));
      return { archive: read.archive, blobs, bytesRead: read.bytesRead, blobsRead: read.blobsRead };
    },
    options,
  );
}
