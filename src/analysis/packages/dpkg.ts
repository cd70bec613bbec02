/**
 * dpkg's database: `var/lib/dpkg/status` (Debian, Ubuntu), or one file per package in
 * `var/lib/dpkg/status.d/` (distroless). Paragraphs of deb-control(5) fields; a package
 * counts when its Status says "installed" (dpkg keeps removed ones as "deinstall ok
 * config-files"); status.d files carry no Status and are all installed.
 */
import type { InstalledPackage } from '../../model/packages';
import { field, paragraphs } from './controlFields';

export class DpkgError extends Error {}

export function parseDpkgStatus(text: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  const all = paragraphs(text);
  if (all.length === 0 && text.trim() !== '') {
    throw new DpkgError('it has no "Package:" paragraphs');
  }
  for (const p of all) {
    const name = field(p, 'Package');
    const version = field(p, 'Version');
    if (!name || !version) {
      throw new DpkgError(`a paragraph has no ${name ? 'Version' : 'Package'} field`);
    }
    const status = field(p, 'Status');
    if (status !== undefined && !/\binstalled$/.test(status)) {
      continue;
    }
    const size = Number(field(p, 'Installed-Size'));
    // "Source: glibc (2.36-9)": the source package is its first word.
    const source = field(p, 'Source')?.split(' ')[0];
    const arch = field(p, 'Architecture');
    packages.push({
      ecosystem: 'deb',
      name,
      version,
      ...(arch ? { arch } : {}),
      // Installed-Size is in KiB (deb-control(5)).
      ...(Number.isFinite(size) && field(p, 'Installed-Size') ? { installedSize: size * 1024 } : {}),
      ...(source ? { sourcePackage: source } : {}),
    });
  }
  return packages;
}
