/**
 * apk's database: `lib/apk/db/installed` (Alpine, Wolfi). One paragraph per package of
 * one-letter keys, "K:value" (Alpine's apk-spec, "Installed database"): P name, V
 * version, A arch, I installed size in bytes, L licence, o origin (the source package).
 */
import type { InstalledPackage } from '../../model/packages';

export class ApkError extends Error {}

export function parseApkInstalled(text: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    if (block.trim() === '') {
      continue;
    }
    const keys = new Map<string, string>();
    for (const line of block.split('\n')) {
      // A key is one letter, then a colon; only the first of each (F/R repeat per file).
      if (line.length >= 2 && line[1] === ':' && !keys.has(line[0])) {
        keys.set(line[0], line.slice(2).trim());
      }
    }
    const name = keys.get('P');
    const version = keys.get('V');
    if (!name || !version) {
      throw new ApkError(`a package entry has no ${name ? 'V: (version)' : 'P: (name)'} line`);
    }
    const size = Number(keys.get('I'));
    packages.push({
      ecosystem: 'apk',
      name,
      version,
      ...(keys.get('A') ? { arch: keys.get('A') } : {}),
      ...(keys.get('I') && Number.isFinite(size) ? { installedSize: size } : {}),
      ...(keys.get('L') ? { licenses: [keys.get('L') as string] } : {}),
      ...(keys.get('o') ? { sourcePackage: keys.get('o') } : {}),
    });
  }
  return packages;
}
