/**
 * What the contents of a few files in a layer tell, read in the same single pass as the
 * layer's entries: a ContentReader says by path and size which files it wants (most are
 * not read at all), gets each one's bytes, and at the end of the layer adds what it found
 * to the layer's facts. The facts are kept with the layer (in memory and on disk), so an
 * image analysed before has them without reading a byte again.
 */

import type { PackageDatabase } from './packages';

/** What the readers found in one layer. Each reader fills its own field. */
export interface LayerFacts {
  /** The package databases this layer wrote, each read whole (analysis/packages/). */
  packages?: PackageDatabase[];
  /** Secrets in this layer's files (analysis/secrets/): kind, path, line and fingerprint, never a value. */
  secrets?: SecretFinding[];
  /** Sentences about what could not be read (a corrupt package database…); the rest stands. */
  problems?: string[];
  /** The distribution named by the os-release this layer wrote ("debian-12"), for packages' purls. */
  distro?: string;
}

export interface ContentReader {
  /** Whether this file's content is wanted (by its normalised path, no leading '/', and size). */
  wants(path: string, size: number): boolean;
  /** The whole content of a file wanted. */
  read(path: string, content: Buffer): void;
  /** The layer ended: add what was found to its facts. */
  finish(facts: LayerFacts): void;
}

/** The readers a layer is read with: a fresh set per layer. */
export type ContentReaders = () => ContentReader[];

/** Files above this are never read whole, whatever a reader says (a layer's reading stays flat in memory). */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

export type SecretKind =
  | 'private-key'
  | 'aws-access-key'
  | 'gcp-service-account'
  | 'github-token'
  | 'gitlab-token'
  | 'slack-token'
  | 'npm-token'
  | 'pypi-token'
  | 'git-credentials'
  | 'npmrc-auth'
  | 'pypirc-password'
  | 'docker-config-auth'
  | 'env-secret';

/** One secret in one file: never its value. */
export interface SecretFinding {
  kind: SecretKind;
  /** The file (normalised, no leading '/'). */
  path: string;
  /** 1-based line where it starts. */
  line: number;
  /** The first 8 hex digits of the sha256 of the value: tells two findings apart, gives nothing away. */
  fingerprint: string;
}
