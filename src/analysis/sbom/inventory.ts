/**
 * What an SBOM of an image lists, whatever its format: the image itself (name, digest,
 * platform) and every package installed in its final filesystem, each with its purl and the
 * layer that put it there (the layer that added it, or last upgraded it, with its diff id and
 * the build step that made it). The packages come from the package databases the layer pass
 * read (LayerFacts.packages); packagesByLayer works out which layer did what.
 */
import { createHash, randomUUID } from 'crypto';
import { PackageURL } from 'packageurl-js';
import { type InstalledPackage, packageKey, packagesByLayer } from '../../model/packages';
import type { ImageAnalysis } from '../imageAnalysis';

/** The layer that installed a package as it now is. */
export interface InstallingLayer {
  /** 0 = the base layer. */
  index: number;
  diffId?: string;
  /** The history step that made it (`created_by`), when the config says. */
  createdBy?: string;
}

export interface InventoryPackage {
  package: InstalledPackage;
  purl: string;
  layer: InstallingLayer;
}

export interface ImageInventory {
  /** The image as it was named (a tag, an archive's path, a registry reference). */
  name: string;
  /** The image config's digest ("sha256:…"), the image id. */
  digest?: string;
  platform?: string;
  /** Base first, in a stable order: by ecosystem, name, arch, version. */
  packages: InventoryPackage[];
  /** Layers whose package databases could not be read, in the readers' words. */
  problems: string[];
}

/** When and as what the document is made: the same for the same image when SOURCE_DATE_EPOCH is set. */
export interface DocumentIdentity {
  timestamp: Date;
  /** A UUID (RFC 4122 form). */
  uuid: string;
}

/** The distribution's vendor, for purls: `debian-12` → `debian`. */
function vendorOf(p: InstalledPackage): string | undefined {
  const fromDistro = p.distro?.split('-')[0].toLowerCase();
  if (fromDistro) {
    return fromDistro;
  }
  // A dpkg or apk database without an os-release said nothing: these are the ecosystems' own vendors.
  return p.ecosystem === 'deb' ? 'debian' : p.ecosystem === 'apk' ? 'alpine' : undefined;
}

/**
 * A package's purl (https://github.com/package-url/purl-spec), built by packageurl-js:
 * pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12, pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64,
 * pkg:rpm/rhel/bash@5.1.8-9.el9?arch=x86_64, pkg:npm/%40scope/name@1.0.0, pkg:pypi/foo-bar@1.0.
 */
export function purlOf(p: InstalledPackage): string {
  switch (p.ecosystem) {
    case 'deb':
    case 'apk':
    case 'rpm': {
      const qualifiers: Record<string, string> = {};
      if (p.arch) {
        qualifiers.arch = p.arch;
      }
      if (p.distro) {
        qualifiers.distro = p.distro;
      }
      return new PackageURL(p.ecosystem, vendorOf(p), p.name, p.version, Object.keys(qualifiers).length ? qualifiers : undefined, undefined).toString();
    }
    case 'npm': {
      // A scoped package's scope is the purl's namespace (its @ percent-encoded by the library).
      const scoped = /^(@[^/]+)\/(.+)$/.exec(p.name);
      return new PackageURL('npm', scoped?.[1], scoped ? scoped[2] : p.name, p.version, undefined, undefined).toString();
    }
    case 'pypi':
      // The purl spec's pypi rule: lower case, '_' as '-' (packageurl-js applies it).
      return new PackageURL('pypi', undefined, p.name, p.version, undefined, undefined).toString();
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The image's packages as its last layer leaves them, each with the layer that installed it. */
export function imageInventory(analysis: ImageAnalysis, name: string): ImageInventory {
  const layers = analysis.archiveLayers;
  const byLayer = packagesByLayer(layers.map((l) => ({ entries: l.entries, databases: l.facts?.packages })));
  // The layer that made each package what it is: the last that added or upgraded it.
  const madeBy = new Map<string, number>();
  byLayer.forEach((l, i) => {
    for (const p of l.added) {
      madeBy.set(packageKey(p), i);
    }
    for (const u of l.upgraded) {
      madeBy.set(packageKey(u.to), i);
    }
  });
  const installed = byLayer.at(-1)?.installed ?? [];
  const packages = installed.map((p): InventoryPackage => {
    const index = madeBy.get(packageKey(p)) ?? 0;
    const summary = analysis.layers[index];
    return {
      package: p,
      purl: purlOf(p),
      layer: { index, ...(summary?.diffId ? { diffId: summary.diffId } : {}), ...(summary?.createdBy ? { createdBy: summary.createdBy } : {}) },
    };
  });
  packages.sort(
    (x, y) =>
      compareText(x.package.ecosystem, y.package.ecosystem) ||
      compareText(x.package.name, y.package.name) ||
      compareText(x.package.arch ?? '', y.package.arch ?? '') ||
      compareText(x.package.version, y.package.version),
  );
  return {
    name,
    ...(analysis.archiveImage.configDigest ? { digest: analysis.archiveImage.configDigest } : {}),
    ...(analysis.platform ? { platform: analysis.platform } : {}),
    packages,
    problems: layers.flatMap((l) => l.facts?.problems ?? []),
  };
}

/**
 * The document's time and serial: from SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/)
 * when it is set, so that the same image gives the same document byte for byte; else now and
 * a random UUID. A SOURCE_DATE_EPOCH that is not a whole number of seconds is refused.
 */
export function documentIdentity(sourceDateEpoch: string | undefined, inventory: ImageInventory, format: string): DocumentIdentity {
  if (sourceDateEpoch === undefined || sourceDateEpoch === '') {
    return { timestamp: new Date(Math.floor(Date.now() / 1000) * 1000), uuid: randomUUID() };
  }
  if (!/^\d+$/.test(sourceDateEpoch.trim())) {
    throw new RangeError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not "${sourceDateEpoch}"`);
  }
  const timestamp = new Date(Number(sourceDateEpoch.trim()) * 1000);
  // A name-based UUID (the form of RFC 4122's version 5, over SHA-256): same image, same document.
  const hash = createHash('sha256')
    .update(JSON.stringify([format, inventory.name, inventory.digest ?? '', timestamp.toISOString(), inventory.packages.map((p) => [p.purl, p.layer.index])]))
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return { timestamp, uuid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
}
