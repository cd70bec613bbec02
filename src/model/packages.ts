/**
 * Packages installed in an image, layer by layer. A content reader (analysis/packages/)
 * reads each package database a layer writes (dpkg's status or a status.d/ file, apk's
 * installed, rpm's database, a node_modules package.json, a Python METADATA) into a
 * PackageDatabase: what that file says is installed as the layer leaves it. From those,
 * packagesByLayer works out what each layer added, removed and upgraded.
 */
import { OPAQUE_MARKER, type LayerEntry, isOpaqueMarker, isWhiteout, parentPath, whiteoutTarget } from './layerEntries';

export type Ecosystem = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi';

export interface InstalledPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** The architecture the database names (amd64, x86_64, noarch…). */
  arch?: string;
  /** Bytes installed, as the database says (dpkg's Installed-Size is KiB: converted). */
  installedSize?: number;
  /** Licences as the database says them (SPDX ids where it uses them). */
  licenses?: string[];
  /** The distribution that built it, for purls (`debian-12`, `alpine-3.20`, `rhel-9`…), where known. */
  distro?: string;
  /** The source package, where the database names one. */
  sourcePackage?: string;
}

/** One package database file as one layer wrote it: everything it lists. */
export interface PackageDatabase {
  /** Its path in the image (no leading '/'). */
  path: string;
  packages: InstalledPackage[];
}

export interface PackageUpgrade {
  from: InstalledPackage;
  to: InstalledPackage;
}

/** What one layer did to the packages installed. */
export interface LayerPackages {
  added: InstalledPackage[];
  removed: InstalledPackage[];
  upgraded: PackageUpgrade[];
  /** Everything installed once this layer is applied. */
  installed: InstalledPackage[];
}

/** A package's identity across layers: same ecosystem, name and architecture. */
export function packageKey(p: InstalledPackage): string {
  return `${p.ecosystem}\u0000${p.name}\u0000${p.arch ?? ''}`;
}

/** The layer's input: its entries (for the whiteouts it makes) and the databases it wrote. */
export interface LayerWithPackages {
  entries: readonly LayerEntry[];
  databases?: readonly PackageDatabase[];
  /** The distribution named by an os-release this layer wrote ("debian-12"). */
  distro?: string;
}

/** Ecosystems whose packages the distribution built (the others are the language's own). */
const DISTRO_ECOSYSTEMS: ReadonlySet<Ecosystem> = new Set(['deb', 'apk', 'rpm']);

/**
 * Each layer's added, removed and upgraded packages, base first. A database file a layer
 * writes replaces the one below it; one a layer removes (a whiteout, an opaque folder)
 * takes its packages with it. A package in two databases at once counts once.
 */
export function packagesByLayer(layers: readonly LayerWithPackages[]): LayerPackages[] {
  const databases = new Map<string, InstalledPackage[]>();
  let before = new Map<string, InstalledPackage>();
  let distro: string | undefined;
  // A database written in a later layer than the os-release (a `dpkg -i` on a base image)
  // is still the base's distribution's: its packages are given the distro seen below.
  const withDistro = (p: InstalledPackage) => (distro && !p.distro && DISTRO_ECOSYSTEMS.has(p.ecosystem) ? { ...p, distro } : p);
  return layers.map((layer) => {
    distro = layer.distro ?? distro;
    for (const e of layer.entries) {
      if (isOpaqueMarker(e.path)) {
        const dir = parentPath(e.path);
        for (const path of [...databases.keys()]) {
          if (dir === '' || path.startsWith(`${dir}/`)) {
            databases.delete(path);
          }
        }
      } else if (isWhiteout(e.path) && !e.path.endsWith(OPAQUE_MARKER)) {
        const gone = whiteoutTarget(e.path);
        for (const path of [...databases.keys()]) {
          if (path === gone || path.startsWith(`${gone}/`)) {
            databases.delete(path);
          }
        }
      }
    }
    for (const db of layer.databases ?? []) {
      databases.set(db.path, db.packages.map(withDistro));
    }
    const now = new Map<string, InstalledPackage>();
    for (const packages of databases.values()) {
      for (const p of packages) {
        now.set(packageKey(p), p);
      }
    }
    const added: InstalledPackage[] = [];
    const upgraded: PackageUpgrade[] = [];
    for (const [key, p] of now) {
      const old = before.get(key);
      if (!old) {
        added.push(p);
      } else if (old.version !== p.version) {
        upgraded.push({ from: old, to: p });
      }
    }
    const removed = [...before].filter(([key]) => !now.has(key)).map(([, p]) => p);
    before = now;
    return { added, removed, upgraded, installed: [...now.values()] };
  });
}
