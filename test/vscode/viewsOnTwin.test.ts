/**
 * The Images and Containers views and the commands over them in a real extension host,
 * against the in-memory engine (test/harness/twin/memoryEngine.ts) instead of a real one: the
 * tree's grouping, sorting, dangling images and layer stacks; which menu items each node's
 * contextValue enables in package.json; an engine that fails (the empty tree, the problem,
 * the welcome content for it, a message node); Remove Image and Stop Container end to end
 * through the one error path. No engine and no build: each case is seeded exactly, and the
 * whole file runs in about a second.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { changeContainerState } from '../../src/commands/containers/containerLifecycle';
import { removeImage } from '../../src/commands/images/removeImage';
import { commandRegistrar, explain } from '../../src/commands/registerCommand';
import { ImageIndex } from '../../src/engine/imageIndex';
import type { SortBy } from '../../src/model/images';
import { PreviousBuildFinder } from '../../src/model/previousBuild';
import { shortId } from '../../src/shared/format';
import { ContainerFileNode } from '../../src/views/containers/containerFiles';
import { ContainerNode } from '../../src/views/containers/containerNode';
import { ContainersTreeProvider } from '../../src/views/containers/containersTreeProvider';
import { EngineStatus } from '../../src/views/engines/engineStatus';
import { BaseGroupNode } from '../../src/views/images/baseGroupNode';
import { ImageNode } from '../../src/views/images/imageNode';
import { type ImagesTreeNode, ImagesTreeProvider } from '../../src/views/images/imagesTreeProvider';
import { RepositoryNode } from '../../src/views/images/repositoryNode';
import { MessageNode } from '../../src/views/messageNode';
import { MemoryEngine, type StepSpec, connectionError, engineAnswer } from '../harness/twin/memoryEngine';
import { until } from '../harness/until';
import { EXTENSION_ID } from './helpers/treeHelpers';
import { menuCommands, welcomeContents } from './helpers/whenClauses';

const DAY = 86_400_000;
const RUN = { ports: [], env: [], mounts: [], removeWhenStopped: false };

/** A web image's build: a package, the site, the command. */
const webSteps = (version: string): StepSpec[] => [
  { createdBy: '/bin/sh -c apk add --no-cache nginx', files: { 'usr/sbin/nginx': 'n'.repeat(5000) } },
  { createdBy: '/bin/sh -c #(nop) COPY dir:4c9e in /srv/www ', files: { 'srv/www/index.html': `<h1>${version}</h1>` } },
  { createdBy: '/bin/sh -c #(nop)  CMD ["nginx" "-g" "daemon off;"]' },
];

/**
 * A shop on the twin, oldest first: tools/cli (50 kB, on no base), strata/base:1, shop/web:1
 * and shop/api:1 on it, shop/web:2 built twice (the first build left untagged: the second's
 * previous build).
 */
async function seedShop(twin: MemoryEngine): Promise<Record<'tools' | 'base' | 'web1' | 'api' | 'webPrevious' | 'web2', string>> {
  const at = (day: number) => new Date(Date.now() - (10 - day) * DAY);
  const cli = { createdBy: '/bin/sh -c #(nop) ADD file:7f1c in / ', files: { 'usr/bin/cli': 'c'.repeat(50_000) } };
  const tools = await twin.addImage({ tags: ['tools/cli:latest'], created: at(0), steps: [cli] });
  const base = await twin.addImage({
    tags: ['strata/base:1'],
    created: at(1),
    steps: [{ createdBy: '/bin/sh -c #(nop) ADD file:3b2e in / ', files: { 'etc/os-release': 'ID=twin\n', 'bin/sh': 's'.repeat(1000) } }, { createdBy: '/bin/sh -c #(nop)  CMD ["sh"]' }],
  });
  const web1 = await twin.addImage({ tags: ['shop/web:1'], from: 'strata/base:1', created: at(2), steps: webSteps('v1') });
  const api = await twin.addImage({
    tags: ['shop/api:1'],
    from: 'strata/base:1',
    created: at(3),
    steps: [
      { createdBy: '/bin/sh -c #(nop) COPY dir:9a1f in /srv/api ', files: { 'srv/api/server.js': 'a'.repeat(20_000) } },
      { createdBy: '/bin/sh -c #(nop)  ENTRYPOINT ["node" "/srv/api/server.js"]' },
    ],
  });
  const webPrevious = await twin.addImage({ tags: ['shop/web:2'], from: 'strata/base:1', created: at(4), steps: webSteps('v2') });
  const web2 = await twin.addImage({ tags: ['shop/web:2'], from: 'strata/base:1', created: at(9), steps: webSteps('v2.1') });
  return { tools, base, web1, api, webPrevious, web2 };
}

