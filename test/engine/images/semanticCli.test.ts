/**
 * `strata diff` and `strata sbom` (dist/cli.js as built) on images built on the host's
 * engine. diff: two images from one base that differ in ENV, USER, EXPOSE, LABEL and CMD list
 * exactly those changes, checked against `docker inspect` of both. sbom: until the readers of
 * real package databases fill a layer's facts, the facts are written by hand into the
 * analysis kept on disk (the same file the CLI reads them from), and the document's layers are
 * checked against `docker inspect` (diff ids) and the engine's history (build steps).
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { ConfigChange } from '../../../src/analysis/compare/semanticDiff';
import type { LayerFacts } from '../../../src/model/layerFacts';
import { REPO_ROOT } from '../../harness/codeServer';
import { debianImage } from '../../harness/fixtures/debianImage';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { fixtureClient, testEngines } from '../../harness/testEngines';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

for (const t of testEngines().filter((e) => e.name === 'host')) {
  describe(`strata diff's semantic summary and strata sbom on ${t.title}`, function () {
    this.timeout(120_000);
    const docker = fixtureClient(t);
    const tag = runTag('sem');
    const base = `strata-test/sem-base:${tag}`;
    const a = `strata-test/sem-a:${tag}`;
    const b = `strata-test/sem-b:${tag}`;
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-sem-cache-'));
    const strata = (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const r = spawnSync('node', [CLI, ...args, '--host', t.dockerHost], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, ...env } });
      return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };

    before(async () => {
      assert.ok(fs.existsSync(CLI), `${CLI} is built`);
      await buildFixtureImage(docker, base, { unique: true, steps: ['RUN mkdir -p /var/lib/dpkg && echo base > /var/lib/dpkg/status'] });
      await buildFixtureImage(docker, a, {
        dockerfile: [`FROM ${base}`, 'ENV MODE=dev KEEP=1', 'EXPOSE 80', 'LABEL version=1', 'RUN echo a > /var/lib/dpkg/status', 'CMD ["sh"]'].join('\n'),
      });
      await buildFixtureImage(docker, b, {
        dockerfile: [`FROM ${base}`, 'ENV MODE=prod KEEP=1 ADDED=yes', 'EXPOSE 80 8080/tcp', 'LABEL version=2', 'RUN echo hello >> /var/lib/dpkg/status', 'USER nobody', 'CMD ["sh", "-c", "echo hi"]'].join('\n'),
      });
    });
    after(async () => {
      await removeFixtureImages(docker);
      fs.rmSync(cache, { recursive: true, force: true });
    });

    it('diff lists exactly the configuration changes docker inspect shows, timestamps aside', async () => {
      const r = strata(['diff', a, b, '--json']);
      assert.strictEqual(r.status, 0, r.stderr);
      const { semantic } = JSON.parse(r.stdout) as { semantic: { config: ConfigChange[]; packagesRead: { a: boolean; b: boolean } } };
      // The oracle: both configs as the engine reports them.
      const [ia, ib] = await Promise.all([a, b].map((x) => docker.getImage(x).inspect()));
      const env = (list: string[] | undefined) => new Map((list ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
      const [ea, eb] = [env(ia.Config.Env), env(ib.Config.Env)];
      assert.deepStrictEqual(
        semantic.config,
        [
          { field: 'env', key: 'ADDED', b: eb.get('ADDED') },
          { field: 'env', key: 'MODE', a: ea.get('MODE'), b: eb.get('MODE') },
          { field: 'user', b: ib.Config.User },
          ...Object.keys(ib.Config.ExposedPorts ?? {})
            .filter((p) => !(p in (ia.Config.ExposedPorts ?? {})))
            .map((key) => ({ field: 'exposedPorts', key, b: 'exposed' })),
          { field: 'cmd', a: JSON.stringify(ia.Config.Cmd), b: JSON.stringify(ib.Config.Cmd) },
          { field: 'labels', key: 'version', a: ia.Config.Labels?.version, b: ib.Config.Labels?.version },
        ],
      );
      // What the oracle says, written out: the values as the Dockerfiles set them.
      assert.deepStrictEqual([ea.get('MODE'), eb.get('MODE'), ib.Config.User, ia.Config.Labels?.version, ib.Config.Labels?.version], ['dev', 'prod', 'nobody', '1', '2']);
      assert.notStrictEqual(ia.Created, ib.Created, 'the two differ in time too, which is not listed');
      assert.deepStrictEqual(semantic.packagesRead, { a: false, b: false });

      const text = strata(['diff', a, b]);
      assert.strictEqual(text.status, 0, text.stderr);
      const lines = text.stdout.split('\n');
      const from = lines.indexOf('  config: 6 changes');
      assert.ok(from > 0, text.stdout);
      assert.deepStrictEqual(lines.slice(from + 1, from + 7), [
        '    ENV ADDED: (not set) -> yes',
        '    ENV MODE: dev -> prod',
        '    USER: (not set) -> nobody',
        '    EXPOSE 8080/tcp: (not set) -> exposed',
        '    CMD: ["sh"] -> ["sh","-c","echo hi"]',
        '    LABEL version: 1 -> 2',
      ]);
      assert.ok(lines.findIndex((l) => l.startsWith('  files:')) > from, 'the summary comes above the files');
    });

    it('sbom: each package with its purl and the layer that installed it (diff id and build step as the engine has them); valid CycloneDX and SPDX, the same twice', async () => {
      // Keep B's analysis on disk, then give two of its layers the package databases a reader would find there.
      assert.strictEqual(strata(['analyze', b]).status, 0);
      const inspect = await docker.getImage(b).inspect();
      const diffIds = inspect.RootFS.Layers ?? [];
      const history = (await docker.getImage(b).history()) as Array<{ CreatedBy: string; Size: number }>;
      const runIndex = diffIds.length - 1;
      const baseRun = diffIds.length - 2;
      const deb = (name: string, version: string) => ({ ecosystem: 'deb', name, version, arch: 'amd64', distro: 'debian-12', licenses: ['GPL-2.0-or-later'] });
      const write = (diffId: string, facts: LayerFacts) => {
        // Under the cache format's folder (v3, …), whichever it is now.
        const file = (fs.readdirSync(path.join(cache, 'strata', 'analysis'), { recursive: true }) as string[])
          .map((f) => path.join(cache, 'strata', 'analysis', f))
          .find((f) => f.endsWith(`${path.sep}layers${path.sep}${diffId.slice(7)}.json.gz`));
        assert.ok(file, `the layer ${diffId} is kept on disk`);
        const layer = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'));
        fs.writeFileSync(file, zlib.gzipSync(JSON.stringify({ ...layer, facts })));
      };
      const status = 'var/lib/dpkg/status';
      write(diffIds[baseRun], { packages: [{ path: status, packages: [deb('base-files', '12.4')] as never }] });
      write(diffIds[runIndex], { packages: [{ path: status, packages: [deb('base-files', '12.4'), deb('hello', '2.10-3')] as never }] });

      const env = { SOURCE_DATE_EPOCH: '1700000000' };
      const cdx = strata(['sbom', b, '--format', 'cyclonedx'], env);
      assert.strictEqual(cdx.status, 0, cdx.stderr);
      assert.strictEqual(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(cdx.stdout), null);
      assert.strictEqual(strata(['sbom', b, '--format', 'cyclonedx'], env).stdout, cdx.stdout, 'the same document byte for byte');
      const bom = JSON.parse(cdx.stdout);
      assert.deepStrictEqual([bom.metadata.component.type, bom.metadata.component.name, bom.metadata.component.version], ['container', b, inspect.Id]);
      const prop = (c: { properties: Array<{ name: string; value: string }> }, n: string) => c.properties.find((p) => p.name === n)?.value;
      const byName = Object.fromEntries(bom.components.map((c: { name: string }) => [c.name, c]));
      assert.deepStrictEqual(Object.keys(byName).sort(), ['base-files', 'hello']);
      assert.strictEqual(byName.hello.purl, 'pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12');
      assert.strictEqual(prop(byName.hello, 'strata:layer:diffID'), diffIds[runIndex]);
      assert.strictEqual(prop(byName['base-files'], 'strata:layer:diffID'), diffIds[baseRun]);
      // The engine's history, newest first, with the steps that made no layer: the RUN of B is the newest of size > 0 or a RUN.
      const runStep = history.find((h) => h.CreatedBy.includes('echo hello >> /var/lib/dpkg/status'));
      assert.ok(runStep, 'the engine recorded the step');
      assert.strictEqual(prop(byName.hello, 'strata:layer:createdBy'), runStep.CreatedBy);

      const spdx = strata(['sbom', b, '--format', 'spdx'], env);
      assert.strictEqual(spdx.status, 0, spdx.stderr);
      const ajv = new Ajv({ strict: false });
      addFormats(ajv);
      const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test', 'unit', 'analysis', 'sbom', 'spdx-2.3-schema.json'), 'utf8')));
      const doc = JSON.parse(spdx.stdout);
      assert.ok(validate({ ...doc }), JSON.stringify(validate.errors));
      assert.strictEqual(doc.packages.length, 3, 'the image and its two packages');

      const table = strata(['sbom', b]);
      assert.strictEqual(table.status, 0, table.stderr);
      assert.match(table.stdout, new RegExp(`^hello\\s+2\\.10-3\\s+deb\\s+layer ${runIndex}\\s*$`, 'm'));
    });

    it('sbom: an image that does not exist, or a format it does not know, is one sentence and exit code 2', () => {
      const missing = strata(['sbom', `strata-test/no-such-image:${tag}`]);
      assert.strictEqual(missing.status, 2);
      assert.match(missing.stderr, /^strata: no image named strata-test\/no-such-image:\S+ on .+, and no file of that name\n$/);
      const format = strata(['sbom', b, '--format', 'xml']);
      assert.strictEqual(format.status, 2);
      assert.match(format.stderr, /^strata: --format must be cyclonedx, spdx or table, not "xml"\n/);
      assert.strictEqual(format.stdout, '');
    });

    it('sbom of a real Debian: the packages dpkg-query lists in the container, each with its version and a deb purl', async function () {
      this.timeout(600_000);
      const debian = await debianImage(docker);
      const r = strata(['sbom', debian, '--format', 'cyclonedx']);
      assert.strictEqual(r.status, 0, r.stderr);
      const bom = JSON.parse(r.stdout) as { components: Array<{ name: string; version: string; purl: string }> };
      const listed = spawnSync('docker', ['-H', t.dockerHost, 'run', '--rm', debian, 'dpkg-query', '-W', '-f', '${Package} ${Version}\\n'], { encoding: 'utf8' });
      assert.strictEqual(listed.status, 0, listed.stderr);
      const oracle = listed.stdout.trim().split('\n').sort();
      assert.ok(oracle.length > 50, `dpkg-query listed ${oracle.length}`);
      assert.deepStrictEqual(bom.components.map((c) => `${c.name} ${c.version}`).sort(), oracle);
      for (const c of bom.components) {
        assert.match(c.purl, /^pkg:deb\/debian\/[^@]+@[^?]+\?arch=[a-z0-9]+&distro=debian-12$/, c.purl);
      }
    });
  });
}
