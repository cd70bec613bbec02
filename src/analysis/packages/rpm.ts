/**
 * rpm's database: `var/lib/rpm/rpmdb.sqlite` (rpm 4.16+: Fedora 33+, RHEL 9, UBI 9),
 * whose Packages table holds one header blob per installed package. A header blob is
 * rpm's own format (rpm's lib/header.c, headerImport): the count of index entries and
 * the length of the data, then 16-byte entries (tag, type, offset, count), then the data.
 */
import type { InstalledPackage } from '../../model/packages';
import { readSqliteTable } from './sqliteTable';

const TAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, size: 1009, license: 1014, arch: 1022, sourceRpm: 1044, longSize: 5009 } as const;
const TYPE = { int32: 4, int64: 5, string: 6, stringArray: 8, i18nString: 9 } as const;

export class RpmHeaderError extends Error {}

type Value = string | number | undefined;

/** The few tags Strata shows, from one header blob. */
export function readRpmHeader(blob: Buffer): Map<number, Value> {
  if (blob.length < 8) {
    throw new RpmHeaderError('a package header is shorter than its own size fields');
  }
  const count = blob.readUInt32BE(0);
  const dataLength = blob.readUInt32BE(4);
  const data = 8 + count * 16;
  if (count > 100_000 || data + dataLength > blob.length) {
    throw new RpmHeaderError(`a package header says ${count} entries and ${dataLength} bytes of data, more than its ${blob.length} bytes`);
  }
  const wanted = new Set<number>(Object.values(TAG));
  const values = new Map<number, Value>();
  for (let i = 0; i < count; i++) {
    const at = 8 + i * 16;
    const tag = blob.readUInt32BE(at);
    if (!wanted.has(tag)) {
      continue;
    }
    const type = blob.readUInt32BE(at + 4);
    const offset = data + blob.readUInt32BE(at + 8);
    if (offset >= data + dataLength) {
      throw new RpmHeaderError(`tag ${tag} points past the header's data`);
    }
    if (type === TYPE.string || type === TYPE.stringArray || type === TYPE.i18nString) {
      // A string array or an i18n string: the first string (the untranslated one).
      const end = blob.indexOf(0, offset);
      values.set(tag, blob.toString('utf8', offset, end < 0 ? data + dataLength : end));
    } else if (type === TYPE.int32) {
      values.set(tag, blob.readUInt32BE(offset));
    } else if (type === TYPE.int64) {
      values.set(tag, Number(blob.readBigUInt64BE(offset)));
    }
  }
  return values;
}

/** A package from its header; undefined for rpm's own pseudo-package (gpg-pubkey has no arch). */
export function rpmPackage(blob: Buffer): InstalledPackage | undefined {
  const tags = readRpmHeader(blob);
  const text = (tag: number) => {
    const v = tags.get(tag);
    return v === undefined ? undefined : String(v);
  };
  const name = text(TAG.name);
  const version = text(TAG.version);
  if (!name || version === undefined) {
    throw new RpmHeaderError('a package header has no name or version');
  }
  if (name === 'gpg-pubkey') {
    return undefined;
  }
  const epoch = text(TAG.epoch);
  const release = text(TAG.release);
  const size = (tags.get(TAG.longSize) ?? tags.get(TAG.size)) as number | undefined;
  const license = text(TAG.license);
  // "hello-2.10-3.src.rpm" names its source package "hello".
  const source = text(TAG.sourceRpm)?.replace(/-[^-]+-[^-]+\.(no)?src\.rpm$/, '');
  return {
    ecosystem: 'rpm',
    name,
    version: `${epoch ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`,
    ...(text(TAG.arch) ? { arch: text(TAG.arch) } : {}),
    ...(typeof size === 'number' ? { installedSize: size } : {}),
    ...(license ? { licenses: [license] } : {}),
    ...(source ? { sourcePackage: source } : {}),
  };
}

/** Every package in an rpmdb.sqlite. */
export function parseRpmSqlite(content: Buffer): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const row of readSqliteTable(content, 'Packages')) {
    const blob = row.find((v): v is Buffer => Buffer.isBuffer(v));
    if (!blob) {
      throw new RpmHeaderError('a row of its Packages table has no header blob');
    }
    const p = rpmPackage(blob);
    if (p) {
      packages.push(p);
    }
  }
  return packages;
}
