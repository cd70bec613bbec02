/**
 * Builds image archives in memory for tests: the Docker layout or the OCI layout, with
 * uncompressed, gzip or zstd-less layers, entries in the order asked. Layer entries are
 * given as tar headers (name, type, size…); file contents are zero bytes of that size.
 */
import { createHash } from 'crypto';
import { Readable } from 'stream';
import * as zlib from 'zlib';
import * as tar from 'tar-stream';

export interface EntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  size?: number;
  linkname?: string;
  mode?: number;
}

/** Every entry dated the same: a layer made twice is the same bytes (tar-stream dates entries now by default). */
const MTIME = new Date(0);

export function tarOf(entries: Array<{ name: string; data: Buffer } | EntrySpec>): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    if ('data' in e) {
      pack.entry({ name: e.name, mtime: MTIME }, e.data);
    } else {
      const type = e.type ?? 'file';
      const size = type === 'file' ? (e.size ?? 0) : 0;
      const header = { name: e.name, type, linkname: e.linkname, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), size, mtime: MTIME };
      if (type === 'file') {
        pack.entry(header, Buffer.alloc(size));
      } else {
        pack.entry(header);
      }
    }
  }
  pack.finalize();
  return streamToBuffer(pack as unknown as NodeJS.ReadableStream);
}

async function streamToBuffer(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) {
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export interface ArchiveSpec {
  layers: EntrySpec[][];
  format?: 'docker' | 'oci';
  gzip?: boolean;
  /** Put the manifest (or index.json) first instead of last. */
  manifestFirst?: boolean;
  /** Leave this layer's blob out of the archive (0-based). */
  dropLayer?: number;
  history?: Array<{ created_by: string; empty_layer?: boolean }>;
}

export async function imageArchive(spec: ArchiveSpec): Promise<Buffer> {
  const layerTars = await Promise.all(spec.layers.map((l) => tarOf(l)));
  const diffIds = layerTars.map((t) => `sha256:${sha(t)}`);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: spec.history ?? spec.layers.map((_, i) => ({ created_by: `/bin/sh -c step ${i + 1}` })),
    }),
  );
  const files: Array<{ name: string; data: Buffer }> = [];
  let manifestFiles: Array<{ name: string; data: Buffer }>;
  if ((spec.format ?? 'docker') === 'docker') {
    const configName = `${sha(config)}.json`;
    const layerNames = layerTars.map((_, i) => `${String(i).padStart(64, 'a')}/layer.tar`);
    layerTars.forEach((t, i) => i !== spec.dropLayer && files.push({ name: layerNames[i], data: t }));
    files.push({ name: configName, data: config });
    manifestFiles = [{ name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: configName, RepoTags: ['test/image:1'], Layers: layerNames }])) }];
  } else {
    const blobs = layerTars.map((t) => (spec.gzip ? zlib.gzipSync(t) : t));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
        layers: blobs.map((b) => ({ mediaType: `application/vnd.oci.image.layer.v1.tar${spec.gzip ? '+gzip' : ''}`, digest: `sha256:${sha(b)}`, size: b.length })),
      }),
    );
    blobs.forEach((b, i) => i !== spec.dropLayer && files.push({ name: `blobs/sha256/${sha(b)}`, data: b }));
    files.push({ name: `blobs/sha256/${sha(config)}`, data: config }, { name: `blobs/sha256/${sha(manifest)}`, data: manifest });
    manifestFiles = [
      { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
      {
        name: 'index.json',
        data: Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(manifest)}`, size: manifest.length }] })),
      },
    ];
  }
  return tarOf(spec.manifestFirst ? [...manifestFiles, ...files] : [...files, ...manifestFiles]);
}

export function streamOf(buffer: Buffer, chunkSize = 7919): Readable {
  // Odd chunk sizes: nothing may depend on entries or headers arriving whole.
  const chunks: Buffer[] = [];
  for (let i = 0; i < buffer.length; i += chunkSize) {
    chunks.push(buffer.subarray(i, i + chunkSize));
  }
  return Readable.from(chunks);
}

export interface PlatformSpec {
  /** "os/arch[/variant]" */
  platform: string;
  layers: EntrySpec[][];
  /** false: listed in the index, but its manifest and blobs left out (a platform not pulled). */
  present?: boolean;
}

/**
 * A multi-platform OCI layout as Engine 28 with the containerd store saves one: index.json
 * → a nested index → one manifest per platform, plus an attestation manifest per present
 * platform (in-toto layer, platform unknown/unknown); gzip layers. `dockerManifestFor`
 * adds the manifest.json docker save writes for the platform it picked.
 */
export async function multiPlatformArchive(spec: { platforms: PlatformSpec[]; attestations?: boolean; dockerManifestFor?: string }): Promise<Buffer> {
  const files: Array<{ name: string; data: Buffer }> = [];
  const blob = (data: Buffer) => {
    const digest = `sha256:${sha(data)}`;
    if (!files.some((f) => f.name === `blobs/sha256/${sha(data)}`)) {
      files.push({ name: `blobs/sha256/${sha(data)}`, data });
    }
    return { digest, size: data.length };
  };
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  const descriptors: unknown[] = [];
  let dockerManifest: unknown[] | undefined;
  for (const p of spec.platforms) {
    const [os, architecture, variant] = p.platform.split('/');
    const tars = await Promise.all(p.layers.map((l) => tarOf(l)));
    const gz = tars.map((t) => zlib.gzipSync(t));
    const config = json({ architecture, os, ...(variant ? { variant } : {}), rootfs: { type: 'layers', diff_ids: tars.map((t) => `sha256:${sha(t)}`) }, history: p.layers.map((_, i) => ({ created_by: `COPY step ${i + 1} # buildkit` })) });
    const manifest = json({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${sha(config)}`, size: config.length },
      layers: gz.map((g) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${sha(g)}`, size: g.length })),
    });
    const platform = { os, architecture, ...(variant ? { variant } : {}) };
    if (p.present === false) {
      descriptors.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha(manifest)}`, size: manifest.length, platform });
      continue;
    }
    gz.forEach(blob);
    blob(config);
    const m = blob(manifest);
    descriptors.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m, platform });
    if (spec.dockerManifestFor === p.platform) {
      dockerManifest = [{ Config: `blobs/sha256/${sha(config)}`, RepoTags: ['test/multi:1'], Layers: gz.map((g) => `blobs/sha256/${sha(g)}`) }];
    }
    if (spec.attestations) {
      const statement = json({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://slsa.dev/provenance/v0.2' });
      const aConfig = json({ architecture: 'unknown', os: 'unknown', rootfs: { type: 'layers', diff_ids: [`sha256:${sha(statement)}`] } });
      const aManifest = json({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...blob(aConfig) },
        layers: [{ mediaType: 'application/vnd.in-toto+json', ...blob(statement), annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }],
      });
      descriptors.push({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        ...blob(aManifest),
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.digest': m.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
      });
    }
  }
  const nested = blob(json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descriptors }));
  const top = json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...nested, annotations: { 'io.containerd.image.name': 'docker.io/test/multi:1' } }] });
  return tarOf([
    ...files,
    { name: 'index.json', data: top },
    ...(dockerManifest ? [{ name: 'manifest.json', data: json(dockerManifest) }] : []),
    { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
  ]);
}
