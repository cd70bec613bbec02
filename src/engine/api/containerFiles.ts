/**
 * A container's files through the archive API (GET /containers/{id}/archive?path=),
 * which works on stopped containers too and needs no tool inside the image. The answer
 * is a tar of the path (a folder with everything below it): read as it streams, only the
 * names and sizes kept for a listing, one file's bytes for opening, entries written under
 * a chosen folder for a download (never outside it).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import * as tar from 'tar-stream';
import { type EntryType, normalizeEntryPath } from '../../model/layerEntries';

export interface ContainerEntry {
  name: string;
  /** Absolute in the container, e.g. `/etc/passwd`. */
  path: string;
  type: EntryType;
  /** A file's size, or the total of the files below a folder. */
  size: number;
  mode: number;
  linkTarget?: string;
}

function typeOf(t: string | null | undefined): EntryType {
  return t === 'file' || t === 'contiguous-file' ? 'file' : t === 'directory' ? 'dir' : t === 'symlink' ? 'symlink' : t === 'link' ? 'hardlink' : 'other';
}

/** The archive's entry name relative to the folder asked for: the tar names it by its last part (`/` for the root). */
function relative(entryName: string, dir: string): string | undefined {
  const name = normalizeEntryPath(entryName);
  if (dir === '/') {
    return name;
  }
  const base = path.posix.basename(dir);
  if (name === base) {
    return '';
  }
  return name.startsWith(`${base}/`) ? name.slice(base.length + 1) : undefined;
}

/** The children of `dir` from its archive: folders with the size of all below them, sorted folders first. */
export async function listChildren(archive: Readable, dir: string): Promise<ContainerEntry[]> {
  const children = new Map<string, ContainerEntry>();
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const rel = relative(header.name, dir);
    if (rel) {
      const [first, ...below] = rel.split('/');
      let child = children.get(first);
      if (!child) {
        child = { name: first, path: path.posix.join(dir, first), type: below.length ? 'dir' : typeOf(header.type), size: 0, mode: header.mode ?? 0 };
        children.set(first, child);
      }
      if (!below.length) {
        child.type = typeOf(header.type);
        child.mode = header.mode ?? 0;
        if (header.linkname) {
          child.linkTarget = header.linkname;
        }
      }
      if (header.type === 'file' || header.type === 'contiguous-file') {
        child.size += header.size ?? 0;
      }
    }
    body.on('end', next);
    body.resume();
  });
  await pipeline(archive, extract);
  return [...children.values()].sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || a.name.localeCompare(b.name));
}

/** The bytes of the one file an archive of a file holds (at most `limit`; the rest is refused). */
export async function readFile(archive: Readable, limit: number): Promise<Buffer> {
  let content: Buffer | undefined;
  let tooBig = false;
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    if (content === undefined && (header.type === 'file' || header.type === 'contiguous-file')) {
      if ((header.size ?? 0) > limit) {
        tooBig = true;
        body.resume();
        body.on('end', next);
        return;
      }
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => chunks.push(c as Buffer));
      body.on('end', () => {
        content = Buffer.concat(chunks);
        next();
      });
      return;
    }
    body.on('end', next);
    body.resume();
  });
  await pipeline(archive, extract);
  if (tooBig) {
    throw new RangeError(`the file is larger than ${limit} bytes`);
  }
  return content ?? Buffer.alloc(0);
}

/**
 * Writes an archive's files and folders under `dest` (which must exist). Every path stays
 * under it; links and special files are not made (a link could lead a later entry out
 * of `dest`): they are counted instead.
 */
export async function extractTo(archive: Readable, dest: string): Promise<{ files: number; folders: number; skipped: number; bytes: number }> {
  const root = fs.realpathSync(dest);
  const counts = { files: 0, folders: 0, skipped: 0, bytes: 0 };
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const done = (err?: unknown) => (err ? extract.destroy(err as Error) : next());
    let target: string;
    try {
      target = path.join(root, normalizeEntryPath(header.name));
    } catch {
      counts.skipped++;
      body.resume();
      body.on('end', () => done());
      return;
    }
    if (target !== root && !target.startsWith(`${root}${path.sep}`)) {
      counts.skipped++;
      body.resume();
      body.on('end', () => done());
      return;
    }
    if (header.type === 'directory') {
      fs.mkdirSync(target, { recursive: true });
      counts.folders++;
      body.resume();
      body.on('end', () => done());
    } else if (header.type === 'file' || header.type === 'contiguous-file') {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      counts.files++;
      counts.bytes += header.size ?? 0;
      pipeline(body, fs.createWriteStream(target, { mode: (header.mode ?? 0o644) & 0o777 })).then(() => done(), done);
    } else {
      counts.skipped++;
      body.resume();
      body.on('end', () => done());
    }
  });
  await pipeline(archive, extract);
  return counts;
}
