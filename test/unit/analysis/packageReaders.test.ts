/**
 * The package databases read in the layer pass, each checked against the tool that wrote
 * it or reads it: dpkg-query on this machine's own status, rpm on a database rpm wrote,
 * npm's lock file on the repo's node_modules, Python's importlib.metadata on Debian's
 * dist-packages, SQLite itself (Python's sqlite3) for the table reader. apk is the
 * exception: apk-tools is not in Debian 12, so its parser is checked on Alpine's
 * documented format only, written here.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readLayer } from '../../../src/analysis/layerReader';
import { parseApkInstalled } from '../../../src/analysis/packages/apk';
import { parseDpkgStatus } from '../../../src/analysis/packages/dpkg';
import { parseNpmPackageJson, parsePythonMetadata } from '../../../src/analysis/packages/languagePackages';
import { formatOf, packageReader } from '../../../src/analysis/packages/packageReader';
import { parseRpmSqlite } from '../../../src/analysis/packages/rpm';
import { readSqliteTable } from '../../../src/analysis/packages/sqliteTable';
import { streamOf, tarOf } from '../../harness/fixtures/archiveBuilder';

const ROOT = path.resolve(__dirname, '../../../..');
const lines = (text: string) => text.split('\n').filter(Boolean).sort();
const run = (cmd: string, args: string[], opts: { cwd?: string } = {}) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });

/** Builds noarch rpms with rpmbuild and installs them into a fresh root with rpm; the root's database path. */
function rpmRoot(dir: string, packages: Array<{ name: string; version: string; release: string; license: string; bytes: number }>): string {
  const root = path.join(dir, 'root');
  const def = ['--define', '_dbpath /var/lib/rpm'];
  run('rpm', ['--root', root, ...def, '--initdb']);
  for (const p of packages) {
    const spec = path.join(dir, `${p.name}.spec`);
    fs.writeFileSync(
      spec,
      [`Name: ${p.name}`, `Version: ${p.version}`, `Release: ${p.release}`, 'Summary: test', `License: ${p.license}`, 'BuildArch: noarch', '%description', 'test',
        '%install', `mkdir -p %{buildroot}/usr/share/${p.name}`, `head -c ${p.bytes} /dev/zero > %{buildroot}/usr/share/${p.name}/data`, '%files', `/usr/share/${p.name}/data`, ''].join('\n'),
    );
    run('rpmbuild', ['--define', `_topdir ${dir}/top`, '-bb', spec]);
    run('rpm', ['--root', root, ...def, '-i', '--nodeps', '--ignorearch', path.join(dir, 'top/RPMS/noarch', `${p.name}-${p.version}-${p.release}.noarch.rpm`)]);
  }
  return root;
}

