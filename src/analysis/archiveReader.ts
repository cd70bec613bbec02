/**
 * Reads an image archive as a stream, the way `docker save` (GET /images/{name}/get)
 * writes it: the Docker layout (`<id>/layer.tar`, `<id>/json`, `manifest.json`, Engine ≤ 24)
 * or the OCI layout (`index.json`, `blobs/sha256/…`, Engine 25+), with uncompressed, gzip
 * or zstd layer blobs, entries in any order (`manifest.json` often comes last). Nothing
 * is extracted and no file content is kept: each layer is parsed as it streams past, and
 * only JSON documents (manifests, configs) are held, up to a size limit.
 */
import * as path from 'path';
import { PassThrough, type Readable } from 'stream';
import * as zlib from 'zlib';
import * as tar from 'tar-stream';
import type { LayerEntry } from '../model/layerEntries';
import { CancelledError } from '../shared/errors';
import { ArchiveError } from './archiveError';
import type { ContentReaders, LayerFacts } from '../model/layerFacts';
import { type Compression, type ParsedLayer, parseLayerTar, sniff, zstdTransform } from './layerReader';

export { ArchiveError } from './archiveError';
export type { ParsedLayer } from './layerReader';


export interface ImageConfig {
  history?: Array<{ created?: string; created_by?: string; empty_layer?: boolean; comment?: string }>;
  rootfs?: { diff_ids?: string[] };
  /** The run configuration (the fields Strata reads; engines write null for an empty one). */
  config?: {
    Labels?: Record<string, string> | null;
    Env?: string[] | null;
    User?: string;
    ExposedPorts?: Record<string, object> | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
  };
}

export interface ArchiveLayer {
  /** Where the layer was in the archive (`abc…/layer.tar`, `blobs/sha256/…`). */
  source: string;
  diffId?: string;
  compression: Compression;
  entries: LayerEntry[];
  /** Σ of the entries' sizes, as dive counts a layer's size. */
  size: number;
  /** What the content readers found in it (layerFacts.ts). */
  facts?: LayerFacts;
}

/** One image manifest of a multi-platform archive, as "os/arch[/variant]". */
export interface ArchivePlatform {
  platform: string;
  /** Its layers are in the archive (a platform can be listed in the index only). */
  present: boolean;
}

export interface ImageArchive {
  format: 'docker' | 'oci';
  /** The image config's digest ("sha256:…"): the image id on the classic store. */
  configDigest?: string;
  repoTags: string[];
  config: ImageConfig;
  /** Base first. */
  layers: ArchiveLayer[];
  /** The platform read, when the archive says ("linux/amd64"). */
  platform?: string;
  /** Every image manifest the archive lists (one for a single-platform image). */
  platforms: ArchivePlatform[];
  /** Attestation manifests it holds, by what they attest ("provenance", "SBOM"): read past, never layers. */
  attestations: string[];
}

export interface ReadOptions {
  onProgress?: (bytesRead: number) => void;
  signal?: AbortSignal;
  /** Read this platform ("linux/arm64"); an archive without it is an error that lists what it has. */
  platform?: string;
  /** Among several platforms, this one (the engine's own); otherwise as the archive says. */
  preferPlatform?: string;
  /**
   * A layer read before, by its entry name when that name is its content's digest
   * (`blobs/sha256/…`): its bytes stream past without being decompressed or parsed.
   */
  knownLayer?: (entryName: string) => ParsedLayer | undefined | Promise<ParsedLayer | undefined>;
  /** Digest each file's content as it streams (to compare two images' files). */
  hashContents?: boolean;
  /** The content readers each layer is read with (layerFacts.ts); the default ones unless given (the bench reads without). */
  contentReaders?: ContentReaders;
}

const MAX_JSON_BYTES = 32 * 1024 * 1024;

/** Reads the whole archive stream; rejects with an ArchiveError that names the problem. */
export function readImageArchive(stream: Readable, options: ReadOptions = {}): Promise<ImageArchive> {
  return readArchive(stream, options, (json, layers) => assemble(json, layers, options));
}

/**
 * Every image of an archive of several (`docker save A B`, GET /images/get?names=A&names=B:
 * layers the images share are in it once), in the order of its manifest.
 */
