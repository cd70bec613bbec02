/**
 * Language packages, one file each: an npm package's `node_modules/<name>/package.json`
 * (or `node_modules/@scope/name/`), a Python distribution's `<name>.dist-info/METADATA`
 * under site-packages or dist-packages (the core metadata spec's email-style headers).
 */
import type { InstalledPackage } from '../../model/packages';
import { field, paragraphs } from './controlFields';

export class LanguagePackageError extends Error {}

/** node_modules/x/package.json or node_modules/@s/x/package.json, at any depth. */
export const NPM_PATH = /(^|\/)node_modules\/(@[^/]+\/)?[^/@.][^/]*\/package\.json$/;
/** …/site-packages/x-1.0.dist-info/METADATA (or dist-packages). */
export const PYPI_PATH = /(^|\/)(site|dist)-packages\/[^/]+\.dist-info\/METADATA$/;

export function parseNpmPackageJson(text: string): InstalledPackage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new LanguagePackageError(`it is not JSON (${(err as Error).message})`);
  }
  const p = json as { name?: unknown; version?: unknown; license?: unknown; licenses?: unknown };
  // A package.json without name and version (a test fixture, a nested build folder) is no package.
  if (typeof p !== 'object' || p === null || typeof p.name !== 'string' || typeof p.version !== 'string') {
    return undefined;
  }
  const license = typeof p.license === 'string' ? [p.license] : licenseObjects(p.license ?? p.licenses);
  return { ecosystem: 'npm', name: p.name, version: p.version, ...(license.length ? { licenses: license } : {}) };
}

/** The old `{type}` or `[{type}]` forms of a package.json licence. */
function licenseObjects(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.map((l) => (l as { type?: unknown })?.type).filter((t): t is string => typeof t === 'string');
}

export function parsePythonMetadata(text: string): InstalledPackage {
  const [head] = paragraphs(text, true);
  const name = head && field(head, 'Name');
  const version = head && field(head, 'Version');
  if (!head || !name || !version) {
    throw new LanguagePackageError(`it has no ${name ? 'Version' : 'Name'} header`);
  }
  // License-Expression (metadata 2.4) is SPDX; else the classifiers; else a short License field.
  const expression = field(head, 'License-Expression');
  const classifiers = (head.get('Classifier') ?? []).filter((c) => c.startsWith('License ::')).map((c) => c.split(' :: ').pop() as string);
  const license = field(head, 'License');
  const licenses = expression ? [expression] : classifiers.length ? classifiers : license && license.length <= 80 && !license.includes('\n') ? [license] : [];
  return { ecosystem: 'pypi', name, version, ...(licenses.length ? { licenses } : {}) };
}
