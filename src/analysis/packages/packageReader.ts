/**
 * The content reader of package databases (layerFacts.ts): in the layer pass it takes the
 * few files that list installed packages, reads each with the module of its format, and
 * adds them to the layer's facts as the databases this layer wrote. A database that cannot
 * be read is one sentence in the facts' problems; the rest of the analysis stands.
 */
import type { Ecosystem, InstalledPackage, PackageDatabase } from '../../model/packages';
import type { ContentReader, LayerFacts } from '../../model/layerFacts';
import { parseApkInstalled } from './apk';
import { parseDpkgStatus } from './dpkg';
import { NPM_PATH, PYPI_PATH, parseNpmPackageJson, parsePythonMetadata } from './languagePackages';
import { OS_RELEASE_PATHS, distroOf } from './osRelease';
import { parseRpmSqlite } from './rpm';

type Format = 'dpkg' | 'apk' | 'rpm' | 'npm' | 'pypi';

const EXACT = new Map<string, Format>([
  ['var/lib/dpkg/status', 'dpkg'],
  ['lib/apk/db/installed', 'apk'],
  ['var/lib/rpm/rpmdb.sqlite', 'rpm'],
  // Fedora 36+ keeps it here (var/lib/rpm links to it).
  ['usr/lib/sysimage/rpm/rpmdb.sqlite', 'rpm'],
]);

/** rpm databases of other backends, named so that their packages are not silently missing. */
const UNREAD_RPM = new Set(['var/lib/rpm/Packages', 'var/lib/rpm/Packages.db', 'usr/lib/sysimage/rpm/Packages', 'usr/lib/sysimage/rpm/Packages.db']);

const DPKG_STATUS_D = 'var/lib/dpkg/status.d/';

/** Which format a path is, cheaply: most paths are turned away by their last characters. */
export function formatOf(path: string): Format | undefined {
  if (path.endsWith('/package.json')) {
    return NPM_PATH.test(path) ? 'npm' : undefined;
  }
  if (path.endsWith('/METADATA')) {
    return PYPI_PATH.test(path) ? 'pypi' : undefined;
  }
  const exact = EXACT.get(path);
  if (exact) {
    return exact;
  }
  // distroless: one paragraph per file, beside `<name>.md5sums`.
  return path.startsWith(DPKG_STATUS_D) && !path.endsWith('.md5sums') && !path.slice(DPKG_STATUS_D.length).includes('/') ? 'dpkg' : undefined;
}

const NAMES: Record<Format, string> = { dpkg: 'dpkg', apk: 'apk', rpm: 'rpm', npm: 'npm package.json', pypi: 'Python METADATA' };
const DISTRO_ECOSYSTEMS = new Set<Ecosystem>(['deb', 'apk', 'rpm']);

function parse(format: Format, content: Buffer): InstalledPackage[] {
  switch (format) {
    case 'dpkg':
      return parseDpkgStatus(content.toString('utf8'));
    case 'apk':
      return parseApkInstalled(content.toString('utf8'));
    case 'rpm':
      return parseRpmSqlite(content);
    case 'npm': {
      const p = parseNpmPackageJson(content.toString('utf8'));
      return p ? [p] : [];
    }
    case 'pypi':
      return [parsePythonMetadata(content.toString('utf8'))];
  }
}

/** A fresh reader for one layer. */
export function packageReader(): ContentReader {
  const databases: PackageDatabase[] = [];
  const problems: string[] = [];
  const osRelease = new Map<string, string | undefined>();
  return {
    wants(path) {
      if (UNREAD_RPM.has(path)) {
        problems.push(`The rpm database /${path} is in a format Strata does not read yet (Berkeley DB or ndb), so its packages are not listed.`);
        return false;
      }
      return OS_RELEASE_PATHS.has(path) || formatOf(path) !== undefined;
    },
    read(path, content) {
      if (OS_RELEASE_PATHS.has(path)) {
        osRelease.set(path, distroOf(content.toString('utf8')));
        return;
      }
      const format = formatOf(path) as Format;
      try {
        const packages = parse(format, content);
        if (packages.length || format === 'dpkg' || format === 'apk' || format === 'rpm') {
          databases.push({ path, packages });
        }
      } catch (err) {
        problems.push(`The ${NAMES[format]} database /${path} could not be read (${(err as Error).message}), so its packages are not listed.`);
      }
    },
    finish(facts: LayerFacts) {
      const distro = osRelease.get('etc/os-release') ?? osRelease.get('usr/lib/os-release');
      if (distro) {
        facts.distro = distro;
        for (const p of databases.flatMap((d) => d.packages)) {
          if (DISTRO_ECOSYSTEMS.has(p.ecosystem)) {
            p.distro ??= distro;
          }
        }
      }
      if (databases.length) {
        facts.packages = [...(facts.packages ?? []), ...databases];
      }
      if (problems.length) {
        facts.problems = [...(facts.problems ?? []), ...problems];
      }
    },
  };
}
