/**
 * Ground truth for the layer alignment: the image config inside the export stream
 * (GET /images/{name}/get, what `docker save` writes), whose history entries say
 * themselves whether they made a layer (`empty_layer`). The layers in it are hashed as
 * they pass: each one's sha256, unpacked, is the diff id its config gives it.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import * as zlib from 'zlib';
import type Docker from 'dockerode';
import * as tar from 'tar-stream';

export interface ConfigHistoryEntry {
  created?: string;
  created_by?: string;
  empty_layer?: boolean;
  comment?: string;
}

export interface ExportedConfig {
  history?: ConfigHistoryEntry[];
  rootfs: { diff_ids: string[] };
}

export interface TruthStep {
  createdBy: string;
  diffId?: string;
}

/** The one image of an export, as the archive holds it. */
export interface ExportedImage {
  config: ExportedConfig;
  /** sha256 of the config's bytes: the image id on the classic store and Podman. */
  configDigest: string;
  /** index.json's manifests (OCI layout): the containerd store's image id is the first. */
  indexDigests: string[];
  /** sha256 of each layer in the manifest's order, unpacked (gzip undone). */
  layerDigests: string[];
}

const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

/** Reads an export stream (Docker or OCI layout) to its end. */
export async function readExportedImage(stream: NodeJS.ReadableStream): Promise<ExportedImage> {
  const json = new Map<string, Buffer>();
  const digests = new Map<string, string>();
  const links = new Map<string, string>();
  const extract = tar.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const name = header.name.replace(/^\.\//, '');
      if ((header.type === 'symlink' || header.type === 'link') && header.linkname) {
        links.set(name, header.type === 'link' ? header.linkname : path.posix.join(path.posix.dirname(name), header.linkname));
      }
      const chunks: Buffer[] = [];
      const keep = header.type === 'file' && (header.size ?? 0) < MAX_ENTRY_BYTES;
      body.on('data', (c: unknown) => keep && chunks.push(c as Buffer));
      body.on('end', () => {
        if (keep) {
          const data = Buffer.concat(chunks);
          // Layers come gzipped from the containerd store; the diff id is of the tar inside.
          const unpacked = data[0] === 0x1f && data[1] === 0x8b ? zlib.gunzipSync(data) : data;
          digests.set(name, `sha256:${createHash('sha256').update(unpacked).digest('hex')}`);
          if (data.length < 1_000_000 && (name.endsWith('.json') || name.startsWith('blobs/'))) {
            json.set(name, data);
          }
        }
        next();
      });
      body.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.pipe(extract);
  });
  const manifest = JSON.parse(String(json.get('manifest.json'))) as Array<{ Config: string; Layers: string[] }>;
  const configBytes = json.get(manifest[0].Config) as Buffer;
  const index = json.get('index.json');
  return {
    config: JSON.parse(String(configBytes)) as ExportedConfig,
    configDigest: `sha256:${createHash('sha256').update(configBytes).digest('hex')}`,
    indexDigests: index ? (JSON.parse(String(index)) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest) : [],
    layerDigests: manifest[0].Layers.map((l) => digests.get(links.get(l) ?? l) ?? `(no entry ${l})`),
  };
}

/** The config's history paired with its diff ids, base first. */
export function truthSteps(config: ExportedConfig): TruthStep[] {
  let layer = 0;
  return (config.history ?? []).map((h) => ({
    createdBy: h.created_by ?? '',
    diffId: h.empty_layer ? undefined : config.rootfs.diff_ids[layer++],
  }));
}

/** Reads the config of the one image in an export and pairs its history with its diff ids. */
export async function historyFromExport(docker: Docker, reference: string): Promise<TruthStep[]> {
  return truthSteps((await readExportedImage((await docker.getImage(reference).get()) as NodeJS.ReadableStream)).config);
}
