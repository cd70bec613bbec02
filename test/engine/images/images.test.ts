import * as assert from 'assert';
import Docker from 'dockerode';
import { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { describeEngineError, describeRemoveImageError } from '../../../src/engine/api/engineError';
import { toImageEntries } from '../../../src/model/images';
import { hostEngine } from '../../harness/testEngines';
import { buildFixtureImage, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';

describe('DockerEngine against a real dockerd', () => {
  const docker = new Docker();
  const engine = hostEngine();
  const tag = runTag('e');
  const reference = `strata-test/engine:${tag}`;
  let imageId: string;

  before(async function () {
    await engine.ping().catch((err: unknown) => {
      throw new Error(`no Docker Engine for the engine tests: ${describeEngineError(err, engine.endpoint).message}`);
    });
    imageId = await buildFixtureImage(docker, reference, { steps: ['RUN echo one > /one.txt'] });
  });

  after(() => removeFixtureImages(docker));

  it('lists the fixture image with the id, size and created time the engine reports', async () => {
    const images = await engine.listImages();
    const mine = images.find((i) => i.repoTags.includes(reference));
    assert.ok(mine, `${reference} not listed`);
    const inspect = await docker.getImage(reference).inspect();
    assert.strictEqual(mine.id, imageId);
    assert.strictEqual(mine.size, inspect.Size);
    assert.strictEqual(mine.created.getTime(), Math.floor(new Date(inspect.Created).getTime() / 1000) * 1000);
    assert.strictEqual(mine.labels['strata.test'], String(process.pid));
  });

  it('a second tag gives a second entry for the same image', async () => {
    await docker.getImage(imageId).tag({ repo: 'strata-test/engine-alias', tag });
    const entries = toImageEntries(await engine.listImages(), { showDangling: false }).filter((e) => e.image.id === imageId);
    assert.deepStrictEqual(entries.map((e) => e.reference).sort(), [`strata-test/engine-alias:${tag}`, reference]);
    await docker.getImage(`strata-test/engine-alias:${tag}`).remove();
  });

  it('an image whose tag moved on is dangling: hidden by default, <none> with its short id when asked', async () => {
    const moving = `strata-test/engine-moving:${tag}`;
    const first = await buildFixtureImage(docker, moving, { steps: ['RUN echo first > /v.txt'] });
    await buildFixtureImage(docker, moving, { steps: ['RUN echo second > /v.txt'] });
    const images = await engine.listImages();
    const hidden = toImageEntries(images, { showDangling: false });
    assert.ok(!hidden.some((e) => e.image.id === first), 'dangling image hidden by default');
    const shown = toImageEntries(images, { showDangling: true }).filter((e) => e.image.id === first);
    assert.deepStrictEqual(
      shown.map((e) => [e.reference, e.dangling]),
      [[`<none> (${first.slice(7, 19)})`, true]],
    );
  });

  it('a missing socket is reported as "Docker is not running"', async () => {
    const gone = DockerEngine.fromUrl('unix:///tmp/strata-missing.sock');
    const err = await gone.listImages().then(
      () => assert.fail('listing through a missing socket succeeded'),
      (e: unknown) => e,
    );
    assert.deepStrictEqual(describeEngineError(err, gone.endpoint).kind, 'notRunning');
  });

  it('a socket nothing listens on is reported as "Docker is not running", not as a crash', async () => {
    // A regular file where the socket should be: connect() fails the way a stale socket does.
    const path = `/tmp/strata-stale-${process.pid}.sock`;
    const fs = await import('fs');
    fs.writeFileSync(path, '');
    try {
      const stale = DockerEngine.fromUrl(`unix://${path}`);
      const err = await stale.listImages().then(
        () => assert.fail('listing through a stale socket succeeded'),
        (e: unknown) => e,
      );
      const problem = describeEngineError(err, stale.endpoint);
      assert.strictEqual(problem.kind, 'notRunning', problem.message);
      assert.match(problem.message, /exists but no engine answers/);
    } finally {
      fs.rmSync(path, { force: true });
    }
  });
});

describe('removing images against a real dockerd', () => {
  const docker = new Docker();
  const engine = hostEngine();
  const tag = runTag('r');
  const used = `strata-test/remove-used:${tag}`;
  const spare = `strata-test/remove-spare:${tag}`;

  before(async () => {
    await buildFixtureImage(docker, used, { steps: ['RUN echo used > /used'] });
  });
  after(() => removeFixtureImages(docker));

  it('removing one of two names only untags; the image stays under the other', async () => {
    const id = (await docker.getImage(used).inspect()).Id;
    await docker.getImage(used).tag({ repo: spare.split(':')[0], tag });
    await engine.removeImage(spare);
    const left = (await engine.listImages()).find((i) => i.id === id);
    assert.deepStrictEqual(left?.repoTags, [used]);
  });

  it('an image a container uses is refused, naming that container', async () => {
    const container = await docker.createContainer({ Image: used, Cmd: ['true'], Labels: { 'strata.test': String(process.pid) } });
    try {
      const err = await engine.removeImage(used).then(
        () => assert.fail('the engine removed an image a container uses'),
        (e: unknown) => e,
      );
      const refusal = describeRemoveImageError(err, used);
      assert.strictEqual(refusal.containerId?.slice(0, 12), container.id.slice(0, 12));
      assert.strictEqual(refusal.message, `${used} is used by the container ${container.id.slice(0, 12)}: remove that container first, then the image.`);
      assert.ok((await engine.listImages()).some((i) => i.repoTags.includes(used)), 'nothing was removed');
    } finally {
      await container.remove({ force: true });
    }
  });

  it('an image removed meanwhile is reported as gone', async () => {
    const err = await engine.removeImage(`strata-test/never-was:${tag}`).then(
      () => assert.fail('removing a missing image succeeded'),
      (e: unknown) => e,
    );
    assert.strictEqual(describeRemoveImageError(err, 'x:1').message, 'x:1 no longer exists: it was removed or renamed meanwhile.');
  });
});
