import * as assert from 'assert';
import * as net from 'net';
import Docker from 'dockerode';
import { describeRunError } from '../../src/engine/api/engineError';
import { DockerEngine } from '../../src/engine/api/dockerEngine';
import { type LogSink, followContainerLogs } from '../../src/engine/streams/followLogs';
import type { LogLine } from '../../src/engine/streams/logStream';
import { type RunOptions, parseRunOptions } from '../../src/model/containers/runOptions';
import { hostEngine } from '../harness/testEngines';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';

const LABELS = { [TEST_LABEL]: String(process.pid) };

function options(image: string, input: Partial<Parameters<typeof parseRunOptions>[1]>): RunOptions {
  const parsed = parseRunOptions(image, { name: '', ports: '', env: '', mounts: '', command: '', removeWhenStopped: false, ...input }, () => true);
  if (!parsed.ok) {
    throw new Error(parsed.error);
  }
  return { ...parsed.value, labels: LABELS };
}

/** Collects what a follower delivers, and resolves when it is done. */
async function collect(engine: DockerEngine, id: string): Promise<{ lines: LogLine[]; notices: string[] }> {
  const lines: LogLine[] = [];
  const notices: string[] = [];
  const sink: LogSink = { line: (l) => lines.push(l), notice: (n) => notices.push(n) };
  await followContainerLogs(engine, id, sink, { backoff: { initialMs: 100, maxMs: 400 } }).done;
  return { lines, notices };
}

function freeHostPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('containers against a real dockerd', () => {
  const docker = new Docker();
  const engine = hostEngine();
  const tag = runTag('c');
  const image = `strata-test/run:${tag}`;

  before(async () => {
    await buildFixtureImage(docker, image, { steps: ['CMD ["sh", "-c", "echo default command"]'] });
  });
  after(() => removeFixtureImages(docker));

  it('non-TTY: every stdout and stderr line exactly once, in order, then the exit code', async () => {
    const script = 'for i in $(seq 1 300); do echo "out $i"; echo "err $i" >&2; done; printf "no newline at the end"; exit 3';
    const { id } = await engine.runContainer(options(image, { command: `sh -c '${script}'` }));
    const { lines, notices } = await collect(engine, id);
    const out = lines.filter((l) => l.source === 'stdout').map((l) => l.text);
    const err = lines.filter((l) => l.source === 'stderr').map((l) => l.text);
    assert.deepStrictEqual(out, [...Array.from({ length: 300 }, (_, i) => `out ${i + 1}`), 'no newline at the end']);
    assert.deepStrictEqual(err, Array.from({ length: 300 }, (_, i) => `err ${i + 1}`));
    assert.ok(lines.every((l) => l.timestamp), 'every line has its timestamp');
    assert.deepStrictEqual(notices, ['— exited with code 3 —']);
  });

  it('TTY: the raw stream, colours removed, then the exit code', async () => {
    const container = await docker.createContainer({
      Image: image,
      Tty: true,
      Cmd: ['sh', '-c', 'printf "\\033[31mred\\033[0m\\r\\nplain\\r\\n"; echo to-stderr >&2; exit 0'],
      Labels: LABELS,
    });
    await container.start();
    const { lines, notices } = await collect(engine, container.id);
    assert.deepStrictEqual(
      lines.map((l) => [l.source, l.text]),
      [
        ['stdout', 'red'],
        ['stdout', 'plain'],
        ['stdout', 'to-stderr'],
      ],
    );
    assert.deepStrictEqual(notices, ['— exited with code 0 —']);
  });

  it('a container that exits at once still shows its output and exit code', async () => {
    const { id } = await engine.runContainer(options(image, {}));
    const { lines, notices } = await collect(engine, id);
    assert.deepStrictEqual(lines.map((l) => l.text), ['default command']);
    assert.deepStrictEqual(notices, ['— exited with code 0 —']);
  });

  it('a taken name is refused, naming the container that has it', async () => {
    const name = `strata-test-name-${tag}`;
    const first = await engine.runContainer(options(image, { name, command: 'sleep 30' }));
    const err = await engine.runContainer(options(image, { name })).then(
      () => assert.fail('a second container got the same name'),
      (e: unknown) => e,
    );
    const refusal = describeRunError(err, image, name);
    assert.strictEqual(refusal.message, `The name ${name} is already used by another container: choose another name, or remove that container.`);
    assert.strictEqual(refusal.conflictingContainerId, first.id);
    await engine.removeContainer(first.id, true);
  });

  it('a taken host port is refused with the port, and leaves no container behind', async () => {
    const port = await freeHostPort();
    const first = await engine.runContainer(options(image, { ports: `${port}:80`, command: 'sleep 30' }));
    const name = `strata-test-port-${tag}`;
    const err = await engine.runContainer(options(image, { name, ports: `${port}:80`, command: 'sleep 30' })).then(
      () => assert.fail('two containers got the same host port'),
      (e: unknown) => e,
    );
    assert.strictEqual(
      describeRunError(err, image, name).message,
      `Host port ${port} is already in use by another container or program: choose another host port (or leave it out for a random one).`,
    );
    assert.ok(!(await engine.listContainers()).some((c) => c.name === name), 'the refused container was removed again');
    await engine.removeContainer(first.id, true);
  });

  it('a missing image is refused in words', async () => {
    const err = await engine.runContainer(options(`strata-test/never-built:${tag}`, {})).then(
      () => assert.fail('ran a missing image'),
      (e: unknown) => e,
    );
    assert.strictEqual(
      describeRunError(err, `strata-test/never-built:${tag}`).message,
      `The image strata-test/never-built:${tag} no longer exists: it was removed or renamed meanwhile. Refresh the Images view and pick another.`,
    );
  });

  it('stop, start, restart and remove through the engine layer, seen in the list', async () => {
    const { id } = await engine.runContainer(options(image, { command: `sh -c 'trap "exit 0" TERM; while true; do sleep 1; done'`, ports: '80' }));
    const state = async () => (await engine.listContainers()).find((c) => c.id === id);
    const running = await state();
    assert.strictEqual(running?.state, 'running');
    assert.strictEqual(running?.ports.length, 1, 'a random host port was published');
    await engine.stopContainer(id);
    assert.strictEqual((await state())?.state, 'exited');
    await engine.stopContainer(id); // already stopped: not an error
    await engine.startContainer(id);
    assert.strictEqual((await state())?.state, 'running');
    await engine.restartContainer(id);
    assert.strictEqual((await state())?.state, 'running');
    await engine.removeContainer(id, true);
    assert.strictEqual(await state(), undefined);
  });
});
