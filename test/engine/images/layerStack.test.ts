import * as assert from 'assert';
import Docker from 'dockerode';
import { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { ImageIndex } from '../../../src/engine/imageIndex';
import { alignLayers } from '../../../src/model/layerAlignment';
import { hostEngine } from '../../harness/testEngines';
import { buildFixtureImage, removeFixtureImages, removeOrphanFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { historyFromExport } from '../../harness/fixtures/imageExport';

import { fixturePath } from '../../harness/fixtures/sharedFixtures';

const DIVE_ARCHIVE = fixturePath('dive', 'test-docker-image.tar');

/** The alignment must give every step the diff id the image config gives it. */
async function assertAlignedLikeExport(docker: Docker, engine: DockerEngine, reference: string): Promise<void> {
  const inspect = await engine.inspectImage(reference);
  const alignment = alignLayers(await engine.imageHistory(reference), inspect.RootFS.Layers ?? []);
  const truth = await historyFromExport(docker, reference);
  assert.ok(alignment.exact, 'alignment is exact');
  assert.deepStrictEqual(
    alignment.steps.map((s) => [s.createdBy, s.diffId]),
    truth.map((t) => [t.createdBy, t.diffId]),
  );
}

describe('layer stacks against a real dockerd', () => {
  const docker = new Docker();
  const engine = hostEngine();
  const tag = runTag('l');
  const base = `strata-test/chain-base:${tag}`;
  const runtime = `strata-test/chain-runtime:${tag}`;
  const app = `strata-test/chain-app:${tag}`;
  const twin = `strata-test/chain-app-twin:${tag}`;

  before(async () => {
    await removeOrphanFixtureImages(docker);
    // A bottom layer unique to this run keeps the chain apart from every other image.
    await buildFixtureImage(docker, base, { unique: true, steps: ['CMD ["sh"]'] });
    await buildFixtureImage(docker, runtime, {
      dockerfile: [`FROM ${base}`, 'RUN mkdir -p /runtime && echo rt > /runtime/version', 'ENV RUNTIME_HOME=/runtime', 'RUN true'].join('\n'),
    });
    await buildFixtureImage(docker, app, {
      dockerfile: [`FROM ${runtime}`, 'WORKDIR /app', 'COPY app.txt /app/', 'EXPOSE 8080', 'CMD ["cat", "/app/app.txt"]'].join('\n'),
      files: { 'app.txt': 'hello from the app\n' },
    });
  });

  after(() => removeFixtureImages(docker));

  it('aligns a built chain exactly as the image config in the export does', async () => {
    for (const ref of [base, runtime, app]) {
      await assertAlignedLikeExport(docker, engine, ref);
    }
  });

  it('aligns the loaded dive image (history ids <missing>) as its export does', async () => {
    const fs = await import('fs');
    await docker.loadImage(fs.createReadStream(DIVE_ARCHIVE)).then(
      (s) => new Promise((resolve, reject) => docker.modem.followProgress(s as NodeJS.ReadableStream, (e) => (e ? reject(e) : resolve(undefined)))),
    );
    const history = await engine.imageHistory('dive-test:latest');
    assert.ok(history.slice(1).every((h) => h.Id === '<missing>'), 'a loaded image has <missing> history ids');
    await assertAlignedLikeExport(docker, engine, 'dive-test:latest');
  });

  it('aligns an image with no filesystem layer at all', async () => {
    const empty = `strata-test/no-layers:${tag}`;
    await buildFixtureImage(docker, empty, { dockerfile: 'FROM scratch\nLABEL purpose=metadata-only\nCMD ["nothing"]' });
    const inspect = await engine.inspectImage(empty);
    assert.deepStrictEqual(inspect.RootFS.Layers ?? [], []);
    // Engine 20.10 refuses to export an image without layers ("empty export - not
    // implemented"); with no layer, every step is by definition a metadata step.
    const alignment = alignLayers(await engine.imageHistory(empty), []);
    assert.ok(alignment.exact);
    assert.deepStrictEqual(
      alignment.steps.map((s) => [s.step.text, s.diffId]),
      [
        ['LABEL purpose=metadata-only', undefined],
        ['CMD ["nothing"]', undefined],
        [`LABEL strata.test=${process.pid}`, undefined],
      ],
    );
  });

  it('attributes the chain: base, runtime and app layers, built on the runtime', async () => {
    const index = new ImageIndex({ engine: engine });
    await index.list();
    const appId = (await engine.inspectImage(app)).Id;
    const stack = await index.layerStack(appId);
    assert.deepStrictEqual(stack.builtOn, { name: runtime, local: true, id: (await engine.inspectImage(runtime)).Id });
    assert.deepStrictEqual(
      stack.groups.map((g) => [g.base?.name ?? 'own', g.layerCount]),
      [
        [base, 3],
        [runtime, 1],
        ['own', 2],
      ],
    );
    // Each group holds exactly its image's own history: the base's CMD and LABEL stay with the base.
    const baseHistory = await engine.imageHistory(base);
    assert.strictEqual(stack.groups[0].steps.length, baseHistory.length);
    assert.deepStrictEqual(
      stack.groups[2].steps.map((s) => [s.step.text, s.diffId !== undefined]),
      [
        ['WORKDIR /app', true],
        ['COPY file:' + stack.groups[2].steps[1].step.text.split('file:')[1].split(' ')[0] + ' /app/', true],
        ['EXPOSE 8080', false],
        ['CMD ["cat", "/app/app.txt"]', false],
        [`LABEL strata.test=${process.pid}`, false],
      ].map(([text, isLayer]) => [text, isLayer]),
    );
    // Base layers are shared by the three chain images.
    assert.strictEqual(stack.groups[0].steps.find((s) => s.diffId)?.sharedBy, 3);
    assert.strictEqual(stack.groups[2].steps.find((s) => s.diffId)?.sharedBy, 1);
  });

  it('two images with the same chain: each is attributed to the runtime, and shares its layers', async () => {
    await buildFixtureImage(docker, twin, {
      dockerfile: [`FROM ${runtime}`, 'RUN echo twin > /twin.txt'].join('\n'),
    });
    const index = new ImageIndex({ engine: engine });
    await index.list();
    const twinStack = await index.layerStack((await engine.inspectImage(twin)).Id);
    assert.strictEqual(twinStack.builtOn?.name, runtime);
    const runtimeLayer = twinStack.groups[1].steps.find((s) => s.diffId);
    assert.strictEqual(runtimeLayer?.sharedBy, 3, 'runtime, app and twin hold the runtime layer');
    assert.strictEqual(twinStack.groups[0].steps.find((s) => s.diffId)?.sharedBy, 4);
  });

  it('an image unrelated to the chain has no base and no shared layers', async () => {
    const lone = `strata-test/lone:${tag}`;
    await buildFixtureImage(docker, lone, { dockerfile: 'FROM scratch\nCOPY lone.txt /lone.txt', files: { 'lone.txt': 'alone\n' } });
    const index = new ImageIndex({ engine: engine });
    await index.list();
    const stack = await index.layerStack((await engine.inspectImage(lone)).Id);
    assert.strictEqual(stack.builtOn, undefined);
    assert.deepStrictEqual(stack.groups.map((g) => g.base), [undefined]);
    assert.ok(stack.steps.filter((s) => s.diffId).every((s) => s.sharedBy === 1));
  });
});