const labels = (nodes: vscode.TreeItem[]) => nodes.map((n) => String(n.label));
const contextValues = (nodes: vscode.TreeItem[]) => nodes.map((n) => n.contextValue);

type Window = Record<'showErrorMessage' | 'showWarningMessage', unknown>;

describe('views and commands on the in-memory engine (real extension host)', () => {
  const log = vscode.window.createOutputChannel('Strata tests on the in-memory engine', { log: true });
  const disposables: vscode.Disposable[] = [];
  const win = vscode.window as unknown as Window;
  const realWindow = { showErrorMessage: win.showErrorMessage, showWarningMessage: win.showWarningMessage };
  const commands = vscode.commands as { executeCommand: (id: string, ...args: unknown[]) => Thenable<unknown> };
  const realExecute = commands.executeCommand;
  /** The values these tests' EngineStatus gave strata.engineState (kept from the real context key, which Strata's own views use). */
  const engineStates: Array<string | undefined> = [];
  let twin: MemoryEngine;
  let ids: Awaited<ReturnType<typeof seedShop>>;
  const settings = { showDangling: false, sortBy: 'created' as SortBy, showMetadataSteps: true };

  before(() => {
    commands.executeCommand = (id: string, ...args: unknown[]) => {
      if (id === 'setContext' && args[0] === 'strata.engineState') {
        engineStates.push(args[1] as string | undefined);
        return Promise.resolve(undefined);
      }
      return realExecute.call(vscode.commands, id, ...args);
    };
  });

  beforeEach(async () => {
    twin = new MemoryEngine();
    ids = await seedShop(twin);
    Object.assign(settings, { showDangling: false, sortBy: 'created', showMetadataSteps: true });
    engineStates.length = 0;
  });

  afterEach(() => {
    Object.assign(win, realWindow);
    disposables.splice(0).forEach((d) => d.dispose());
    twin.dispose();
  });

  after(async () => {
    commands.executeCommand = realExecute;
    // Strata's own views go on with the state their engine last gave.
    const strata = vscode.extensions.getExtension<{ status: EngineStatus }>(EXTENSION_ID);
    if (strata?.isActive) {
      await vscode.commands.executeCommand('setContext', 'strata.engineState', strata.exports.status.state);
    }
    log.dispose();
  });

  function imagesView() {
    const index = new ImageIndex({ engine: twin });
    const status = new EngineStatus({ engine: twin }, log);
    const previousBuilds = new PreviousBuildFinder(index);
    const provider = new ImagesTreeProvider(
      index,
      status,
      {
        showDangling: () => settings.showDangling,
        sortBy: () => settings.sortBy,
        showMetadataSteps: () => settings.showMetadataSteps,
        analysedLayerSizes: () => undefined,
      },
      previousBuilds,
    );
    disposables.push(provider, status);
    /** The image nodes under a repository, once every image is inspected and previous builds are known (as the tree redraws them). */
    const images = async (repository: string) => {
      await Promise.all([index.warm(), previousBuilds.find()]);
      const repo = (await provider.getChildren()).find((n) => n.label === repository);
      assert.ok(repo, `${repository} is not in the view`);
      return (await provider.getChildren(repo)) as ImageNode[];
    };
    const image = async (reference: string) => {
      const node = (await images(reference.split(':')[0])).find((n) => n.reference === reference || n.imageId === reference);
      assert.ok(node, `${reference} is not in the view`);
      return node;
    };
    return { index, status, provider, images, image };
  }

  function containersView() {
    const status = new EngineStatus({ engine: twin }, log);
    const provider = new ContainersTreeProvider({ engine: twin }, status);
    disposables.push(provider, status);
    return { status, provider, nodes: async () => (await provider.getChildren()) as ContainerNode[] };
  }

  /** web (running, publishes 8080), worker (running), job (exited with 2). */
  async function runShop(): Promise<Record<'web' | 'worker' | 'job', string>> {
    const web = await twin.runContainer({ ...RUN, image: 'shop/web:2', name: 'web', ports: [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }] });
    const worker = await twin.runContainer({ ...RUN, image: 'shop/api:1', name: 'worker' });
    const job = await twin.runContainer({ ...RUN, image: 'shop/api:1', name: 'job' });
    twin.exit(job.id, 2);
    return { web: web.id, worker: worker.id, job: job.id };
  }

  /** A command registered as extension.ts registers Strata's, through the one error path; its error messages answered with `choose`. */
  function command(id: string, fn: (...args: never[]) => unknown, choose: (message: string, items: unknown[]) => string | undefined = () => undefined) {
    const errors: Array<{ message: string; items: unknown[] }> = [];
    win.showErrorMessage = async (message: string, ...items: unknown[]) => {
      errors.push({ message, items });
      return choose(message, items);
    };
    disposables.push(commandRegistrar({ describe: (err) => twin.describeError(err).message, log })(id, fn));
    return errors;
  }

  /** Modal confirmations answered in turn; what they asked is kept. */
  function confirm(...answers: Array<string | undefined>): Array<{ message: string; detail?: string }> {
    const asked: Array<{ message: string; detail?: string }> = [];
    win.showWarningMessage = async (message: string, options: { detail?: string }) => {
      asked.push({ message, detail: options?.detail });
      return answers.shift();
    };
    return asked;
  }

  it('groups images by repository, newest first; untagged images last, and only when shown', async () => {
    const { provider, images } = imagesView();
    const roots = (await provider.getChildren()) as RepositoryNode[];
    assert.deepStrictEqual(labels(roots), ['shop/web', 'shop/api', 'strata/base', 'tools/cli']);
    assert.deepStrictEqual(
      roots.map((r) => r.description),
      ['2 tags', '1 tag', '1 tag', '1 tag'],
    );
    assert.deepStrictEqual(labels(await images('shop/web')), ['2', '1']);
    settings.showDangling = true;
    const withDangling = await provider.getChildren();
    assert.deepStrictEqual(labels(withDangling), ['shop/web', 'shop/api', 'strata/base', 'tools/cli', '<none>']);
    assert.strictEqual(withDangling[4].description, '1 untagged');
    const [dangling] = await images('<none>');
    assert.deepStrictEqual([dangling.label, dangling.contextValue, dangling.imageId], [`<none> (${shortId(ids.webPrevious)})`, 'image.dangling', ids.webPrevious]);
  });

  it('sorts repositories and their tags by name and by size', async () => {
    const { provider, images } = imagesView();
    settings.sortBy = 'name';
    assert.deepStrictEqual(labels(await provider.getChildren()), ['shop/api', 'shop/web', 'strata/base', 'tools/cli']);
    assert.deepStrictEqual(labels(await images('shop/web')), ['1', '2']);
    settings.sortBy = 'size';
    assert.deepStrictEqual(labels(await provider.getChildren()), ['tools/cli', 'shop/api', 'shop/web', 'strata/base']);
  });

  it("an image shows its layers from base to app: the base's in a group it names, metadata steps dimmed or hidden", async () => {
    const { provider, image } = imagesView();
    const web2 = await image('shop/web:2');
    assert.match(String(web2.description), / · built on strata\/base:1$/);
    const stack = await provider.getChildren(web2);
    assert.deepStrictEqual(contextValues(stack), ['baseGroup', 'layer', 'layer', 'layer.metadata']);
    assert.strictEqual(stack[0].label, 'from strata/base:1');
    assert.deepStrictEqual(
      stack.slice(1).map((n) => String(n.description).split(' · ')[0]),
      ['#2', '#3', 'metadata'],
    );
    const fromBase = await provider.getChildren(stack[0] as BaseGroupNode);
    assert.deepStrictEqual(contextValues(fromBase), ['layer', 'layer.metadata']);
    assert.match(String(fromBase[0].description), /^#1 · /);
    settings.showMetadataSteps = false;
    const layersOnly = await provider.getChildren(web2);
    assert.deepStrictEqual(contextValues(layersOnly), ['baseGroup', 'layer', 'layer']);
    assert.deepStrictEqual(contextValues(await provider.getChildren(layersOnly[0] as BaseGroupNode)), ['layer']);
  });

  it("each image node's contextValue gets the menu items package.json gives it", async () => {
    const { provider, image, images } = imagesView();
    settings.showDangling = true;
    const nodes = {
      previous: await image('shop/web:2'),
      plain: await image('shop/web:1'),
      dangling: (await images('<none>'))[0],
      repository: (await provider.getChildren())[0],
      baseGroup: (await provider.getChildren(await image('shop/web:2')))[0],
    };
    assert.deepStrictEqual(contextValues(Object.values(nodes)), ['image.previousBuild', 'image', 'image.dangling', 'repository', 'baseGroup']);
    /** Which of the nodes above a command is offered on. */
    const offeredOn = (command: string, more = {}) =>
      Object.entries(nodes)
        .filter(([, n]) => menuCommands('strata.images', n.contextValue, more).includes(`strata.${command}`))
        .map(([name]) => name);
    assert.deepStrictEqual(offeredOn('image.compareWithPrevious'), ['previous']);
    assert.deepStrictEqual(offeredOn('image.copyFullTag'), ['previous', 'plain']);
    for (const everyImage of ['image.showLayers', 'image.run', 'image.remove', 'image.inspect', 'image.copyId', 'image.compareWith', 'image.tag']) {
      assert.deepStrictEqual(offeredOn(everyImage), ['previous', 'plain', 'dangling'], everyImage);
    }
    assert.deepStrictEqual(offeredOn('image.compareWithSelected'), []);
    assert.deepStrictEqual(offeredOn('image.compareWithSelected', { 'strata.compare.hasSelection': true }), ['previous', 'plain', 'dangling']);
    // Nor do container items show in the Images view.
    assert.deepStrictEqual(menuCommands('strata.containers', 'image'), []);
  });

  it("each container node's state gets the menu items package.json gives it: start when stopped, stop and restart when running, the browser with a port", async () => {
    const shop = await runShop();
    const { nodes } = containersView();
    const listed = await nodes();
    assert.deepStrictEqual(labels(listed), ['web', 'worker', 'job'], 'running first');
    assert.deepStrictEqual(contextValues(listed), ['container.running.ports', 'container.running', 'container.stopped']);
    assert.strictEqual(listed[2].container.id, shop.job);
    const offeredOn = (command: string) => listed.filter((n) => menuCommands('strata.containers', n.contextValue).includes(`strata.container.${command}`)).map((n) => String(n.label));
    assert.deepStrictEqual(offeredOn('start'), ['job']);
    assert.deepStrictEqual(offeredOn('stop'), ['web', 'worker']);
    assert.deepStrictEqual(offeredOn('restart'), ['web', 'worker']);
    assert.deepStrictEqual(offeredOn('openInBrowser'), ['web']);
    for (const onEvery of ['attachShell', 'showLogs', 'copyId', 'inspect', 'remove']) {
      assert.deepStrictEqual(offeredOn(onEvery), ['web', 'worker', 'job'], onEvery);
    }
  });

  it('an engine that fails: an empty tree, the problem said so a person can act on it, and the welcome content for it', async () => {
    const { provider, status } = imagesView();
    const cases = [
      [connectionError('ECONNREFUSED'), 'notRunning', 'Docker is not running: /memory/docker.sock exists but no engine answers on it. Start the Docker Engine.', /^Docker is not running: /],
      [
        connectionError('EACCES'),
        'permissionDenied',
        'Permission denied on /memory/docker.sock: add your user to the docker group (sudo usermod -aG docker $USER), then sign out and back in.',
        /^Permission denied on the Docker socket/,
      ],
      [engineAnswer(500, 'database is locked'), 'otherError', 'The Docker Engine at /memory/docker.sock answered: database is locked', /^The engine answered with an error/],
    ] as const;
    for (const [error, state, problem, welcome] of cases) {
      twin.failNext('listImages', error);
      assert.deepStrictEqual(await provider.getChildren(), [], state);
      assert.deepStrictEqual([status.state, status.problem?.message], [state, problem]);
      assert.strictEqual(engineStates.at(-1), state, 'strata.engineState says so');
      const shown = welcomeContents('strata.images', state);
      assert.strictEqual(shown.length, 1, `one welcome for ${state}`);
      assert.match(shown[0], welcome);
      assert.match(shown[0], /\(command:strata\.showEngineError\)/, 'with the way to the details');
    }
    assert.strictEqual((await provider.getChildren()).length, 4, 'the engine is back');
    assert.deepStrictEqual([status.state, engineStates.at(-1)], ['connected', 'connected']);

    const containers = containersView();
    twin.failNext('listContainers', connectionError('ENOENT'));
    assert.deepStrictEqual(await containers.provider.getChildren(), []);
    assert.strictEqual(containers.status.problem?.message, 'Docker is not running: /memory/docker.sock does not exist. Start the Docker Engine, or switch Strata to the engine you use.');
    assert.match(welcomeContents('strata.containers', containers.status.state)[0], /^Docker is not running: /);
  });

  it("what cannot be read under a node is said in a message node: an image's layers, a container's files", async () => {
    const { provider, image } = imagesView();
    const web1 = await image('shop/web:1');
    // Its inspect is known already (the tree's background warm-up): its history is asked now.
    twin.failNext('imageHistory', engineAnswer(404, `No such image: ${ids.web1}`));
    const [message] = (await provider.getChildren(web1)) as ImagesTreeNode[];
    assert.ok(message instanceof MessageNode);
    assert.deepStrictEqual([message.label, message.contextValue], [`The Docker Engine at /memory/docker.sock answered: No such image: ${ids.web1}`, 'message']);
    assert.deepStrictEqual(menuCommands('strata.images', message.contextValue), []);

    await runShop();
    const { provider: containers, nodes } = containersView();
    const [files] = await containers.getChildren((await nodes())[0]);
    assert.ok(files instanceof ContainerFileNode);
    assert.deepStrictEqual(labels(await containers.getChildren(files)), ['The in-memory engine keeps no container filesystems: their files cannot be browsed.']);
  });

  it('Remove Image removes what its confirmation allows; a container that keeps the image is named, and shown on request', async () => {
    const { index, image } = imagesView();
    let removed = 0;
    const revealed: string[] = [];
    const remove = (node: ImageNode) => removeImage({ engine: twin, index, refreshViews: () => removed++, revealContainer: async (id) => void revealed.push(id) }, node);
    const errors = command('strata.test.twin.removeImage', remove, (_message, items) => (items.includes('Show Container') ? 'Show Container' : undefined));

    const asked = confirm(undefined, 'Remove');
    await vscode.commands.executeCommand('strata.test.twin.removeImage', await image('shop/web:1'));
    assert.ok(!twin.calls.includes('removeImage'), 'cancelled: nothing asked of the engine');
    await vscode.commands.executeCommand('strata.test.twin.removeImage', await image('shop/web:1'));
    assert.deepStrictEqual(asked[1], { message: 'Remove image shop/web:1?', detail: 'The image is deleted, with its layers unless other images use them. This cannot be undone.' });
    assert.ok(!(await twin.listImages()).some((i) => i.id === ids.web1), 'removed');
    assert.strictEqual(removed, 1);

    const { worker } = await runShop();
    confirm('Remove');
    await vscode.commands.executeCommand('strata.test.twin.removeImage', await image('shop/api:1'));
    await until('the error message', () => errors.length === 1, 5000, 10);
    assert.deepStrictEqual(errors[0], {
      message: 'shop/api:1 is used by the running container worker: remove that container first, then the image.',
      items: ['Show Container', 'Show Details'],
    });
    await until('the container shown', () => revealed.length === 1, 5000, 10);
    assert.ok(worker.startsWith(revealed[0]), 'by the short id the engine named it by');
    assert.ok((await twin.listImages()).some((i) => i.id === ids.api), 'the image stays');
    assert.strictEqual(removed, 1);
  });

  it("Show Details gives the engine's own words of a refusal", async () => {
    const { index, image } = imagesView();
    await runShop();
    const remove = (node: ImageNode) => removeImage({ engine: twin, index, refreshViews: () => undefined, revealContainer: async () => undefined }, node);
    const errors = command('strata.test.twin.removeImageDetails', remove, (_message, items) => (items.includes('Show Details') ? 'Show Details' : undefined));
    confirm('Remove');
    await vscode.commands.executeCommand('strata.test.twin.removeImageDetails', await image('shop/api:1'));
    await until('the details', () => errors.length === 2, 5000, 10);
    const [details] = errors[1].items as Array<{ modal: boolean; detail: string }>;
    assert.strictEqual(details.modal, true);
    assert.match(details.detail, /^conflict: unable to remove repository reference "shop\/api:1" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}$/);
  });

  it("Stop Container stops it and the view follows; a failed stop says which container, with the engine's sentence", async () => {
    await runShop();
    const { provider, nodes } = containersView();
    const errors = command('strata.test.twin.stopContainer', (node: ContainerNode) => changeContainerState(twin, 'stop', node));
    const byName = async (name: string) => (await nodes()).find((n) => n.label === name) as ContainerNode;

    await vscode.commands.executeCommand('strata.test.twin.stopContainer', await byName('web'));
    provider.refresh();
    const web = await byName('web');
    assert.strictEqual(web.contextValue, 'container.stopped', 'a stopped container publishes no port');
    assert.deepStrictEqual((await twin.inspectContainer(web.container.id)).State.Running, false);
    assert.ok(menuCommands('strata.containers', web.contextValue).includes('strata.container.start'), 'now it can be started');

    twin.failNext('stopContainer', engineAnswer(500, 'cannot stop container: permission denied'));
    await vscode.commands.executeCommand('strata.test.twin.stopContainer', await byName('worker'));
    twin.failNext('stopContainer', connectionError('ECONNREFUSED'));
    await vscode.commands.executeCommand('strata.test.twin.stopContainer', await byName('worker'));
    await until('two error messages', () => errors.length === 2, 5000, 10);
    assert.deepStrictEqual(
      errors.map((e) => e.message),
      [
        'worker could not be stopped: The Docker Engine at /memory/docker.sock answered: cannot stop container: permission denied',
        'worker could not be stopped: Docker is not running: /memory/docker.sock exists but no engine answers on it. Start the Docker Engine.',
      ],
    );
    assert.strictEqual((await byName('worker')).contextValue, 'container.running', 'still running');
    // What Show Details would say: the engine's (or the connection's) own words.
    assert.strictEqual(explain(connectionError('ECONNREFUSED'), (err) => twin.describeError(err).message).details, 'connect ECONNREFUSED /memory/docker.sock');
  });
});
