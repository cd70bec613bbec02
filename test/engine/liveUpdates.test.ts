/**
 * LiveUpdates against a real engine: which view each event refreshes, what a removed
 * image or container tells the rest of Strata, and how many refreshes a storm of events
 * makes (bounded, not one per event).
 */
import { until as waitUntil } from '../harness/until';
import * as assert from 'assert';
import Docker from 'dockerode';
import { ImageIndex } from '../../src/engine/imageIndex';
import { LiveUpdates } from '../../src/views/liveUpdates';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtureImages';
import { hostEngine } from '../harness/testEngines';

const quietLog = { info: () => undefined } as unknown as ConstructorParameters<typeof LiveUpdates>[3];

const until = (what: string, check: () => boolean, timeoutMs = 15_000) => waitUntil(what, check, timeoutMs, 25);

describe('LiveUpdates against a real engine', function () {
  this.timeout(60_000);
  const docker = new Docker();
  const engine = hostEngine();
  const tag = runTag('live');
  const image = `strata-test/live:${tag}`;
  const counts = { images: 0, containers: 0 };
  const started: string[] = [];
  const removedImages: string[] = [];
  const removedContainers: string[] = [];
  let live: LiveUpdates;

  before(async () => {
    await buildFixtureImage(docker, image);
    live = new LiveUpdates(
      { engine },
      new ImageIndex({ engine }),
      {
        images: () => counts.images++,
        containers: () => counts.containers++,
        containerStarted: (id) => started.push(id),
        imageRemoved: (id) => removedImages.push(id),
        containerRemoved: (id) => removedContainers.push(id),
      },
      quietLog,
      30,
    );
    await new Promise((r) => setTimeout(r, 300));
  });
  after(async () => {
    live.dispose();
    await removeFixtureImages(docker);
    engine.dispose();
  });

  it('a container run and removed: the Containers view refreshes, its start and removal are told', async () => {
    const before = counts.containers;
    const c = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: { [TEST_LABEL]: String(process.pid) } });
    await c.start();
    await c.wait();
    await c.remove();
    await until('the removal to be told', () => removedContainers.includes(c.id));
    assert.ok(started.includes(c.id));
    assert.ok(counts.containers > before);
  });

  it('an image deleted: told by id (what the caches are keyed by), and the Images view refreshes', async () => {
    const doomed = `strata-test/live-doomed:${tag}`;
    const id = await buildFixtureImage(docker, doomed, { steps: ['RUN echo doomed > /d'] });
    const before = counts.images;
    await docker.getImage(doomed).remove();
    await until('the deletion to be told', () => removedImages.includes(id));
    await until('the Images view to refresh', () => counts.images > before);
  });

  it('a storm of 100 tags in about a second makes a bounded number of refreshes, the last after the storm', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const before = counts.images;
    for (let i = 0; i < 100; i++) {
      await docker.getImage(image).tag({ repo: 'strata-test/live-storm', tag: `${tag}-${i}` });
    }
    const afterStorm = counts.images;
    await new Promise((r) => setTimeout(r, 500));
    const refreshes = counts.images - before;
    assert.ok(refreshes >= 1 && refreshes <= 8, `${refreshes} refreshes for 100 tags`);
    assert.ok(counts.images > afterStorm || refreshes >= 1, 'the view refreshed after the storm');
  });
});
