/**
 * Where an image's bytes come from, behind one interface: an engine's export, an archive
 * file (`docker save`), an OCI image layout folder, or a registry. Each source says what it
 * read from ("from 127.0.0.1:5000"), so the panels and the CLI can tell the user.
 *
 * References as the CLI takes them:
 *   registry://HOST[:PORT]/REPO:TAG, registry://HOST/REPO@sha256:…   a registry, no engine
 *   oci-layout://PATH[:TAG]                                          an OCI image layout folder
 *   a file's path                                                    an archive
 *   anything else                                                    an image on the engine
 */
import type { Readable } from 'stream';
import * as l10n from '@vscode/l10n';
import type { ImageArchive, ParsedLayer } from '../analysis/archiveReader';
import { type ImageReference, parseReference } from '../model/reference';

export type SourceKind = 'engine' | 'archive' | 'oci-layout' | 'registry';

export interface SourceReadOptions {
  platform?: string;
  preferPlatform?: string;
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
  hashContents?: boolean;
  /** A layer read before, by its blob's digest (where the source names blobs so) or its diff id. */
  knownLayer?: (blobDigest: string, diffId: string | undefined) => ParsedLayer | undefined | Promise<ParsedLayer | undefined>;
}

export interface SourceRead {
  archive: ImageArchive;
  /** What identifies the content read (an image id, a manifest digest; an archive by path, size and mtime). */
  key: string;
  /** Layer blobs read and their bytes (known layers are not read, where the source allows it). */
  blobsRead: number;
  bytesRead: number;
}

export interface ImageSource {
  readonly kind: SourceKind;
  /** The image as the user named it. */
  readonly name: string;
  /** Where it is read from, as a person reads it: "from 127.0.0.1:5000", "from the engine", "from archive app.tar". */
  readonly origin: string;
  /** What identifies the content before reading it, when that costs little (a manifest request); undefined when only reading tells. */
  key?(signal?: AbortSignal): Promise<string | undefined>;
  read(options: SourceReadOptions): Promise<SourceRead>;
  /** One layer's blob by its digest, where the source names blobs so (a registry, an OCI layout): a file opened from a layer reads that layer alone. */
  layerBlob?(digest: string, signal?: AbortSignal): Promise<Readable>;
  /** The archive again (an engine's export, an archive file), for sources whose layers are found only in it. */
  openArchive?(signal?: AbortSignal): Promise<Readable>;
}

export type SourceSpec =
  | { kind: 'registry'; reference: ImageReference; text: string }
  | { kind: 'oci-layout'; path: string; tag?: string; text: string }
  | { kind: 'file'; path: string; text: string }
  | { kind: 'engine'; name: string; text: string };

export class SourceError extends Error {}

/** What a reference the user gave names, by its form (see the top of this file). */
export function parseSource(text: string, isFile: (path: string) => boolean): SourceSpec {
  const raw = text.trim();
  if (raw.startsWith('registry://')) {
    const parsed = parseReference(raw.slice('registry://'.length));
    if (!parsed.ok) {
      throw new SourceError(l10n.t('"{0}" is not a registry reference: {1} Write registry://HOST[:PORT]/REPO:TAG or registry://HOST/REPO@sha256:….', raw, parsed.error));
    }
    return { kind: 'registry', reference: parsed.reference, text: raw };
  }
  if (raw.startsWith('oci-layout://')) {
    const rest = raw.slice('oci-layout://'.length);
    const colon = rest.lastIndexOf(':');
    const tagged = colon > rest.lastIndexOf('/') && colon > 0;
    const path = tagged ? rest.slice(0, colon) : rest;
    if (!path) {
      throw new SourceError(l10n.t('"{0}" names no folder: write oci-layout://PATH[:TAG].', raw));
    }
    return { kind: 'oci-layout', path, ...(tagged ? { tag: rest.slice(colon + 1) } : {}), text: raw };
  }
  if (isFile(raw)) {
    return { kind: 'file', path: raw, text: raw };
  }
  return { kind: 'engine', name: raw, text: raw };
}

/** The reference as registries print it: HOST/REPO:TAG or HOST/REPO@DIGEST. */
export function referenceText(r: ImageReference): string {
  return `${r.registry}/${r.repository}${r.digest ? `@${r.digest}` : `:${r.tag ?? 'latest'}`}`;
}
