/**
 * The in-memory twin (test/harness/twin/memoryEngine.ts) put through the engine contract the
 * real engines pass in test/engine/core.test.ts, then what only it has: failures on
 * demand, refusals, logs written while followed, Docker's rules for tags and removal.
 */
import * as assert from 'assert';
import { describeRunError, engineMessage, statusCode } from '../../../src/engine/api/engineError';
import { EngineRefusal } from '../../../src/engine/api/engineData';
import { followContainerLogs } from '../../../src/engine/streams/followLogs';
import { LogParser, type LogLine } from '../../../src/engine/streams/logStream';
import { CONTRACT_IMAGE, type ContractFixture, engineContract } from '../../harness/twin/engineContract';
import { type StepSpec, MemoryEngine, connectionError, engineAnswer } from '../../harness/twin/memoryEngine';

const LABEL: [string, string] = ['strata.test', 'twin'];
const RUN = { ports: [], env: [], mounts: [], removeWhenStopped: false };
const PORT_8080 = { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' as const };

/** The contract's base and image, as the legacy builder records the steps core.test.ts builds. */
const BASE_STEPS: StepSpec[] = [
  { createdBy: '/bin/sh -c #(nop) COPY file:5c1a6e0b1c1d in /.strata-run-id ', files: { '.strata-run-id': 'the twin\n' } },
  { createdBy: '/bin/sh -c #(nop) COPY file:73e2b2d48642 in /bin/busybox ', files: { 'bin/busybox': 'a stand-in for busybox' } },
  { createdBy: '/bin/busybox --install -s /bin', files: { 'bin/sh': 'a stand-in for sh' } },
  { createdBy: '/bin/sh -c echo base > /base.txt', files: { 'base.txt': 'base\n' } },
  { createdBy: `/bin/sh -c #(nop)  LABEL ${LABEL[0]}=${LABEL[1]}` },
];
const IMAGE_STEPS: StepSpec[] = [
  { createdBy: '/bin/sh -c echo one > /one.txt', files: { [CONTRACT_IMAGE.written.path]: CONTRACT_IMAGE.written.content } },
  { createdBy: '/bin/sh -c #(nop)  ENV STRATA_STEP=2' },
  { createdBy: '/bin/sh -c #(nop) COPY file:9e296bc0e825 in /payload.txt ', files: { [CONTRACT_IMAGE.payload.path]: CONTRACT_IMAGE.payload.content } },
  { createdBy: '/bin/sh -c #(nop)  CMD ["sh" "-c" "echo default command"]' },
  { createdBy: `/bin/sh -c #(nop)  LABEL ${LABEL[0]}=${LABEL[1]}` },
];

/** The contract's fixture on a new twin. */
async function seededTwin(): Promise<{ twin: MemoryEngine; fixture: ContractFixture }> {
  const twin = new MemoryEngine();
  const base = 'strata-test/core-base-twin:1';
  const reference = 'strata-test/core-twin:1';
  const baseId = await twin.addImage({ tags: [base], steps: BASE_STEPS, labels: { [LABEL[0]]: LABEL[1] } });
  const imageId = await twin.addImage({ tags: [reference], from: base, steps: IMAGE_STEPS });
  return { twin, fixture: { reference, base, imageId, baseId, label: LABEL } };
}

describe('the in-memory engine holds to the engine contract', () => {
  let twin: MemoryEngine;
  let fixture: ContractFixture;
  before(async () => ({ twin, fixture } = await seededTwin()));

  engineContract(() => ({
    engine: twin,
    fixture,
    names: (reference) => [reference],
    sizesAgree: true,
    truth: {
      export: (id) => twin.exportImage(id),
      listedSize: async (id) => (await twin.listImages()).find((i) => i.id === id)?.size,
    },
    runWriting: async (lines, code) => {
      const { id } = await twin.runContainer({ image: fixture.reference, ...RUN });
      lines.forEach((l) => twin.write(id, l.text, l.source));
      twin.exit(id, code);
      return id;
    },
    runIdle: async () => (await twin.runContainer({ image: fixture.reference, ...RUN })).id,
  }));
});

describe('the in-memory engine, beyond the contract', () => {
  let twin: MemoryEngine;
  let fixture: ContractFixture;
  beforeEach(async () => ({ twin, fixture } = await seededTwin()));

  it('fails the next call as asked, then answers again; a refused connection is said as Strata says it', async () => {
    twin.failNext('listImages', connectionError('ECONNREFUSED'));
    const err = await twin.listImages().then(() => undefined, (e: unknown) => e);
    assert.deepStrictEqual(twin.describeError(err), {
      kind: 'notRunning',
      message: 'Docker is not running: /memory/docker.sock exists but no engine answers on it. Start the Docker Engine.',
    });
    assert.strictEqual((await twin.listImages()).length, 2);
    twin.failNext('*', connectionError('EACCES'), 2);
    await assert.rejects(twin.ping(), { code: 'EACCES' });
    await assert.rejects(twin.inspectImage(fixture.imageId), { code: 'EACCES' });
    await twin.ping();
    assert.deepStrictEqual(twin.calls.slice(-4), ['listImages', 'ping', 'inspectImage', 'ping']);
  });

  it("an engine's error answer comes as docker-modem gives it: status, the engine's words", async () => {
    twin.failNext('inspectImage', engineAnswer(500, 'layer does not exist'));
    const err = await twin.inspectImage(fixture.imageId).then(() => undefined, (e: unknown) => e);
    assert.strictEqual(statusCode(err), 500);
    assert.strictEqual(engineMessage(err), 'layer does not exist');
    assert.deepStrictEqual(twin.describeError(err), { kind: 'otherError', message: 'The Docker Engine at /memory/docker.sock answered: layer does not exist' });
  });

  it('refuses what it cannot do in a sentence, which Strata shows as it is', async () => {
    const { id } = await twin.runContainer({ image: fixture.reference, ...RUN });
    const err = await twin.execShell(id).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof EngineRefusal);
    assert.deepStrictEqual(twin.describeError(err), { kind: 'otherError', message: 'The in-memory engine runs no processes: it has no shell to attach to.' });
  });

  it('a follow gets the lines as the container writes them, and ends when it exits', async () => {
    const { id } = await twin.runContainer({ image: fixture.reference, ...RUN });
    twin.write(id, 'before');
    const lines: LogLine[] = [];
    const notices: string[] = [];
    const follower = followContainerLogs(twin, id, { line: (l) => lines.push(l), notice: (n) => notices.push(n) });
    await new Promise((r) => setTimeout(r, 20));
    twin.write(id, 'after', 'stderr');
    twin.exit(id, 3);
    await follower.done;
    assert.deepStrictEqual(
      lines.map((l) => [l.source, l.text]),
      [
        ['stdout', 'before'],
        ['stderr', 'after'],
      ],
    );
    assert.deepStrictEqual(notices, ['— exited with code 3 —']);
  });

  it('logs since a time and the last lines only, as a resumed follow asks', async () => {
    const { id } = await twin.runContainer({ image: fixture.reference, ...RUN });
    ['a', 'b', 'c'].forEach((t) => twin.write(id, t));
    const read = async (request: { since?: string; tail?: number }) => {
      const texts: string[] = [];
      const parser = new LogParser({ tty: false, timestamps: true }, (l) => texts.push(`${l.text}@${l.timestamp ? 'ts' : '-'}`));
      for await (const chunk of await twin.containerLogs(id, { follow: false, timestamps: true, ...request })) {
        parser.push(chunk as Buffer);
      }
      parser.end();
      return texts;
    };
    assert.deepStrictEqual(await read({ tail: 2 }), ['b@ts', 'c@ts']);
    assert.deepStrictEqual(await read({ tail: 0 }), []);
    assert.deepStrictEqual(await read({ since: `${Math.floor(Date.now() / 1000) + 60}.000000000` }), []);
    assert.deepStrictEqual(await read({ since: '0.000000001' }), ['a@ts', 'b@ts', 'c@ts']);
  });

  it('a tag built again moves to the new image; the old one is left untagged, and an untagged base is not listed', async () => {
    const rebuilt = await twin.addImage({ tags: [fixture.reference], from: fixture.base, steps: [{ createdBy: '/bin/sh -c echo two > /two.txt', files: { 'two.txt': 'two\n' } }] });
    const listed = await twin.listImages();
    assert.deepStrictEqual(listed.find((i) => i.id === rebuilt)?.repoTags, [fixture.reference]);
    assert.deepStrictEqual(listed.find((i) => i.id === fixture.imageId)?.repoTags, []);
    // Its base loses its name: images are built on it, so it is an intermediate image, as Docker hides them.
    await twin.removeImage(fixture.base);
    assert.ok(!(await twin.listImages()).some((i) => i.id === fixture.baseId));
    assert.strictEqual((await twin.inspectImage(fixture.baseId)).Id, fixture.baseId);
  });

  it('removes by id as docker rmi does: refused while named in several repositories, or built upon', async () => {
    await twin.tagImage(fixture.imageId, 'other/name', '1');
    const several = await twin.removeImage(fixture.imageId).then(() => undefined, (e: unknown) => e);
    assert.match(engineMessage(several), /image is referenced in multiple repositories/);
    const built = await twin.removeImage(fixture.baseId).then(() => undefined, (e: unknown) => e);
    assert.match(engineMessage(built), /image has dependent child images/);
    await twin.removeImage('other/name:1');
    await twin.removeImage(fixture.imageId);
    assert.deepStrictEqual((await twin.listImages()).map((i) => i.id), [fixture.baseId]);
  });

  it('refuses a run whose name or host port is taken, leaving nothing behind, in the words Strata reads', async () => {
    const first = await twin.runContainer({ image: fixture.reference, ...RUN, name: 'web', ports: [PORT_8080] });
    const sameName = await twin.runContainer({ image: fixture.reference, ...RUN, name: 'web' }).then(() => undefined, (e: unknown) => e);
    assert.deepStrictEqual(describeRunError(sameName, fixture.reference, 'web'), {
      message: 'The name web is already used by another container: choose another name, or remove that container.',
      conflictingContainerId: first.id,
    });
    const samePort = await twin.runContainer({ image: fixture.reference, ...RUN, ports: [PORT_8080] }).then(() => undefined, (e: unknown) => e);
    assert.strictEqual(
      describeRunError(samePort, fixture.reference).message,
      'Host port 8080 is already in use by another container or program: choose another host port (or leave it out for a random one).',
    );
    assert.deepStrictEqual((await twin.listContainers()).map((c) => c.name), ['web']);
  });
});
