/**
 * Test data that is not ours: `../shared/fixtures` beside the repository (CI puts a copy
 * of shared/ there), or the folder STRATA_FIXTURES names.
 */
import * as fs from 'fs';
import * as path from 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export function fixturePath(...parts: string[]): string {
  const root = process.env.STRATA_FIXTURES ?? path.resolve(REPO_ROOT, '..', 'shared', 'fixtures');
  const file = path.join(root, ...parts);
  if (!fs.existsSync(file)) {
    throw new Error(`test fixture ${file} is missing: the tests expect shared/fixtures beside the repository, or STRATA_FIXTURES set`);
  }
  return file;
}
