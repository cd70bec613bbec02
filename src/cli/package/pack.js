#!/usr/bin/env node
// `npm run package:cli`: the CLI as its own npm package, made from the repository (never kept
// in it). Writes dist/cli-package/ (strata.js, one minified bundle with no dependencies;
// package.json; README.md from the template beside this script; LICENSE; the bundled
// packages' licences) and packs it into dist/strata-cli.tgz, ready for `npm publish` or
// `npm install -g ./strata-cli.tgz`.
const { execFileSync } = require('child_process');
const fs = require('fs');
const { builtinModules } = require('module');
const path = require('path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..', '..', '..');
const { cliBundle, cycloneDxOptional, unusedDockerodeParts } = require(path.join(root, 'esbuild.js'));
const manifest = require(path.join(root, 'package.json'));
const outDir = path.join(root, 'dist', 'cli-package');
const tgz = path.join(root, 'dist', 'strata-cli.tgz');

/** The package's manifest: a bin, the files, Node 20+, and nothing to install besides. */
function packageJson() {
  return {
    name: 'strata-cli',
    version: manifest.version,
    description: 'Container image layers, dive\'s efficiency figures and a CI gate, from an engine, an archive or a registry with no engine',
    license: manifest.license,
    keywords: ['docker', 'container', 'image', 'layers', 'dive', 'ci', 'oci'],
    bin: { strata: 'strata.js' },
    files: ['strata.js', 'THIRD-PARTY-NOTICES.md'],
    engines: { node: '>=20' },
    dependencies: {},
  };
}

/** A bundle that still requires a package would fail on a machine without it: refuse it here. */
function checkSelfContained(metafile) {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  // The CycloneDX library's optional parts (XML, its own validator) are required inside
  // try/catch only when installed, which they never are beside the package: not needed.
  for (const optional of cycloneDxOptional) {
    builtins.add(optional);
  }
  const missing = Object.values(metafile.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.external && !builtins.has(i.path))
    .map((i) => i.path);
  if (missing.length) {
    throw new Error(`the CLI bundle requires ${[...new Set(missing)].join(', ')} at run time; bundle it or leave it out`);
  }
}

/** The licence of every package bundled into strata.js, as their MIT/Apache/ISC terms ask. */
function thirdPartyNotices(metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) {
      // Keyed by folder: two versions of one package (tar-stream 2 and 3) are two entries.
      packages.set(input.slice(0, m.index + m[0].length), m[1]);
    }
  }
  const sections = [...packages].map(([dir, name]) => {
    const pkgDir = path.join(root, dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    const licenceFile = fs.readdirSync(pkgDir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = licenceFile ? fs.readFileSync(path.join(pkgDir, licenceFile), 'utf8').trim() : `${pkg.license} (the package carries no licence file)`;
    return { title: `${name} ${pkg.version}`, text: `## ${name} ${pkg.version} (${pkg.license})\n\n${text.replace(/^/gm, '    ')}\n` };
  });
  const unique = [...new Map(sections.map((s) => [s.title, s.text]))].sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => text);
  return `# Third-party notices\n\nstrata.js bundles these packages.\n\n${unique.join('\n')}`;
}

async function main() {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.rmSync(tgz, { force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const bin = path.join(outDir, 'strata.js');
  const result = await esbuild.build(
    cliBundle({ absWorkingDir: root, outfile: bin, minify: true, sourcemap: false, metafile: true, logLevel: 'warning', plugins: [unusedDockerodeParts] }),
  );
  checkSelfContained(result.metafile);
  fs.chmodSync(bin, 0o755);
  fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(packageJson(), null, 2)}\n`);
  fs.copyFileSync(path.join(root, 'LICENSE'), path.join(outDir, 'LICENSE'));
  fs.writeFileSync(path.join(outDir, 'THIRD-PARTY-NOTICES.md'), thirdPartyNotices(result.metafile));
  // The README shows the help the bundle itself prints, so the two cannot drift apart.
  const help = (...args) => execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8' }).trimEnd();
  const readme = fs
    .readFileSync(path.join(__dirname, 'README.md'), 'utf8')
    .replaceAll('{{version}}', manifest.version)
    .replace('{{usage}}', help('--help'))
    .replace('{{analyzeUsage}}', help('analyze', '--help'));
  fs.writeFileSync(path.join(outDir, 'README.md'), readme);
  const [packed] = JSON.parse(execFileSync('npm', ['pack', outDir, '--pack-destination', path.dirname(tgz), '--json', '--silent'], { cwd: root, encoding: 'utf8' }));
  fs.renameSync(path.join(path.dirname(tgz), packed.filename), tgz);
  console.log(`${path.relative(root, tgz)}: ${packed.name}@${packed.version}, ${packed.files.length} files, ${(packed.size / 1e6).toFixed(2)} MB packed`);
}

main().catch((err) => {
  console.error(`package:cli: ${err.message}`);
  process.exit(1);
});