export function readImageArchives(stream: Readable, options: ReadOptions = {}): Promise<ImageArchive[]> {
  return readArchive(stream, options, (json, layers) => {
    const docker = json.get('manifest.json') as DockerManifestEntry[] | undefined;
    if (!Array.isArray(docker) || docker.length <= 1) {
      return [assemble(json, layers, options)];
    }
    return docker.map((entry) => assemble(new Map([...json, ['manifest.json', [entry]], ['index.json', undefined]]), layers, options));
  });
}

function readArchive<T>(stream: Readable, options: ReadOptions, finish: (json: Map<string, unknown>, layers: Map<string, ParsedLayer>) => T): Promise<T> {
  const json = new Map<string, unknown>();
  const layers = new Map<string, ParsedLayer>();
  /** Entries that are links to another (`docker save` of several images: a shared layer.tar once). */
  const links = new Map<string, string>();
  let bytesRead = 0;

  return new Promise<T>((resolve, reject) => {
    const outer = tar.extract();
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) {
        return;
      }
      settled = true;
      stream.unpipe(outer);
      stream.destroy();
      outer.destroy();
      reject(err instanceof ArchiveError || err instanceof CancelledError ? err : new ArchiveError({ code: 'unreadable', detail: String(err instanceof Error ? err.message : err) }));
    };
    const onAbort = () => fail(new CancelledError('the analysis'));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    stream.on('data', (chunk: Buffer) => {
      bytesRead += chunk.length;
      options.onProgress?.(bytesRead);
    });
    stream.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        new ArchiveError(
          // An answer cut off (Node's "aborted", ECONNRESET): the engine went away mid-export.
          err.message === 'aborted' || err.code === 'ECONNRESET' ? { code: 'connectionClosed' } : { code: 'unreadable', detail: err.message },
        ),
      ),
    );

    outer.on('entry', (header, body, next) => {
      const name = header.name.replace(/^\.\//, '');
      if ((header.type === 'symlink' || header.type === 'link') && header.linkname) {
        const target = header.type === 'link' ? header.linkname : path.posix.normalize(path.posix.join(path.posix.dirname(name), header.linkname));
        links.set(name, target.replace(/^\.\//, ''));
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        body.on('end', next);
        body.resume();
        return;
      }
      /** A layer known already: its bytes stream past unparsed. */
      const skip = (layer: ParsedLayer) => {
        layers.set(name, layer);
        body.on('end', next);
        body.resume();
      };
      const parse = () => {
        // The first bytes say what the entry is (JSON document, gzip, zstd or plain tar);
        // until then they are held, then everything goes to the consumer chosen.
        let head: Buffer[] = [];
        let headBytes = 0;
        let sink: ((chunk: Buffer) => void) | undefined;
        let finish: (() => void) | undefined;
        const decide = () => {
          const first = Buffer.concat(head);
          head = [];
          const sniffed = sniff(first);
          const kind = name.endsWith('layer.tar') && sniffed === 'unknown' ? 'tar' : sniffed;
          if (kind === 'json' && (header.size ?? 0) <= MAX_JSON_BYTES) {
            const chunks: Buffer[] = [first];
            sink = (c) => chunks.push(c);
            finish = () => {
              try {
                json.set(name, JSON.parse(Buffer.concat(chunks).toString('utf8')));
              } catch {
                // Not JSON after all: not a document we need.
              }
              next();
            };
          } else if (kind === 'gzip' || kind === 'zstd' || kind === 'tar') {
            const feed = new PassThrough();
            const input: Readable = kind === 'gzip' ? feed.pipe(zlib.createGunzip()) : kind === 'zstd' ? feed.pipe(zstdTransform()) : feed;
            if (input !== feed) {
              feed.on('error', (err) => input.destroy(err));
            }
            sink = (c) => {
              // Keep memory flat: stop reading the archive while the layer parser catches up.
              if (!feed.write(c)) {
                body.pause();
                feed.once('drain', () => body.resume());
              }
            };
            finish = () => feed.end();
            sink(first);
            parseLayerTar(name, input, options.hashContents, options.contentReaders).then(
              (parsed) => {
                layers.set(name, { compression: kind === 'tar' ? 'none' : kind, ...parsed });
                next();
              },
              (err) => fail(err),
            );
          } else {
            sink = () => undefined;
            finish = next;
          }
        };
        body.on('data', (data: unknown) => {
          const chunk = data as Buffer;
          if (sink) {
            sink(chunk);
            return;
          }
          head.push(chunk);
          headBytes += chunk.length;
          if (headBytes >= 512) {
            decide();
          }
        });
        body.on('end', () => {
          if (!sink) {
            decide();
          }
          finish?.();
        });
        // A truncated archive ends an entry with an error; the outer 'error' names it.
        body.on('error', () => undefined);
      };
      const known = options.knownLayer?.(name);
      if (known instanceof Promise) {
        // Asked of the cache on disk: the entry waits, unread, for the answer.
        known.then((layer) => (layer ? skip(layer) : parse()), parse);
      } else if (known) {
        skip(known);
      } else {
        parse();
      }
    });
    outer.on('error', (err: Error) => {
      // tar-stream's words are all it says of a broken archive.
      fail(
        new ArchiveError(
          /unexpected end/i.test(err.message) ? { code: 'truncated' } : /invalid tar header/i.test(err.message) ? { code: 'notTar' } : { code: 'unreadable', detail: err.message },
        ),
      );
    });
    outer.on('finish', () => {
      if (settled) {
        return;
      }
      try {
        for (const [link, target] of links) {
          const layer = layers.get(target);
          if (layer && !layers.has(link)) {
            layers.set(link, layer);
          }
        }
        const archive = finish(json, layers);
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        resolve(archive);
      } catch (err) {
        fail(err);
      }
    });
    stream.pipe(outer);
  });
}

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

