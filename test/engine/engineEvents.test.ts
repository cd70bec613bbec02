import * as assert from 'assert';
import Docker from 'dockerode';
import { DockerEngine } from '../../src/engine/dockerEngine';
import { type EngineEvent, EngineEvents } from '../../src/engine/engineEvents';
import { buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtureImages';
import { SocketProxy } from '../harness/socketProxy';

function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const tick = () => {
      const v = check();
      if (v !== undefined) {
        resolve(v);
      } else if (Date.now() > deadline) {
        reject(new Error(`timed out waiting for ${what}`));
      } else {
        setTimeout(tick, 25);
      }
    };
    tick();
  });
}

describe('the engine event stream against a real dockerd', () => {
  const docker = new Docker();
  const tag = runTag('ev');
  const image = `strata-test/events:${tag}`;
  const proxy = new SocketProxy(`/tmp/strata-events-proxy-${process.pid}.sock`);

  before(async () => {
    await buildFixtureImage(docker, image);
    await proxy.start();
  });
  after(async () => {
    await proxy.stop();
    await removeFixtureImages(docker);
  });

  it('delivers tag and untag events; after the connection breaks it says so, reconnects with backoff and says it is back', async () => {
    const events: EngineEvent[] = [];
    const connected: boolean[] = [];
    let disconnected = 0;
    const stream = new EngineEvents(
      new DockerEngine({ DOCKER_HOST: `unix://${proxy.path}` }),
      { onEvent: (e) => events.push(e), onConnected: (afterBreak) => connected.push(afterBreak), onDisconnected: () => disconnected++ },
      { initialMs: 50, maxMs: 400 },
    );
    stream.start();
    try {
      await waitFor('the first connection', () => (connected.length === 1 ? true : undefined));
      assert.deepStrictEqual(connected, [false]);
      await docker.getImage(image).tag({ repo: 'strata-test/events-alias', tag });
      const tagged = await waitFor('the tag event', () => events.find((e) => e.action === 'tag' && e.name === `strata-test/events-alias:${tag}`));
      assert.strictEqual(tagged.type, 'image');

      // The engine goes away for a while (as when it restarts), then comes back.
      await proxy.cut();
      await waitFor('the break to be noticed', () => (disconnected === 1 ? true : undefined));
      await new Promise((r) => setTimeout(r, 600)); // several failed attempts meanwhile
      await proxy.restore();
      await waitFor('the reconnection', () => (connected.length === 2 ? true : undefined));
      assert.deepStrictEqual(connected, [false, true], 'reconnected, and says what changed meanwhile is unknown');
      assert.strictEqual(disconnected, 1, 'one break reported once, however many attempts failed');

      await docker.getImage(`strata-test/events-alias:${tag}`).remove();
      await waitFor('the untag event after the reconnection', () => events.find((e) => e.action === 'untag'));
    } finally {
      stream.stop();
    }
  });
});
