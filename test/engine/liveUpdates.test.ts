/**
 * LiveUpdates against a real engine: which view each event refreshes, what a removed
 * image or container tells the rest of Strata, and that a storm of events makes one
 * refresh, not one per event. The debounce's clock is the test's: a refresh comes only when
 * the test moves it, after the events it waited for were told, so the counts do not
 * depend on how fast the engine or the machine is (debounce.test.ts has its timing).
 */
import { until as waitUntil } from '../harness/until';
import * as assert from 'assert';
import Docker from 'dockerode';
import { ImageIndex } from '../../src/engine/imageIndex';
import { LiveUpdates } from '../../src/views/liveUpdates';
import { FakeClock } from '../harness/twin/fakeClock';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { hostEngine } from '../harness/testEngines';

const DEBOUNCE_MS = 30;

const until = (what: string, check: () => boolean, timeoutMs = 15_000) => waitUntil(what, check, timeoutMs, 25);

describe('LiveUpdates against a real engine', function () {
  this.timeout(60_000);
  const docker = new Docker();
  const engine = hostEngine();
  const tag = runTag('live');
  const image = `strata-test/live:${tag}`;
  const clock = new FakeClock();
  const logged: string[] = [];
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
      { info: (line: string) => logged.push(line) } as unknown as ConstructorParameters<typeof LiveUpdates>[3],
      DEBOUNCE_MS,
      clock,
    );
    // Events before the stream is open are not seen.
    await until('the event stream to open', () => logged.some((l) => l.endsWith(': listening.')));
  });
  after(async () => {
    live.dispose();
    await removeFixtureImages(docker);
    engine.dispose();
  });

  it('a container run and removed: its start and removal are told, and the Containers view refreshes once', async () => {
    clock.advance(DEBOUNCE_MS); // what other processes' events left pending
    const before = counts.containers;
    const c = await docker.createContainer({ Image: image, Cmd: ['true'], Labels: { [TEST_LABEL]: String(process.pid) } });
    await c.start();
    await c.wait();
    await c.remove();
    await until('the removal to be told', () => removedContainers.includes(c.id));
    assert.ok(started.includes(c.id));
    assert.strictEqual(counts.containers, before, 'no refresh before the debounce has waited');
    clock.advance(DEBOUNCE_MS);
    assert.strictEqual(counts.containers, before + 1, 'create, start, die and destroy make one refresh');
  });

  it('an image deleted: told by id (what the caches are keyed by), and the Images view refreshes', async () => {
    const doomed = `strata-test/live-doomed:${tag}`;
    const id = await buildFixtureImage(docker, doomed, { steps: ['RUN echo doomed > /d'] });
    clock.advance(DEBOUNCE_MS);
    const before = counts.images;
    await docker.getImage(doomed).remove();
    await until('the deletion to be told', () => removedImages.includes(id));
    clock.advance(DEBOUNCE_MS);
    assert.strictEqual(counts.images, before + 1, 'the Images view refreshed');
  });

  it('a storm of 100 tags makes one refresh, after the storm', async () => {
    // Deleted after the storm: the engine sends its events in order, so once this deletion
    // is told, every tag's event has reached LiveUpdates.
    const last = `strata-test/live-last:${tag}`;
    const lastId = await buildFixtureImage(docker, last, { steps: ['RUN echo last > /l'] });
    clock.advance(DEBOUNCE_MS);
    const before = counts.images;
    for (let i = 0; i < 100; i++) {
      await docker.getImage(image).tag({ repo: 'strata-test/live-storm', tag: `${tag}-${i}` });
    }
    await docker.getImage(last).remove();
    await until('the deletion after the storm to be told', () => removedImages.includes(lastId));
    assert.strictEqual(counts.images, before, 'no refresh of its own for any of the events');
    clock.advance(DEBOUNCE_MS);
    assert.strictEqual(counts.images, before + 1, 'one refresh, after the storm');
  });
});
