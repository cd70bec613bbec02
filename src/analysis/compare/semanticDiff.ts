/**
 * What differs between two images in the words of the people who build them, before any
 * file: the packages added, removed and upgraded (what each one's package databases leave
 * installed, from packagesByLayer), and the run configuration: environment, user, exposed
 * ports, entrypoint, command, working folder, labels. Timestamps (created, history dates)
 * are not part of it: two builds of the same Dockerfile differ in them and in nothing a
 * person chose.
 */
import { type Ecosystem, type InstalledPackage, packageKey, packagesByLayer } from '../../model/packages';
import type { ImageConfig } from '../archiveReader';
import type { ImageAnalysis } from '../imageAnalysis';
import type { ConfigField } from '../../shared/configFields';

export interface PackageRef {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  arch?: string;
}

export interface PackageVersionChange {
  ecosystem: Ecosystem;
  name: string;
  arch?: string;
  from: string;
  to: string;
}

export interface PackageDiff {
  added: PackageRef[];
  removed: PackageRef[];
  /** The same package (ecosystem, name, arch) at another version: upgraded, or downgraded. */
  upgraded: PackageVersionChange[];
}

export type { ConfigField };

/** One change of the run configuration; keyed fields (env, labels, ports) change key by key. */
export interface ConfigChange {
  field: ConfigField;
  /** The variable, label or port ("8080/tcp"), for keyed fields. */
  key?: string;
  /** Absent on the side that does not set it. Entrypoint and command as JSON arrays. */
  a?: string;
  b?: string;
}

export interface SemanticDiff {
  packages: PackageDiff;
  /** Whether each side had a package database to read (without one, "no package changed" says nothing). */
  packagesRead: { a: boolean; b: boolean };
  config: ConfigChange[];
}

type RunConfig = NonNullable<ImageConfig['config']>;

function ref(p: InstalledPackage): PackageRef {
  return { ecosystem: p.ecosystem, name: p.name, version: p.version, ...(p.arch ? { arch: p.arch } : {}) };
}

const byName = <T extends { ecosystem: string; name: string }>(x: T, y: T) =>
  x.ecosystem < y.ecosystem ? -1 : x.ecosystem > y.ecosystem ? 1 : x.name < y.name ? -1 : x.name > y.name ? 1 : 0;

/** What the last layer of each leaves installed, compared by ecosystem, name and arch. */
export function packageDiff(a: readonly InstalledPackage[], b: readonly InstalledPackage[]): PackageDiff {
  const before = new Map(a.map((p) => [packageKey(p), p]));
  const after = new Map(b.map((p) => [packageKey(p), p]));
  const added: PackageRef[] = [];
  const upgraded: PackageVersionChange[] = [];
  for (const [key, p] of after) {
    const old = before.get(key);
    if (!old) {
      added.push(ref(p));
    } else if (old.version !== p.version) {
      upgraded.push({ ecosystem: p.ecosystem, name: p.name, ...(p.arch ? { arch: p.arch } : {}), from: old.version, to: p.version });
    }
  }
  const removed = [...before].filter(([key]) => !after.has(key)).map(([, p]) => ref(p));
  return { added: added.sort(byName), removed: removed.sort(byName), upgraded: upgraded.sort(byName) };
}

/** `KEY=VALUE` lines as a map (a line without '=' is a key with an empty value, as the engine treats it). */
function envMap(env: readonly string[] | null | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of env ?? []) {
    const at = line.indexOf('=');
    map.set(at < 0 ? line : line.slice(0, at), at < 0 ? '' : line.slice(at + 1));
  }
  return map;
}

function keyed(field: ConfigField, a: Map<string, string>, b: Map<string, string>): ConfigChange[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys
    .filter((k) => a.get(k) !== b.get(k))
    .map((key) => ({ field, key, ...(a.has(key) ? { a: a.get(key) } : {}), ...(b.has(key) ? { b: b.get(key) } : {}) }));
}

/** A scalar field: unset and empty are the same (the engine writes "" for no USER or WORKDIR). */
function scalar(field: ConfigField, a: string | undefined, b: string | undefined): ConfigChange[] {
  const x = a || undefined;
  const y = b || undefined;
  return x === y ? [] : [{ field, ...(x !== undefined ? { a: x } : {}), ...(y !== undefined ? { b: y } : {}) }];
}

/** Entrypoint or command, as the JSON array the engine keeps; null and [] are both "not set". */
function list(field: ConfigField, a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): ConfigChange[] {
  const text = (v: readonly string[] | null | undefined) => (v && v.length ? JSON.stringify(v) : undefined);
  return scalar(field, text(a), text(b));
}

/** The run configurations' differences, field by field, in a fixed order. */
export function configDiff(a: RunConfig | undefined, b: RunConfig | undefined): ConfigChange[] {
  const ports = (c: RunConfig | undefined) => new Map(Object.keys(c?.ExposedPorts ?? {}).map((p) => [p, 'exposed']));
  return [
    ...keyed('env', envMap(a?.Env), envMap(b?.Env)),
    ...scalar('user', a?.User, b?.User),
    ...keyed('exposedPorts', ports(a), ports(b)),
    ...list('entrypoint', a?.Entrypoint, b?.Entrypoint),
    ...list('cmd', a?.Cmd, b?.Cmd),
    ...scalar('workdir', a?.WorkingDir, b?.WorkingDir),
    ...keyed('labels', new Map(Object.entries(a?.Labels ?? {})), new Map(Object.entries(b?.Labels ?? {}))),
  ];
}

function installed(analysis: ImageAnalysis): { packages: InstalledPackage[]; read: boolean } {
  const layers = analysis.archiveLayers;
  return {
    packages: packagesByLayer(layers.map((l) => ({ entries: l.entries, databases: l.facts?.packages }))).at(-1)?.installed ?? [],
    read: layers.some((l) => (l.facts?.packages?.length ?? 0) > 0),
  };
}

export function semanticDiff(a: ImageAnalysis, b: ImageAnalysis): SemanticDiff {
  const [x, y] = [installed(a), installed(b)];
  return {
    packages: packageDiff(x.packages, y.packages),
    packagesRead: { a: x.read, b: y.read },
    config: configDiff(a.archiveImage.config.config, b.archiveImage.config.config),
  };
}
