/**
 * The core suite, once per engine the harness runs (host, TLS, ssh, Podman by socket and
 * over ssh, current Docker in a chroot): first the engine contract (test/harness/
 * engineContract.ts: list, inspect, history and export agreeing, the layer stack, export
 * and analysis, run and logs, container states, events, refusals, 404s), the same checks
 * the in-memory twin passes; then what only a real engine has: which engine answered (its
 * info().ID), BuildKit's history, logs followed and exports asked across broken
 * connections, events reconnecting. Everything goes through Strata's own client,
 * reaching the engine the way a user's address would.
 */
import * as assert from 'assert';
import type { DockerEngine } from '../../src/engine/api/dockerEngine';
import { type EngineEvent, EngineEvents } from '../../src/engine/streams/engineEvents';
import { type LogSink, followContainerLogs } from '../../src/engine/streams/followLogs';
import { ImageIndex } from '../../src/engine/imageIndex';
import type { LogLine } from '../../src/engine/streams/logStream';
import { CONTRACT_IMAGE, type ContractSubject, type WrittenLine, engineContract } from '../harness/twin/engineContract';
import { TEST_LABEL, buildFixtureImage, buildWithBuildKit, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { historyFromExport } from '../harness/fixtures/imageExport';
import { SocketProxy } from '../harness/proxies/socketProxy';
import { type TestEngine, fixtureClient, named, strataEngine, testEngines } from '../harness/testEngines';
import { until } from '../harness/until';

const LABELS = { [TEST_LABEL]: String(process.pid) };
const RUN_DEFAULTS = { ports: [], env: [], mounts: [], removeWhenStopped: false, labels: LABELS };

const waitFor = <T>(what: string, check: () => T | undefined | false) => until(what, check, 20_000, 25);

/** A proxy in front of the engine's transport (socket, TLS port or sshd) and the address through it. */
function proxyFor(t: TestEngine, label: string): { proxy: SocketProxy; url: () => string } {
  const url = new URL(t.dockerHost.replace(/^unix:\/\//, 'file://'));
  if (t.dockerHost.startsWith('unix://')) {
    const proxy = new SocketProxy(`/tmp/strata-${label}-${t.name}-${process.pid}.sock`, { path: t.dockerHost.slice('unix://'.length) });
    return { proxy, url: () => `unix://${proxy.path}` };
  }
  const proxy = new SocketProxy('tcp', { host: url.hostname, port: Number(url.port) });
  return {
    proxy,
    url: () => {
      const through = new URL(t.dockerHost);
      through.port = String(proxy.tcpPort);
      return through.toString().replace(/\/$/, '');
    },
  };
}

async function collect(engine: DockerEngine, id: string): Promise<{ lines: LogLine[]; notices: string[] }> {
  const lines: LogLine[] = [];
  const notices: string[] = [];
  const sink: LogSink = { line: (l) => lines.push(l), notice: (n) => notices.push(n) };
  await followContainerLogs(engine, id, sink, { backoff: { initialMs: 100, maxMs: 400 } }).done;
  return { lines, notices };
}

for (const t of testEngines()) {
  describe(`core suite on ${t.title} (${t.name}, ${t.dockerHost})`, function () {
    this.timeout(180_000);
    const docker = fixtureClient(t);
    const engine = strataEngine(t);
    const tag = runTag(`core-${t.name}`);
    const base = `strata-test/core-base-${t.name}:${tag}`;
    const reference = `strata-test/core-${t.name}:${tag}`;
    let baseId: string;
    let imageId: string;

    before(async () => {
      baseId = await buildFixtureImage(docker, base, { unique: true, steps: ['RUN echo base > /base.txt'] });
      imageId = await buildFixtureImage(docker, reference, {
        dockerfile: [`FROM ${base}`, ...CONTRACT_IMAGE.dockerfile].join('\n'),
        files: { [CONTRACT_IMAGE.payload.path]: CONTRACT_IMAGE.payload.content },
      });
    });
    after(async () => {
      await removeFixtureImages(docker);
      engine.dispose();
    });

    /** `echo` for each line, to its stream. */
    const shellWriting = (lines: WrittenLine[]) => lines.map((l) => `echo "${l.text}"${l.source === 'stderr' ? ' >&2' : ''}`);
    const run = async (script: string[]) => (await engine.runContainer({ image: reference, command: ['sh', '-c', script.join('; ')], ...RUN_DEFAULTS })).id;
    engineContract(
      (): ContractSubject => ({
        engine,
        fixture: { reference, base, imageId, baseId, label: [TEST_LABEL, String(process.pid)] },
        names: (r) => named(t, r),
        sizesAgree: !t.containerdSnapshotter,
        // The truth through plain dockerode on the engine's own socket, not Strata's client.
        truth: {
          export: async (id) => (await docker.getImage(id).get()) as NodeJS.ReadableStream,
          listedSize: async (id) => (await docker.listImages()).find((i) => i.Id === id)?.Size,
        },
        runWriting: (lines, code) => run([...shellWriting(lines), `exit ${code}`]),
        // sh as PID 1 ignores SIGTERM unless it traps it: without the trap a stop waits 10 s.
        runIdle: () => run(['trap "exit 0" TERM', 'sleep 600 & wait']),
      }),
    );

    it('is the engine it says: info().ID (Podman: its storage), and its kind', async () => {
      const [info, identity, own] = await Promise.all([engine.info(), engine.identify(), docker.info() as Promise<{ DockerRootDir: string }>]);
      // Podman makes up a new ID for every /info; its storage root tells it apart instead.
      if (t.kind === 'docker') {
        assert.strictEqual(info.id, t.expectedId, `answered by ${info.id}, not ${t.name}`);
      }
      assert.strictEqual(info.rootDir, own.DockerRootDir, `answered by the engine in ${info.rootDir}, not ${t.name}`);
      assert.strictEqual(identity.kind, t.kind);
      assert.ok(t.version.startsWith(identity.version) || identity.version.startsWith(t.version.split('+')[0]), `${identity.version} vs ${t.version}`);
    });

    if (t.kind === 'docker') {
      // Users' engines (Docker 23+) build with BuildKit: its history (`# buildkit`, a WORKDIR
      // that makes its folder is a layer) must align as exactly as the legacy builder's.
      it('aligns an image built with BuildKit as its export does, on its local base', async () => {
        const bk = `strata-test/core-bk-${t.name}:${tag}`;
        const id = await buildWithBuildKit({ socket: t.fixtureSocket, dockerConfig: t.dockerConfig }, docker, bk, {
          dockerfile: [`FROM ${base}`, 'RUN echo bk > /bk.txt', 'WORKDIR /srv/app', 'ENV MODE=bk', 'COPY payload.txt /srv/app/', 'RUN true'].join('\n'),
          files: { 'payload.txt': 'b'.repeat(1234) },
        });
        const stack = await new ImageIndex({ engine }).layerStack(id);
        const truth = await historyFromExport(docker, id);
        assert.ok(stack.exact, 'the BuildKit history matches the layers exactly');
        assert.deepStrictEqual(
          stack.steps.map((s) => [s.createdBy, s.diffId]),
          truth.map((s) => [s.createdBy, s.diffId]),
        );
        assert.ok(stack.steps.some((s) => /# buildkit/.test(s.createdBy)), 'built by BuildKit');
        assert.strictEqual(stack.groups[0].base?.id, baseId);
      });
    }

    it('follows logs across a broken connection: said so, resumed, no line lost or repeated', async () => {
      const { proxy, url } = proxyFor(t, 'logs');
      await proxy.start();
      const viaProxy = strataEngine(t, url());
      const { id } = await engine.runContainer({
        image: reference,
        command: ['sh', '-c', 'i=0; while [ $i -lt 60 ]; do echo "line $i"; i=$((i+1)); usleep 50000; done'],
        ...RUN_DEFAULTS,
      });
      try {
        const result = collect(viaProxy, id);
        await new Promise((r) => setTimeout(r, 1000));
        await proxy.cut();
        await new Promise((r) => setTimeout(r, 700));
        await proxy.restore();
        const { lines, notices } = await result;
        assert.deepStrictEqual(
          lines.map((l) => l.text),
          Array.from({ length: 60 }, (_, i) => `line ${i}`),
        );
        assert.deepStrictEqual(notices, [
          '— lost the connection to the Docker Engine; following again when it is back —',
          '— connected again; resuming —',
          '— exited with code 0 —',
        ]);
      } finally {
        viaProxy.dispose();
        await proxy.stop();
        await engine.removeContainer(id, true).catch(() => undefined);
      }
    });

    it('an export asked on a kept-alive connection the engine has dropped is sent again on a new one', async () => {
      const { proxy, url } = proxyFor(t, 'stale');
      await proxy.start();
      const viaProxy = strataEngine(t, url());
      try {
        await viaProxy.listImages();
        proxy.makeOpenConnectionsStale();
        const stream = await viaProxy.exportImage(reference);
        let bytes = 0;
        for await (const chunk of stream) {
          bytes += (chunk as Buffer).length;
        }
        assert.ok(bytes > 3000, `the export came whole (${bytes} bytes)`);
        // A list (any read) on a stale connection is sent again too.
        proxy.makeOpenConnectionsStale();
        assert.ok((await viaProxy.listImages()).length > 0);
      } finally {
        viaProxy.dispose();
        await proxy.stop();
      }
    });

    it('delivers image and container events, and reconnects after the stream breaks', async () => {
      const { proxy, url } = proxyFor(t, 'events');
      await proxy.start();
      const viaProxy = strataEngine(t, url());
      const events: EngineEvent[] = [];
      const connected: boolean[] = [];
      let disconnected = 0;
      const stream = new EngineEvents(
        viaProxy,
        { onEvent: (e) => events.push(e), onConnected: (afterBreak) => connected.push(afterBreak), onDisconnected: () => disconnected++ },
        { initialMs: 50, maxMs: 400 },
      );
      stream.start();
      try {
        await waitFor('the first connection', () => connected.length === 1);
        await docker.getImage(imageId).tag({ repo: `strata-test/core-alias-${t.name}`, tag });
        await waitFor('the tag event', () => events.find((e) => e.type === 'image' && e.action === 'tag'));
        await proxy.cut();
        await waitFor('the break to be noticed', () => disconnected === 1);
        await new Promise((r) => setTimeout(r, 500));
        await proxy.restore();
        await waitFor('the reconnection', () => connected.length === 2);
        assert.deepStrictEqual(connected, [false, true]);
        assert.strictEqual(disconnected, 1, 'one break reported once');
        // A container's life after the reconnection: created, started, died, destroyed.
        const c = await docker.createContainer({ Image: imageId, Cmd: ['true'], Labels: LABELS });
        await c.start();
        await c.wait();
        await c.remove();
        const mine = () => events.filter((e) => e.type === 'container' && c.id.startsWith(e.id.slice(0, 12))).map((e) => e.action);
        await waitFor('the container to be destroyed', () => mine().includes('destroy'));
        assert.ok(['create', 'start', 'die', 'destroy'].every((a) => mine().includes(a)), mine().join(', '));
      } finally {
        stream.stop();
        viaProxy.dispose();
        await proxy.stop();
        // The fixture keeps its one name (the contract removes an image by its last name).
        await docker.getImage(`strata-test/core-alias-${t.name}:${tag}`).remove().catch(() => undefined);
      }
    });
  });
}
