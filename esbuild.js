// Bundles Strata, after the generator's template (vscode-extension-samples/esbuild-sample):
// one context per bundle, --production minifies, sourcemaps otherwise, --watch rebuilds.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints errors in the form the `$esbuild-watch` problem matcher reads. */
const esbuildProblemMatcherPlugin = {
  name: 'esbuild-problem-matcher',
  setup(build) {
    build.onStart(() => {
      console.log('[watch] build started');
    });
    build.onEnd((result) => {
      result.errors.forEach(({ text, location }) => {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      });
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: [esbuildProblemMatcherPlugin],
};

// ssh2 (under dockerode) loads these optional native parts inside try/catch.
const nodeExternals = ['cpu-features', '*.node'];

/** The codicon font and its stylesheet, for the webview (it cannot reach node_modules). */
function copyCodicons() {
  const fs = require('fs');
  const from = 'node_modules/@vscode/codicons/dist';
  fs.mkdirSync('dist/codicons', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    fs.copyFileSync(`${from}/${file}`, `dist/codicons/${file}`);
  }
}

async function main() {
  if (production) {
    // No stale sourcemaps from a development build next to minified bundles.
    require('fs').rmSync('dist', { recursive: true, force: true });
  }
  const contexts = await Promise.all([
    esbuild.context({
      ...common,
      entryPoints: ['src/extension.ts'],
      outfile: 'dist/extension.js',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: ['vscode', ...nodeExternals],
    }),
    esbuild.context({
      ...common,
      entryPoints: ['media/webview/main.ts'],
      outfile: 'dist/webview.js',
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
    }),
    esbuild.context({
      ...common,
      entryPoints: ['media/compare/main.ts'],
      outfile: 'dist/compare.js',
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
    }),
    esbuild.context({
      ...common,
      entryPoints: ['src/cli.ts'],
      outfile: 'dist/cli.js',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: nodeExternals,
    }),
  ]);
  copyCodicons();
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
  } else {
    await Promise.all(contexts.map((ctx) => ctx.rebuild()));
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