interface OciPlatform {
  os?: string;
  architecture?: string;
  variant?: string;
}

interface OciDescriptor {
  mediaType?: string;
  digest: string;
  platform?: OciPlatform;
  annotations?: Record<string, string>;
}

interface OciManifest {
  config: OciDescriptor;
  layers: OciDescriptor[];
}

/** An image manifest found through the index (nested indexes followed). */
interface FoundImage {
  digest: string;
  platform?: string;
  manifest: OciManifest;
}

function blobPath(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

export function platformText(p: OciPlatform | undefined): string | undefined {
  return p?.os && p.architecture ? `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}` : undefined;
}

/** "linux/arm64" matches "linux/arm64/v8": a variant counts only when both name one. */
export function samePlatform(a: string, b: string): boolean {
  const [ao, aa, av] = a.split('/');
  const [bo, ba, bv] = b.split('/');
  return ao === bo && aa === ba && (!av || !bv || av === bv);
}

function isAttestation(d: OciDescriptor): boolean {
  return d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown');
}

/** What an attestation manifest attests, from its layers' in-toto predicate types. */
function attestationKind(json: Map<string, unknown>, d: OciDescriptor): string {
  const doc = json.get(blobPath(d.digest)) as { layers?: OciDescriptor[] } | undefined;
  const types = (doc?.layers ?? []).map((l) => l.annotations?.['in-toto.io/predicate-type'] ?? '');
  const kinds = [...new Set(types.map((t) => (/provenance/i.test(t) ? 'provenance' : /spdx|cyclonedx|sbom/i.test(t) ? 'SBOM' : 'attestation')))];
  return kinds.join(' + ') || 'attestation';
}

/** Every image manifest behind an OCI index (nested ones followed), and the attestations. */
function collectImages(json: Map<string, unknown>, descriptors: OciDescriptor[], found: { images: FoundImage[]; attestations: string[] }, depth = 0): void {
  if (depth > 4) {
    return;
  }
  for (const d of descriptors) {
    if (isAttestation(d)) {
      found.attestations.push(attestationKind(json, d));
      continue;
    }
    const doc = json.get(blobPath(d.digest)) as { manifests?: OciDescriptor[]; config?: OciDescriptor; layers?: OciDescriptor[] } | undefined;
    if (doc?.manifests) {
      collectImages(json, doc.manifests, found, depth + 1);
    } else if (doc?.config && doc.layers) {
      const config = json.get(blobPath(doc.config.digest)) as OciPlatform | undefined;
      found.images.push({ digest: d.digest, platform: platformText(d.platform) ?? platformText(config), manifest: { config: doc.config, layers: doc.layers } });
    } else if (d.platform && !doc) {
      // Listed, but its manifest is not in the archive: a platform the exporter left out.
      found.images.push({ digest: d.digest, platform: platformText(d.platform), manifest: { config: { digest: '' }, layers: [] } });
    }
  }
}

/** Puts the parsed pieces together in the order the manifest gives. */
function assemble(json: Map<string, unknown>, layers: Map<string, ParsedLayer>, options: ReadOptions = {}): ImageArchive {
  const need = (path: string, what: 'layer' | 'layerBlob'): ParsedLayer => {
    const layer = layers.get(path.replace(/^\.\//, ''));
    if (!layer) {
      throw new ArchiveError({ code: 'missingEntry', what, path });
    }
    return layer;
  };
  const docker = json.get('manifest.json') as DockerManifestEntry[] | undefined;
  const index = json.get('index.json') as { manifests?: OciDescriptor[] } | undefined;
  if (index?.manifests?.length) {
    const found = { images: [] as FoundImage[], attestations: [] as string[] };
    collectImages(json, index.manifests, found);
    const present = (f: FoundImage) => f.manifest.config.digest !== '' && json.has(blobPath(f.manifest.config.digest)) && f.manifest.layers.every((l) => layers.has(blobPath(l.digest)));
    const platforms = found.images.map((f) => ({ platform: f.platform ?? 'unknown', present: present(f) }));
    const listing = () => platforms.map((p) => `${p.platform}${p.present ? '' : ' (listed only)'}`).join(', ');
    let chosen: FoundImage | undefined;
    if (options.platform) {
      const wanted = options.platform;
      chosen = found.images.find((f) => f.platform && samePlatform(f.platform, wanted));
      if (!chosen) {
        throw new ArchiveError({ code: 'noSuchPlatform', platform: wanted, available: listing() });
      }
      if (!present(chosen)) {
        throw new ArchiveError({ code: 'platformLeftOut', platform: wanted });
      }
    } else {
      const usable = found.images.filter(present);
      const preferred = options.preferPlatform ? usable.find((f) => f.platform && samePlatform(f.platform, options.preferPlatform as string)) : undefined;
      // The exporter's own pick, where it wrote one (docker save's manifest.json).
      const exporters = docker?.length === 1 ? usable.find((f) => blobPath(f.manifest.config.digest) === docker[0].Config.replace(/^\.\//, '')) : undefined;
      chosen = preferred ?? (usable.length === 1 ? usable[0] : exporters);
      if (!chosen && usable.length > 1) {
        throw new ArchiveError({ code: 'choosePlatform', available: listing() });
      }
      // None complete: the only one listed, so that the missing layer is named below.
      chosen ??= found.images.length === 1 && found.images[0].manifest.config.digest ? found.images[0] : undefined;
    }
    if (!chosen) {
      throw new ArchiveError({ code: 'noManifest' });
    }
    const manifest = chosen.manifest;
    const config = (json.get(blobPath(manifest.config.digest)) ?? {}) as ImageConfig;
    const diffIds = config.rootfs?.diff_ids ?? [];
    const tags = index.manifests.map((d) => d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name']).filter((t): t is string => Boolean(t));
    return {
      format: 'oci',
      configDigest: manifest.config.digest,
      repoTags: docker?.[0]?.RepoTags?.length ? docker[0].RepoTags : tags,
      config,
      layers: manifest.layers.map((d, i) => ({ source: blobPath(d.digest), diffId: diffIds[i], ...need(blobPath(d.digest), 'layerBlob') })),
      platform: chosen.platform,
      platforms,
      attestations: found.attestations,
    };
  }
  if (Array.isArray(docker) && docker.length > 0 && docker[0].Layers) {
    const m = docker[0];
    const config = (json.get(m.Config.replace(/^\.\//, '')) ?? {}) as ImageConfig & OciPlatform;
    const diffIds = config.rootfs?.diff_ids ?? [];
    const platform = platformText(config);
    if (options.platform && platform && !samePlatform(platform, options.platform)) {
      throw new ArchiveError({ code: 'noSuchPlatform', platform: options.platform, available: platform });
    }
    return {
      format: m.Config.startsWith('blobs/') ? 'oci' : 'docker',
      configDigest: `sha256:${/([0-9a-f]{64})(\.json)?$/.exec(m.Config)?.[1] ?? ''}`,
      repoTags: m.RepoTags ?? [],
      config,
      layers: m.Layers.map((path, i) => ({ source: path, diffId: diffIds[i], ...need(path, 'layer') })),
      platform,
      platforms: platform ? [{ platform, present: true }] : [],
      attestations: [],
    };
  }
  throw new ArchiveError({ code: 'notAnImage' });
}
