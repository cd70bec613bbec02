/**
 * Ground truth for the layer alignment: the image config inside the export stream
 * (GET /images/{name}/get, what `docker save` writes), whose history entries say
 * themselves whether they made a layer (`empty_layer`).
 */
import type Docker from 'dockerode';
import * as tar from 'tar-stream';

export interface ConfigHistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
  comment?: string;
}

export interface TruthStep {
  createdBy: string;
  diffId?: string;
}

/** Reads the config of the one image in an export and pairs its history with its diff ids. */
export async function historyFromExport(docker: Docker, reference: string): Promise<TruthStep[]> {
  const stream = (await docker.getImage(reference).get()) as NodeJS.ReadableStream;
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, body, next) => {
      const keep = header.name === 'manifest.json' || /^[0-9a-f]{64}\.json$/.test(header.name) || header.name.startsWith('blobs/sha256/');
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => {
        if (keep && header.size !== undefined && header.size < 1_000_000) {
          chunks.push(c as Buffer);
        }
      });
      body.on('end', () => {
        if (chunks.length) {
          files.set(header.name, Buffer.concat(chunks));
        }
        next();
      });
      body.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.pipe(extract);
  });
  const manifest = JSON.parse(String(files.get('manifest.json'))) as Array<{ Config: string }>;
  const config = JSON.parse(String(files.get(manifest[0].Config))) as {
    history?: ConfigHistoryEntry[];
    rootfs: { diff_ids: string[] };
  };
  let layer = 0;
  return (config.history ?? []).map((h) => ({
    createdBy: h.created_by ?? '',
    diffId: h.empty_layer ? undefined : config.rootfs.diff_ids[layer++],
  }));
}
