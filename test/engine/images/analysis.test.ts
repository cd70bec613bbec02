import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import Docker from 'dockerode';
import { readImageArchive } from '../../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { hostEngine } from '../../harness/testEngines';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';

describe('analysis against a real dockerd', () => {
  const docker = new Docker();
  const engine = hostEngine();
  const reference = `strata-test/analysis:${runTag('a')}`;
  const saved = path.join(os.tmpdir(), `strata-analysis-${process.pid}.tar`);

  before(async () => {
    await buildFixtureImage(docker, reference, {
      unique: true,
      steps: [
        'RUN mkdir -p /opt/app/cache && echo v1 > /opt/app/version && head -c 20000 /bin/busybox > /opt/app/cache/blob',
        'RUN echo v2 > /opt/app/version && rm -rf /opt/app/cache && ln -s /opt/app/version /opt/current',
        'COPY payload.txt /opt/app/payload.txt',
      ],
      files: { 'payload.txt': 'x'.repeat(5000) },
    });
  });

  after(async () => {
    fs.rmSync(saved, { force: true });
    await removeFixtureImages(docker);
  });

  it('the analysis of the export stream equals the analysis of its `docker save` file', async () => {
    const live = new ImageAnalysis(await readImageArchive(await engine.exportImage(reference)));
    await pipeline(await engine.exportImage(reference), fs.createWriteStream(saved));
    const fromFile = new ImageAnalysis(await readImageArchive(fs.createReadStream(saved)));
    assert.deepStrictEqual(live.metrics, fromFile.metrics);
    assert.deepStrictEqual(live.layers, fromFile.layers);
    for (let i = 0; i < live.layers.length; i++) {
      assert.deepStrictEqual(live.changesOf(i), fromFile.changesOf(i));
    }
  });

  it('layers match the engine\'s diff ids and say what the build did', async () => {
    const a = new ImageAnalysis(await readImageArchive(await engine.exportImage(reference)));
    const inspect = await engine.inspectImage(reference);
    assert.deepStrictEqual(a.layers.map((l) => l.diffId), inspect.RootFS.Layers);
    // Sizes are dive's (Σ of tar entry sizes), not the engine's (which counts symlink
    // targets too): the payload layer holds exactly the 5000-byte file.
    assert.strictEqual(a.layers[5].size, 5000);
    const removal = a.changesOf(4);
    assert.deepStrictEqual(
      removal.filter((c) => c.type !== 'dir' || c.kind !== 'modified').map((c) => [c.path, c.kind, c.size]),
      [
        ['opt/app/cache', 'removed', 20000],
        ['opt/app/version', 'modified', 3],
        ['opt/current', 'added', 0],
      ],
    );
    assert.ok(a.metrics.wastedPaths.some((w) => w.path === '/opt/app/version' && w.count === 2));
  });
});
