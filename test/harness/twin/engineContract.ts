/**
 * The engine contract, checked: what the views, commands and panels rely on an Engine to
 * answer, as mocha tests any engine can be put through. test/engine/core.test.ts runs them
 * on every engine the harness runs, test/unit/engine/memoryEngine.test.ts on the in-memory twin:
 * the twin is held to what the real engines do wherever the VS Code side leans on it.
 *
 * Only what holds on every engine is asserted; where engines differ (the containerd
 * store's sizes and ids, Podman's names and words) the check says which way each goes.
 */
import * as assert from 'assert';
import type { Readable } from 'stream';
import { readImageArchive, readImageArchives } from '../../../src/analysis/archiveReader';
import { ImageIndex } from '../../../src/engine/imageIndex';
import type { Engine } from '../../../src/engine/api/engine';
import { describeRemoveImageError, engineMessage, statusCode } from '../../../src/engine/api/engineError';
import { type EngineEvent, EngineEvents } from '../../../src/engine/streams/engineEvents';
import { type LogSink, followContainerLogs } from '../../../src/engine/streams/followLogs';
import type { LogLine } from '../../../src/engine/streams/logStream';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { splitReference } from '../../../src/model/images';
import { readExportedImage, truthSteps } from '../fixtures/imageExport';
import { until } from '../until';

/**
 * The image every engine holds for the contract, built FROM a base whose bottom layer no
 * other image shares: core.test.ts builds these lines with a Dockerfile, the twin is
 * seeded with the same files.
 */
export const CONTRACT_IMAGE = {
  dockerfile: ['RUN echo one > /one.txt', 'ENV STRATA_STEP=2', 'COPY payload.txt /payload.txt', 'CMD ["sh", "-c", "echo default command"]'],
  /** What the RUN step writes. */
  written: { path: 'one.txt', content: 'one\n' },
  /** What the last filesystem step copies. */
  payload: { path: 'payload.txt', content: 'p'.repeat(3000) },
};

export interface ContractFixture {
  reference: string;
  base: string;
  imageId: string;
  baseId: string;
  /** A label the image carries, [key, value]. */
  label: [string, string];
}

export type WrittenLine = Pick<LogLine, 'source' | 'text'>;

/** What the contract needs of one engine: the engine, the fixture on it, and ways to make things happen there. */
export interface ContractSubject {
  engine: Engine;
  fixture: ContractFixture;
  /** The names the engine may list a reference under (Podman qualifies short names with docker.io/). */
  names(reference: string): string[];
  /** Whether the list's Size is inspect's (not on the containerd store, which counts content and snapshots). */
  sizesAgree: boolean;
  /** Read by another way than the engine under test where there is one (plain dockerode on the engine's own socket). */
  truth: { export(id: string): Promise<Readable | NodeJS.ReadableStream>; listedSize(id: string): Promise<number | undefined> };
  /** Runs a container of the fixture that writes these lines in order and exits with `code`; its id. */
  runWriting(lines: WrittenLine[], code: number): Promise<string>;
  /** Runs a container of the fixture that runs until it is stopped (and stops at once); its id. */
  runIdle(): Promise<string>;
}

const MISSING_IMAGE = 'strata-test/no-such-image:missing';
const MISSING_CONTAINER = '0123456789ab0123456789ab0123456789ab0123456789ab0123456789ab0123';

/** Short waits: the twin answers at once, a real engine within a few seconds. */
const waitFor = <T>(what: string, probe: () => T | undefined | false) => until(what, probe, 20_000, 10);

async function rejection(call: () => Promise<unknown>, what: string): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new assert.AssertionError({ message: `${what} did not fail` });
}

async function collectLogs(engine: Engine, id: string): Promise<{ lines: LogLine[]; notices: string[] }> {
  const lines: LogLine[] = [];
  const notices: string[] = [];
  const sink: LogSink = { line: (l) => lines.push(l), notice: (n) => notices.push(n) };
  await followContainerLogs(engine, id, sink, { backoff: { initialMs: 100, maxMs: 400 } }).done;
  return { lines, notices };
}

