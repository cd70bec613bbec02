/**
 * The extension's bundle as the .vsix ships it (minified, with the parts of dockerode
 * Strata never calls left out; see esbuild.js) stays within 1.0 MB: the size VS Code
 * loads on activation. Built in memory with the same options.
 */
import * as assert from 'assert';
import * as path from 'path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unusedDockerodeParts, nodeExternals } = require(path.join(root, 'esbuild.js')) as { unusedDockerodeParts: esbuild.Plugin; nodeExternals: string[] };

describe('the extension bundle', function () {
  this.timeout(60_000);

  it('is at most 1.0 MB minified, and holds neither ssh2 nor gRPC', async () => {
    const result = await esbuild.build({
      entryPoints: [path.join(root, 'src', 'extension.ts')],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode', ...nodeExternals],
      plugins: [unusedDockerodeParts],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const bytes = result.outputFiles[0].contents.length;
    const inputs = Object.keys(result.metafile.inputs);
    assert.deepStrictEqual(
      inputs.filter((i) => /node_modules[\\/](ssh2|@grpc)[\\/]/.test(i)),
      [],
      'ssh2 and gRPC left out',
    );
    assert.ok(bytes <= 1_000_000, `dist/extension.js would be ${(bytes / 1e6).toFixed(2)} MB`);
  });
});