describe('package databases', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-packages-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("dpkg's status: every installed package with its version, architecture and size, as dpkg-query lists them", () => {
    const status = fs.readFileSync('/var/lib/dpkg/status', 'utf8');
    const oracle = run('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Package} ${Version} ${Architecture} ${Installed-Size}\n']);
    const expected = lines(oracle).filter((l) => l.startsWith('installed ')).map((l) => l.slice('installed '.length).replace(/ $/, ''));
    const got = parseDpkgStatus(status).map((p) => `${p.name} ${p.version} ${p.arch} ${p.installedSize === undefined ? '' : p.installedSize / 1024}`.trim());
    assert.ok(expected.length > 100, `this machine lists ${expected.length} packages`);
    assert.deepStrictEqual(got.sort(), expected);
  });

  it('rpm: a database rpm wrote (sqlite backend) gives what rpm -qa says', function () {
    this.timeout(60_000);
    const root = rpmRoot(tmp, [
      { name: 'strata-one', version: '1.2.3', release: '4', license: 'MIT AND Apache-2.0', bytes: 20_000 },
      { name: 'strata-two', version: '0.9', release: '1.el9', license: 'GPL-2.0-only', bytes: 3_000 },
    ]);
    assert.strictEqual(run('rpm', ['--root', root, '-E', '%_db_backend']).trim(), 'sqlite', "rpm writes the sqlite backend here: the one read");
    const oracle = run('rpm', ['--root', root, '--define', '_dbpath /var/lib/rpm', '-qa', '--qf', '%{NAME} %{VERSION}-%{RELEASE} %{ARCH} %{SIZE} %{LICENSE} %{SOURCERPM}\n']);
    const got = parseRpmSqlite(fs.readFileSync(path.join(root, 'var/lib/rpm/rpmdb.sqlite'))).map(
      (p) => `${p.name} ${p.version} ${p.arch} ${p.installedSize} ${p.licenses?.join()} ${p.sourcePackage}-${p.version}.src.rpm`,
    );
    assert.deepStrictEqual(got.sort(), lines(oracle));
  });

  it('the SQLite reader follows interior pages and overflow pages as SQLite wrote them', () => {
    const file = path.join(tmp, 'big.sqlite');
    // 3000 rows, every 7th a blob of 10 kB (overflow pages), on 1 kB pages (a deep tree).
    run('python3', ['-c', `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA page_size=1024')
c.execute("CREATE TABLE other (x TEXT)"); c.execute("INSERT INTO other VALUES ('o')")
c.execute("CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
for i in range(1, 3001):
    c.execute('INSERT INTO Packages (blob) VALUES (?)', (bytes([i % 251]) * (10000 if i % 7 == 0 else i % 50 + 1),))
c.commit()`, file]);
    const rows = readSqliteTable(fs.readFileSync(file), 'Packages');
    assert.strictEqual(rows.length, 3000);
    rows.forEach(([hnum, blob], i) => {
      const n = i + 1;
      assert.strictEqual(hnum, null, 'the rowid alias is stored as null');
      assert.ok(Buffer.isBuffer(blob) && blob.equals(Buffer.alloc(n % 7 === 0 ? 10000 : (n % 50) + 1, n % 251)), `row ${n}`);
    });
  });

  it("npm: package.json files in node_modules (scoped too) give the versions npm's lock file records", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { name?: string; version?: string; link?: boolean }> };
    let checked = 0;
    for (const [where, entry] of Object.entries(lock.packages)) {
      const file = path.join(ROOT, where, 'package.json');
      if (!where.startsWith('node_modules/') || entry.link || !fs.existsSync(file)) {
        continue;
      }
      assert.strictEqual(formatOf(`app/${where}/package.json`), 'npm', where);
      const p = parseNpmPackageJson(fs.readFileSync(file, 'utf8'));
      assert.strictEqual(`${p?.name}@${p?.version}`, `${entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 13)}@${entry.version}`, 'an alias (npm:x@1) records its real name');
      checked++;
    }
    assert.ok(checked > 100, `${checked} package.json checked`);
    assert.strictEqual(formatOf('app/node_modules/@types/node/package.json'), 'npm');
    assert.strictEqual(formatOf('app/node_modules/@types/package.json'), undefined, 'a scope folder is no package');
    assert.strictEqual(formatOf('app/package.json'), undefined, "the app's own package.json is not a dependency");
  });

  it("Python: dist-info METADATA gives the names and versions Python's importlib.metadata reads", () => {
    const dir = '/usr/lib/python3/dist-packages';
    const infos = fs.readdirSync(dir).filter((d) => d.endsWith('.dist-info'));
    assert.ok(infos.length > 3, 'Debian has a few dist-info folders');
    const oracle = run('python3', ['-c', `
import importlib.metadata as m, sys
for d in m.distributions(path=[sys.argv[1]]):
    if str(d._path).endswith('.dist-info'): print(d.metadata['Name'], d.version)`, dir]);
    const got = infos.map((d) => {
      assert.strictEqual(formatOf(`usr/lib/python3/dist-packages/${d}/METADATA`), 'pypi');
      const p = parsePythonMetadata(fs.readFileSync(path.join(dir, d, 'METADATA'), 'utf8'));
      return `${p.name} ${p.version}`;
    });
    assert.deepStrictEqual(got.sort(), lines(oracle));
  });

  it("apk: Alpine's documented installed format (written here: apk-tools is not in Debian 12)", () => {
    const installed = [
      'C:Q1KbT6mKvIZzsIbMfr1i1d8DY6vP4=', 'P:musl', 'V:1.2.5-r0', 'A:x86_64', 'S:411323', 'I:636928', 'T:the musl c library', 'U:https://musl.libc.org/',
      'L:MIT', 'o:musl', 'm:Natanael Copa', 't:1712570127', 'c:4ffbf7c6', 'F:lib', 'R:ld-musl-x86_64.so.1', 'a:0:0:755', 'Z:Q1abc=', '',
      'C:Q1abc=', 'P:busybox', 'V:1.36.1-r28', 'A:x86_64', 'I:946176', 'L:GPL-2.0-only', 'o:busybox', 'F:bin', 'R:busybox', '',
    ].join('\n');
    assert.deepStrictEqual(parseApkInstalled(installed), [
      { ecosystem: 'apk', name: 'musl', version: '1.2.5-r0', arch: 'x86_64', installedSize: 636928, licenses: ['MIT'], sourcePackage: 'musl' },
      { ecosystem: 'apk', name: 'busybox', version: '1.36.1-r28', arch: 'x86_64', installedSize: 946176, licenses: ['GPL-2.0-only'], sourcePackage: 'busybox' },
    ]);
  });

  it('in the layer pass: databases of a layer with its distro, and a corrupt one is one sentence while the rest stands', async function () {
    this.timeout(60_000);
    const root = rpmRoot(tmp, [{ name: 'strata-one', version: '1', release: '1', license: 'MIT', bytes: 10 }]);
    const rpmdb = fs.readFileSync(path.join(root, 'var/lib/rpm/rpmdb.sqlite'));
    const layer = await tarOf([
      { name: 'etc/os-release', data: Buffer.from('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n') },
      { name: 'var/lib/dpkg/status', data: Buffer.from('Package: hello\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.10-3\nInstalled-Size: 280\n\n') },
      { name: 'var/lib/dpkg/status.d/base', data: Buffer.from('Package: base-files\nVersion: 12.4\nArchitecture: amd64\n') },
      { name: 'var/lib/dpkg/status.d/base.md5sums', data: Buffer.from('abc  etc/issue\n') },
      { name: 'var/lib/rpm/rpmdb.sqlite', data: rpmdb.subarray(0, 8192) },
      { name: 'app/node_modules/left-pad/package.json', data: Buffer.from('{"name":"left-pad","version":"1.3.0","license":"WTFPL"}') },
      { name: 'app/node_modules/broken/package.json', data: Buffer.from('{"name": "broken",') },
      { name: 'usr/bin/tool', data: Buffer.from('x') },
    ]);
    const parsed = await readLayer('layer', streamOf(layer, 700), false, () => [packageReader()]);
    assert.strictEqual(parsed.entries.length, 8, 'every entry is listed as before');
    const facts = parsed.facts ?? {};
    assert.strictEqual(facts.distro, 'debian-12');
    assert.deepStrictEqual(
      facts.packages?.map((d) => `${d.path}: ${d.packages.map((p) => `${p.name}@${p.version}/${p.distro ?? '-'}`).join(' ')}`),
      [
        'var/lib/dpkg/status: hello@2.10-3/debian-12',
        'var/lib/dpkg/status.d/base: base-files@12.4/debian-12',
        'app/node_modules/left-pad/package.json: left-pad@1.3.0/-',
      ],
    );
    assert.strictEqual(facts.problems?.length, 2, String(facts.problems));
    assert.match(facts.problems[0], /^The rpm database \/var\/lib\/rpm\/rpmdb\.sqlite could not be read \(it refers to page \d+, past its end \(truncated\?\)\), so its packages are not listed\.$/);
    assert.match(facts.problems[1], /^The npm package\.json database \/app\/node_modules\/broken\/package\.json could not be read \(it is not JSON .*\), so its packages are not listed\.$/);
  });
});