/** Each check as a mocha test in the describe block it is called in; `subject` is asked when each runs. */
export function engineContract(subject: () => ContractSubject): void {
  it('lists the image it holds, under its name, with its id, labels and size', async () => {
    const { engine, fixture, names, sizesAgree, truth } = subject();
    const mine = (await engine.listImages()).find((i) => i.repoTags.some((r) => names(fixture.reference).includes(r)));
    assert.ok(mine, `${fixture.reference} is not listed`);
    assert.strictEqual(mine.id, fixture.imageId);
    assert.strictEqual(mine.labels[fixture.label[0]], fixture.label[1]);
    assert.strictEqual(mine.size, await truth.listedSize(fixture.imageId));
    if (sizesAgree) {
      assert.strictEqual(mine.size, (await engine.inspectImage(fixture.imageId)).Size, "the list's size is inspect's");
    }
  });

  it('inspect, history and the export agree: diff ids, names, steps newest first, the id that names the image', async () => {
    const { engine, fixture, names, truth } = subject();
    const [inspect, history, listed, exported] = await Promise.all([
      engine.inspectImage(fixture.imageId),
      engine.imageHistory(fixture.imageId),
      engine.listImages(),
      truth.export(fixture.imageId).then((s) => readExportedImage(s)),
    ]);
    assert.strictEqual(inspect.Id, fixture.imageId);
    assert.deepStrictEqual(inspect.RootFS.Layers, exported.config.rootfs.diff_ids);
    assert.deepStrictEqual(exported.layerDigests, exported.config.rootfs.diff_ids, "each layer's sha256 is its diff id");
    // The classic store and Podman name an image by its config's digest, the containerd store by its index's.
    assert.ok([exported.configDigest, exported.indexDigests[0]].includes(fixture.imageId), `${fixture.imageId} names neither the config nor the index`);
    assert.ok(inspect.RepoTags.some((t) => names(fixture.reference).includes(t)), `inspect names it ${inspect.RepoTags.join(', ')}`);
    assert.deepStrictEqual([...(listed.find((i) => i.id === fixture.imageId)?.repoTags ?? [])].sort(), [...inspect.RepoTags].sort(), 'the list and inspect give the same names');
    const steps = [...(exported.config.history ?? [])].reverse();
    assert.deepStrictEqual(
      history.map((h) => [h.CreatedBy, h.Created]),
      steps.map((s) => [s.created_by, Math.floor(Date.parse(s.created ?? '') / 1000)]),
      "the history is the config's, newest first, to the second",
    );
    assert.ok(history.every((h, i) => i === 0 || h.Created <= history[i - 1].Created), 'each step is no newer than the one above it');
  });

  it('aligns the layer stack as the image config in the export does, on its local base', async () => {
    const { engine, fixture, names, truth } = subject();
    const stack = await new ImageIndex({ engine }).layerStack(fixture.imageId);
    const exported = truthSteps((await readExportedImage(await truth.export(fixture.imageId))).config);
    assert.ok(stack.exact, 'the history matches the layers exactly');
    assert.deepStrictEqual(
      stack.steps.map((s) => [s.createdBy, s.diffId]),
      exported.map((s) => [s.createdBy, s.diffId]),
    );
    assert.ok(stack.steps.some((s) => s.diffId && /echo one > \/one\.txt/.test(s.step.text)), 'the RUN step made a layer');
    const [group] = stack.groups;
    assert.strictEqual(group.base?.id, fixture.baseId, 'the bottom layers are attributed to the local base');
    assert.ok(names(fixture.base).includes(group.base?.name ?? ''), `the base is named as the engine lists it: ${group.base?.name}`);
    assert.strictEqual(stack.builtOn?.id, fixture.baseId);
  });

  it("exports the image and analyses it: layers are the engine's diff ids, the files are there", async () => {
    const { engine, fixture } = subject();
    const analysis = new ImageAnalysis(await readImageArchive(await engine.exportImage(fixture.imageId)));
    const inspect = await engine.inspectImage(fixture.imageId);
    assert.deepStrictEqual(
      analysis.layers.map((l) => l.diffId),
      inspect.RootFS.Layers,
    );
    const { payload, written } = CONTRACT_IMAGE;
    const copied = analysis.changesOf(analysis.layers.length - 1).find((c) => c.path === payload.path);
    assert.deepStrictEqual(copied && [copied.kind, copied.size], ['added', payload.content.length]);
    assert.ok(analysis.changesOf(analysis.layers.length - 2).some((c) => c.path === written.path && c.kind === 'added'), `the RUN layer added /${written.path}`);
  });

  it('exports several images in one archive, each under its name, the layers they share in it once', async () => {
    const { engine, fixture, names } = subject();
    const size = async (s: Readable) => {
      let n = 0;
      for await (const c of s) {
        n += (c as Buffer).length;
      }
      return n;
    };
    const [both, image, base] = await Promise.all([engine.exportImages([fixture.base, fixture.reference]), engine.exportImage(fixture.reference), engine.exportImage(fixture.base)]);
    const [bothBytes, imageBytes, baseBytes] = await Promise.all([size(both), size(image), size(base)]);
    // The base's layers are all in the image's: together they add little more than its config.
    assert.ok(bothBytes - imageBytes < baseBytes / 2, `both ${bothBytes} B, the image ${imageBytes} B, the base ${baseBytes} B`);
    // In an order of the engine's choosing (Docker 28 puts the image first): each is known by the name asked, as the Compare panel knows them.
    const archives = await readImageArchives(await engine.exportImages([fixture.base, fixture.reference]));
    const layersOf = (name: string) => archives.find((a) => a.repoTags.some((t) => names(name).includes(t)))?.layers.map((l) => l.diffId);
    const [baseInspect, imageInspect] = await Promise.all([engine.inspectImage(fixture.baseId), engine.inspectImage(fixture.imageId)]);
    assert.deepStrictEqual(layersOf(fixture.base), baseInspect.RootFS.Layers);
    assert.deepStrictEqual(layersOf(fixture.reference), imageInspect.RootFS.Layers);
  });

  it('runs a container and follows its logs, stdout and stderr, to the exit code', async () => {
    const { engine, runWriting } = subject();
    const id = await runWriting(
      [1, 2, 3].flatMap((i) => [
        { source: 'stdout', text: `out ${i}` },
        { source: 'stderr', text: `err ${i}` },
      ]),
      4,
    );
    try {
      const { lines, notices } = await collectLogs(engine, id);
      assert.deepStrictEqual(lines.filter((l) => l.source === 'stdout').map((l) => l.text), ['out 1', 'out 2', 'out 3']);
      assert.deepStrictEqual(lines.filter((l) => l.source === 'stderr').map((l) => l.text), ['err 1', 'err 2', 'err 3']);
      assert.deepStrictEqual(notices, ['— exited with code 4 —']);
    } finally {
      await engine.removeContainer(id, true);
    }
  });

  it('stops, starts, restarts and removes a container as asked: list and inspect follow', async () => {
    const { engine, runIdle } = subject();
    const id = await runIdle();
    const state = async () => [(await engine.listContainers()).find((c) => c.id === id)?.state, (await engine.inspectContainer(id)).State.Running];
    try {
      assert.deepStrictEqual(await state(), ['running', true]);
      await engine.stopContainer(id);
      assert.deepStrictEqual(await state(), ['exited', false]);
      await engine.stopContainer(id); // already stopped: where the user wanted it
      await engine.startContainer(id);
      await engine.startContainer(id);
      assert.deepStrictEqual(await state(), ['running', true]);
      await engine.restartContainer(id);
      assert.deepStrictEqual(await state(), ['running', true]);
      const refused = await rejection(() => engine.removeContainer(id), 'removing a running container without force');
      assert.ok([409, 500].includes(statusCode(refused) ?? 0), `refused with ${statusCode(refused)}: ${engineMessage(refused)}`);
      await engine.removeContainer(id, true);
      assert.ok(!(await engine.listContainers()).some((c) => c.id === id), 'removed: not listed');
      assert.strictEqual(statusCode(await rejection(() => engine.inspectContainer(id), 'inspecting a removed container')), 404);
    } finally {
      await engine.removeContainer(id, true).catch(() => undefined);
    }
  });

  it('sends image and container events for what is done through it: tag, untag, create, start, die, destroy', async () => {
    const { engine, fixture, names, runWriting } = subject();
    const events: EngineEvent[] = [];
    let connected = 0;
    const stream = new EngineEvents(engine, { onEvent: (e) => events.push(e), onConnected: () => connected++ }, { initialMs: 50, maxMs: 400 });
    stream.start();
    const { repository, tag } = splitReference(fixture.reference);
    const alias = `${repository}-alias:${tag}`;
    const listed = async () => (await engine.listImages()).find((i) => i.id === fixture.imageId)?.repoTags ?? [];
    try {
      await waitFor('the event stream', () => connected > 0);
      await engine.tagImage(fixture.imageId, `${repository}-alias`, tag);
      const tagged = await waitFor('the tag event', () => events.find((e) => e.type === 'image' && e.action === 'tag' && e.id === fixture.imageId));
      assert.ok(names(alias).includes(tagged.name ?? ''), `the tag event names ${tagged.name}`);
      assert.ok((await listed()).some((t) => names(alias).includes(t)), 'the list has the new name');
      await engine.removeImage(alias);
      await waitFor('the untag event', () => events.find((e) => e.type === 'image' && e.action === 'untag' && e.id === fixture.imageId));
      assert.deepStrictEqual(
        (await listed()).filter((t) => !names(fixture.reference).includes(t)),
        [],
        'the other name went, the image stayed under its own',
      );
      const id = await runWriting([{ source: 'stdout', text: 'hello' }], 0);
      await engine.removeContainer(id, true);
      const mine = () => events.filter((e) => e.type === 'container' && e.id === id).map((e) => e.action);
      await waitFor('the container to be destroyed', () => mine().includes('destroy'));
      assert.ok(['create', 'start', 'die', 'destroy'].every((a) => mine().includes(a)), mine().join(', '));
    } finally {
      stream.stop();
      await engine.removeImage(alias).catch(() => undefined);
    }
  });

  it('refuses to remove an image a container uses, in words that name the container', async () => {
    const { engine, fixture, names, runWriting } = subject();
    assert.strictEqual((await engine.inspectImage(fixture.imageId)).RepoTags.length, 1, 'the fixture has its one name (removing one of several only untags)');
    const id = await runWriting([], 0);
    try {
      const refused = await rejection(() => engine.removeImage(fixture.reference), 'removing an image a container uses');
      assert.strictEqual(statusCode(refused), 409);
      assert.ok(engineMessage(refused).includes(id.slice(0, 12)), `the engine's words name the container: ${engineMessage(refused)}`);
      // Strata reads Docker's words and Podman's ("image used by <id>") alike: Show Container is offered.
      assert.ok(id.startsWith(describeRemoveImageError(refused, fixture.reference).containerId ?? '-'), describeRemoveImageError(refused, fixture.reference).message);
      assert.ok((await engine.listImages()).some((i) => i.id === fixture.imageId && i.repoTags.some((t) => names(fixture.reference).includes(t))), 'the image is still there, named');
    } finally {
      await engine.removeContainer(id, true);
    }
  });

  it('answers 404 for a missing image or container, which Strata says as such', async () => {
    const { engine } = subject();
    for (const [what, call] of [
      ['inspect', () => engine.inspectImage(MISSING_IMAGE)],
      ['history', () => engine.imageHistory(MISSING_IMAGE)],
      ['export', () => engine.exportImage(MISSING_IMAGE)],
      ['container inspect', () => engine.inspectContainer(MISSING_CONTAINER)],
    ] as const) {
      const err = await rejection(call, `${what} of something missing`);
      assert.strictEqual(statusCode(err), 404, `${what}: ${engineMessage(err)}`);
      assert.strictEqual(engine.describeError(err).kind, 'otherError');
    }
    const removal = await rejection(() => engine.removeImage(MISSING_IMAGE), 'removing a missing image');
    assert.strictEqual(describeRemoveImageError(removal, MISSING_IMAGE).message, `${MISSING_IMAGE} no longer exists: it was removed or renamed meanwhile.`);
  });
}
