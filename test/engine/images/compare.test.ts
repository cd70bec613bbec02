/**
 * Comparing two images against real exports, on the host's Engine 20.10 (Docker layout,
 * shared layers as links) and Engine 28 (OCI layout; the containerd store's gzip blobs):
 * one export of both, the shared band, the file differences the builds made, and the
 * CLI's `strata diff` giving the same figures.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { readImageArchive, readImageArchives } from '../../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { AnalysisCache } from '../../../src/analysis/analysisCache';
import { compareImages } from '../../../src/analysis/compare/imageCompare';
import { semanticDiff } from '../../../src/analysis/compare/semanticDiff';
import { REPO_ROOT } from '../../harness/codeServer';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { fixtureClient, strataEngine, testEngines } from '../../harness/testEngines';

async function drained(stream: NodeJS.ReadableStream): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
  }
  return bytes;
}

for (const t of testEngines().filter((e) => ['host', 'docker28', 'docker28-containerd'].includes(e.name))) {
  describe(`comparing two images on ${t.title}`, function () {
    this.timeout(120_000);
    const docker = fixtureClient(t);
    const engine = strataEngine(t);
    const tag = runTag(`cmp-${t.name}`);
    const base = `strata-test/cmp-base-${t.name}:${tag}`;
    const a = `strata-test/cmp-a-${t.name}:${tag}`;
    const b = `strata-test/cmp-b-${t.name}:${tag}`;

    before(async () => {
      await buildFixtureImage(docker, base, { unique: true, steps: ['RUN head -c 200000 /dev/urandom > /base.bin'] });
      await buildFixtureImage(docker, a, {
        dockerfile: [`FROM ${base}`, 'RUN mkdir /app && echo one > /app/same-size && echo old > /app/old.txt && echo x > /app/mode && chmod 644 /app/mode'].join('\n'),
      });
      await buildFixtureImage(docker, b, {
        dockerfile: [`FROM ${base}`, 'RUN mkdir /app && echo two > /app/same-size && head -c 5000 /dev/zero > /app/new.bin && echo x > /app/mode && chmod 755 /app/mode'].join('\n'),
      });
    });
    after(async () => {
      await removeFixtureImages(docker);
      engine.dispose();
    });

    it('one export holds both, the shared base once; the comparison finds what the builds changed', async () => {
      const archives = await readImageArchives(await engine.exportImages([a, b]), { hashContents: true, preferPlatform: 'linux/amd64' });
      assert.strictEqual(archives.length, 2);
      const byName = (name: string) => archives.find((x) => x.repoTags.some((r) => r === name || r === `docker.io/${name}`));
      const [ia, ib] = [byName(a), byName(b)];
      assert.ok(ia && ib, `both images in the export (${archives.map((x) => x.repoTags.join()).join(' / ')})`);
      const c = compareImages(new ImageAnalysis(ia), new ImageAnalysis(ib));
      const baseLayers = (await engine.inspectImage(base)).RootFS.Layers?.length ?? 0;
      assert.strictEqual(c.sharedLayers, baseLayers, 'the base layers are one band');
      assert.ok(c.summary.shared.size >= 200_000);
      const mine = c.differences.filter((d) => d.path.startsWith('app/')).map((d) => [d.path, d.kind, d.reasons.join('+')]);
      assert.deepStrictEqual(mine.sort(), [
        ['app/mode', 'modified', 'mode'],
        ['app/new.bin', 'added', ''],
        ['app/old.txt', 'removed', ''],
        ['app/same-size', 'modified', 'content'],
      ]);
    });

    it('reads fewer bytes than two exports: what both share comes once', async () => {
      const together = await drained(await engine.exportImages([a, b]));
      const apart = (await drained(await engine.exportImage(a))) + (await drained(await engine.exportImage(b)));
      assert.ok(together < apart - 150_000, `${together} bytes together, ${apart} apart`);
    });

    it('each image read from the pair is the image read alone', async () => {
      const archives = await readImageArchives(await engine.exportImages([a, b]), { preferPlatform: 'linux/amd64' });
      const alone = await readImageArchive(await engine.exportImage(a), { preferPlatform: 'linux/amd64' });
      const pairA = archives.find((x) => x.repoTags.some((r) => r.endsWith(a)));
      assert.deepStrictEqual(pairA?.layers.map((l) => [l.diffId, l.size]), alone.layers.map((l) => [l.diffId, l.size]));
    });

    it('an image analysed first, then compared with one built on it: the layers they share keep their packages', async () => {
      const pkgA = `strata-test/cmp-pkg-a-${t.name}:${tag}`;
      const pkgB = `strata-test/cmp-pkg-b-${t.name}:${tag}`;
      const status = ['Package: libfoo', 'Status: install ok installed', 'Version: 1.2-3', 'Architecture: amd64', 'Installed-Size: 40', ''].join('\\n');
      const idA = await buildFixtureImage(docker, pkgA, { dockerfile: [`FROM ${base}`, `RUN mkdir -p /var/lib/dpkg && printf '${status}' > /var/lib/dpkg/status`].join('\n') });
      const idB = await buildFixtureImage(docker, pkgB, { dockerfile: [`FROM ${pkgA}`, 'RUN echo app > /app.txt'].join('\n') });
      // As the Layers panel then the Compare panel do: A is in memory, and B's layers that A has (by digest, where the export names blobs so) are not read again.
      const cache = new AnalysisCache();
      await cache.analyze(idA, () => engine.exportImage(pkgA), { preferPlatform: 'linux/amd64' });
      const [x, y] = await cache.analyzePair([idA, idB], () => engine.exportImages([pkgA, pkgB]), (key) => engine.exportImage(key === idA ? pkgA : pkgB), () => undefined, { preferPlatform: 'linux/amd64' });
      const semantic = semanticDiff(x, y);
      assert.deepStrictEqual(semantic.packagesRead, { a: true, b: true });
      assert.deepStrictEqual(semantic.packages, { added: [], removed: [], upgraded: [] }, 'B has what A has');
    });

    if (t.name === 'host') {
      it('strata diff gives the same figures', () => {
        const r = spawnSync('node', [path.join(REPO_ROOT, 'dist', 'cli.js'), 'diff', a, b, '--json', '--host', t.dockerHost], { encoding: 'utf8' });
        assert.strictEqual(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout) as { sharedLayers: number; differences: Array<{ path: string; kind: string }> };
        assert.deepStrictEqual(
          out.differences.filter((d) => d.path.startsWith('app/')).map((d) => `${d.kind} ${d.path}`).sort(),
          ['added app/new.bin', 'modified app/mode', 'modified app/same-size', 'removed app/old.txt'],
        );
      });
    }
  });
}
