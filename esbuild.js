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

// ssh2 (under dockerode) loads these optional native parts inside try/catch. Named by their
// import paths: a pattern such as '*.node' would also match the CycloneDX library's own
// modules ('./xmlSerializer.node' is xmlSerializer.node.js), which dist/cli.js must hold.
const nodeExternals = ['cpu-features', './crypto/build/Release/sshcrypto.node', '../build/Release/cpufeatures.node'];

/**
 * Two parts of dockerode Strata never calls, left out of the bundles (about 650 kB of a
 * 1.1 MB bundle): docker-modem's ssh transport (ssh2; Strata speaks ssh through the
 * system's ssh, src/engine/connect/sshTransport.ts, so that ~/.ssh/config and agents work) and
 * dockerode's BuildKit session (gRPC; Strata does not build images). Each is replaced by
 * a module that fails in a sentence if it were ever reached.
 */
const unusedDockerodeParts = {
  name: 'unused-dockerode-parts',
  setup(build) {
    const parts = {
      // docker-modem/lib/modem.js: `ssh = require('./ssh')`, called only for ssh:// URLs given to docker-modem.
      ssh: { importer: /docker-modem[\\/]lib[\\/]modem\.js$/, source: "module.exports = function () { throw new Error('docker-modem\\'s own ssh is not in Strata: its ssh goes through the system ssh'); };" },
      // dockerode/lib/docker.js: `withSession = require('./session')`, used by buildImage with BuildKit only.
      session: {
        importer: /dockerode[\\/]lib[\\/]docker\.js$/,
        source: "module.exports = function (docker, auth, handler) { handler(new Error('BuildKit sessions are not in Strata'), null, function () {}); };",
      },
    };
    build.onResolve({ filter: /^\.\/(ssh|session)$/ }, (args) => {
      const part = parts[args.path.slice(2)];
      return part && part.importer.test(args.importer) ? { path: args.path, namespace: 'unused-dockerode-part' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'unused-dockerode-part' }, (args) => ({ contents: parts[args.path.slice(2)].source, loader: 'js' }));
  },
};

/**
 * What the CycloneDX library (strata sbom) loads only if installed, each inside try/catch: XML
 * writing and schema validation, which Strata does not use (its tests validate with ajv, a
 * devDependency that must not end up in dist/cli.js).
 */
const cycloneDxOptional = ['xmlbuilder2', 'libxmljs2', 'ajv', 'ajv-formats', 'ajv-formats-draft2019'];

/**
 * The CLI, one self-contained file: dist/cli.js here, and the npm package's strata.js
 * (src/cli/package/pack.js builds it with these options and its own outfile). The shebang
 * lets npm's bin link run it; the version is package.json's, for `strata --version`.
 */
function cliBundle(overrides = {}) {
  return {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: [...nodeExternals, ...cycloneDxOptional],
    banner: { js: '#!/usr/bin/env node' },
    define: { STRATA_VERSION: JSON.stringify(require('./package.json').version) },
    plugins: [...common.plugins, unusedDockerodeParts],
    ...overrides,
  };
}

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
      plugins: [...common.plugins, unusedDockerodeParts],
    }),
    esbuild.context({
      ...common,
      entryPoints: ['media/layers/main.ts'],
      outfile: 'dist/layers.js',
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
    esbuild.context(cliBundle()),
  ]);
  copyCodicons();
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
  } else {
    await Promise.all(contexts.map((ctx) => ctx.rebuild()));
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

// The unit tests build the extension bundle in memory to hold its size; the CLI package script builds the CLI.
module.exports = { unusedDockerodeParts, nodeExternals, cliBundle, cycloneDxOptional };
