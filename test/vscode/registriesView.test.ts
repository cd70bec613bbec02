/**
 * The Registries view in a real extension host against the harness's real registries
 * (distribution 2.8: 127.0.0.1:5001 open, 127.0.0.1:5000 behind htpasswd): images built on
 * the host's engine and pushed there; the tree (the setting's registries and the docker
 * CLI's logins, catalogs paged by Link, tags a page at a time), each tag's tooltip against
 * what `skopeo inspect` reads, the commands on a tag, Compare with Registry Version from the
 * Images view, and registries that refuse the catalog or cannot be reached.
 */
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../src/extension';
import type { ComparePanel } from '../../src/panels/comparePanel';
import type { LayersPanel } from '../../src/panels/layersPanel';
import type { ToWebview as LayersMessage } from '../../src/protocol/layersProtocol';
import type { RegistriesTreeNode } from '../../src/views/registries/registriesTreeProvider';
import type { LoadMoreNode, RegistryNode, RegistryRepositoryNode, RegistryTagNode } from '../../src/views/registries/registryNodes';
import { buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { pushFixtureImage, registryCredentials } from '../harness/fixtures/registryFixtures';
import { testRegistries } from '../harness/testEngines';
import { until } from '../harness/until';
import { nextPosted } from './helpers/panelMessages';
import { activateStrata, imageNode } from './helpers/treeHelpers';
import { menuCommands, welcomeContents } from './helpers/whenClauses';

/** A tooltip's text: Markdown with its punctuation escaped and its spaces as &nbsp;. */
const text = (tooltip: vscode.TreeItem['tooltip']) => (tooltip instanceof vscode.MarkdownString ? tooltip.value : String(tooltip ?? '')).replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');

// The nodes come from the extension's bundle, not from these classes: told apart by contextValue.
const is = {
  registry: (n: RegistriesTreeNode): n is RegistryNode => n.contextValue === 'registry',
  repository: (n: RegistriesTreeNode): n is RegistryRepositoryNode => n.contextValue === 'registryRepository',
  tag: (n: RegistriesTreeNode): n is RegistryTagNode => n.contextValue === 'registryTag',
  loadMore: (n: RegistriesTreeNode): n is LoadMoreNode => n.contextValue === 'loadMore',
  catalogUnavailable: (n: RegistriesTreeNode) => n.contextValue === 'registryCatalogUnavailable',
  message: (n: RegistriesTreeNode) => n.contextValue === 'message',
};

const MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

interface SkopeoInspect {
  Digest: string;
  Created: string;
  Os: string;
  Architecture: string;
}

function skopeo(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('skopeo', args, { maxBuffer: 16 * 1024 * 1024 }, (err, out, stderr) => (err ? reject(new Error(`skopeo ${args.join(' ')}: ${stderr || err.message}`)) : resolve(out))),
  );
}

describe('Registries view (real extension host, real registries)', function () {
  this.timeout(180_000);
  const docker = new Docker();
  const regs = testRegistries();
  const open = regs.open.address;
  const guarded = regs.auth.address;
  const basic = `Basic ${Buffer.from(`${regs.auth.username}:${regs.auth.password}`).toString('base64')}`;
  const repository = `strata-test/rv-${runTag('v')}`;
  const image = (tag: string, registry = open) => `${registry}/${repository}:${tag}`;
  const tags = ['1', '2', '3', '4', '5'];
  const dockerConfig = path.join(process.env.DOCKER_CONFIG ?? '', 'config.json');
  let savedConfig: string | undefined;
  let savedRegistries: unknown;
  let api: StrataApi;
  let localId: string;
  /** Manifests pushed, by registry, to delete after (an index before what it lists). */
  const pushed: Array<{ registry: string; digest: string }> = [];
  const panels: Array<{ panel: vscode.WebviewPanel }> = [];
  const win = vscode.window as unknown as Record<string, unknown>;
  const real = { showQuickPick: win.showQuickPick, showInputBox: win.showInputBox, showInformationMessage: win.showInformationMessage, showErrorMessage: win.showErrorMessage };
  const shown: string[] = [];

  async function push(reference: string, authconfig: object = {}): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      docker
        .getImage(reference)
        .push({ authconfig } as object)
        .then(
          (s: NodeJS.ReadableStream) =>
            docker.modem.followProgress(s, (e: Error | null, out: Array<{ error?: string }>) => {
              const failure = out?.find((o) => o.error)?.error;
              return e || failure ? reject(e ?? new Error(failure)) : resolve();
            }),
          reject,
        ),
    );
  }

  /** What the registry answers over plain HTTP (the view's figures are checked against it, not against Strata's client). */
  async function registryGet(registry: string, urlPath: string, accept = 'application/vnd.docker.distribution.manifest.v2+json'): Promise<Response> {
    return fetch(`http://${registry}${urlPath}`, { headers: { Accept: accept, ...(registry === guarded ? { Authorization: basic } : {}) } });
  }

  async function digestOf(registry: string, tag: string): Promise<string> {
    const answer = await registryGet(registry, `/v2/${repository}/manifests/${tag}`);
    assert.strictEqual(answer.status, 200, `${registry}/${repository}:${tag} is in the registry`);
    return answer.headers.get('docker-content-digest') ?? '';
  }

  async function setRegistries(value: unknown): Promise<void> {
    await vscode.workspace.getConfiguration('strata').update('registries', value, vscode.ConfigurationTarget.Global);
  }

  function writeDockerConfig(config: object | undefined): void {
    if (config) {
      fs.writeFileSync(dockerConfig, JSON.stringify(config));
    } else {
      fs.rmSync(dockerConfig, { force: true });
    }
  }

  /** The QuickPicks answer with the item `choose` picks from what they offer, which `seen` keeps. */
  function answerQuickPick(choose: (items: vscode.QuickPickItem[]) => vscode.QuickPickItem | undefined, seen: vscode.QuickPickItem[][] = []): vscode.QuickPickItem[][] {
    win.showQuickPick = async (items: vscode.QuickPickItem[] | Thenable<vscode.QuickPickItem[]>) => {
      const list = await items;
      seen.push(list);
      return choose(list);
    };
    return seen;
  }

  const root = async () => (await api.registries.getChildren()) as RegistriesTreeNode[];
  const registryNode = async (address: string) => {
    const node = (await root()).find((n): n is RegistryNode => is.registry(n) && n.address === address);
    assert.ok(node, `${address} is in the Registries view (it lists ${(await root()).map((n) => n.label).join(', ')})`);
    return node;
  };
  /** Every child of a node, Load more… clicked until there is none; the pages seen on the way. */
  async function everyChild(node: RegistryNode | RegistryRepositoryNode): Promise<{ children: RegistriesTreeNode[]; pages: number[] }> {
    const pages: number[] = [];
    let children = await api.registries.getChildren(node);
    pages.push(children.filter((c) => !is.loadMore(c)).length);
    for (let more = children.find(is.loadMore); more; more = children.find(is.loadMore)) {
      await vscode.commands.executeCommand('strata.registries.loadMore', more);
      const before = pages.reduce((a, b) => a + b, 0);
      children = await api.registries.getChildren(node);
      pages.push(children.filter((c) => !is.loadMore(c)).length - before);
    }
    return { children, pages };
  }
  const repositoryNode = async (address = open) => {
    const { children } = await everyChild(await registryNode(address));
    const node = children.find((c): c is RegistryRepositoryNode => is.repository(c) && c.repository === repository);
    assert.ok(node, `${repository} is under ${address}`);
    return node;
  };
  const tagNode = async (tag: string) => {
    const { children } = await everyChild(await repositoryNode());
    const node = children.find((c): c is RegistryTagNode => is.tag(c) && c.tag === tag);
    assert.ok(node, `${tag} is a tag of ${repository}`);
    return node;
  };

  before(async () => {
    assert.ok(process.env.DOCKER_CONFIG, 'the extension host has a DOCKER_CONFIG of its own (test/harness/codeServer.ts)');
    savedConfig = fs.existsSync(dockerConfig) ? fs.readFileSync(dockerConfig, 'utf8') : undefined;
    savedRegistries = vscode.workspace.getConfiguration('strata').inspect('registries')?.globalValue;
    writeDockerConfig(undefined);
    // Two images: five tags of one, and another to compare it with; an index of both.
    localId = await buildFixtureImage(docker, image('1'), { unique: true, steps: ['RUN head -c 200000 /dev/urandom > /payload.bin'] });
    await buildFixtureImage(docker, image('other'), { unique: true, steps: ['RUN head -c 50000 /dev/urandom > /other.bin', 'RUN echo other > /name.txt'] });
    for (const tag of tags.slice(1)) {
      await docker.getImage(image('1')).tag({ repo: `${open}/${repository}`, tag });
    }
    for (const tag of [...tags, 'other']) {
      await push(image(tag));
    }
    const [one, other] = [await digestOf(open, '1'), await digestOf(open, 'other')];
    const size = async (digest: string) => Number((await registryGet(open, `/v2/${repository}/manifests/${digest}`)).headers.get('content-length'));
    const list = {
      schemaVersion: 2,
      mediaType: MANIFEST_LIST,
      manifests: [
        { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: one, size: await size(one), platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: other, size: await size(other), platform: { os: 'linux', architecture: 'arm64' } },
      ],
    };
    const put = await fetch(`http://${open}/v2/${repository}/manifests/multi`, { method: 'PUT', headers: { 'Content-Type': MANIFEST_LIST }, body: JSON.stringify(list) });
    assert.strictEqual(put.status, 201, `the index was pushed (${await put.text()})`);
    pushed.push({ registry: open, digest: put.headers.get('docker-content-digest') ?? '' }, { registry: open, digest: one }, { registry: open, digest: other });
    // The same image behind htpasswd.
    await docker.getImage(image('1')).tag({ repo: `${guarded}/${repository}`, tag: '1' });
    await push(image('1', guarded), { username: regs.auth.username, password: regs.auth.password, serveraddress: guarded });
    pushed.push({ registry: guarded, digest: await digestOf(guarded, '1') });
    api = await activateStrata();
    await setRegistries([open]);
  });

  beforeEach(async () => {
    // Each test starts from the open registry alone and no login, whatever the one before left.
    await setRegistries([open]);
    writeDockerConfig(undefined);
    api.registries.pageSize = 100;
    shown.length = 0;
    win.showInformationMessage = async (message: string) => {
      shown.push(message);
      return undefined;
    };
    win.showErrorMessage = async (message: string) => {
      shown.push(message);
      return undefined;
    };
  });

  afterEach(() => {
    Object.assign(win, real);
    for (const p of panels.splice(0)) {
      p.panel.dispose();
    }
  });

  after(async () => {
    Object.assign(win, real);
    await setRegistries(savedRegistries);
    if (savedConfig !== undefined) {
      fs.writeFileSync(dockerConfig, savedConfig);
    } else {
      writeDockerConfig(undefined);
    }
    for (const { registry, digest } of pushed) {
      await fetch(`http://${registry}/v2/${repository}/manifests/${digest}`, { method: 'DELETE', headers: registry === guarded ? { Authorization: basic } : {} }).catch(() => undefined);
    }
    await removeFixtureImages(docker);
  });

  it('lists the setting\'s 127.0.0.1:5001 with its catalog a page at a time (by its Link header), the pushed repository among it', async () => {
    api.registries.pageSize = 2;
    const node = await registryNode(open);
    assert.deepStrictEqual([node.description, node.contextValue, node.collapsibleState], ['in settings', 'registry', vscode.TreeItemCollapsibleState.Collapsed]);
    const first = await api.registries.getChildren(node);
    assert.strictEqual(first.length, 3, 'two repositories, then Load more…');
    assert.ok(is.loadMore(first[2]) && first[2].label === 'Load more…');
    const { children, pages } = await everyChild(node);
    const listed = children.filter(is.repository).map((c) => c.repository);
    assert.ok(listed.includes(repository), `${repository} is listed (${listed.join(', ')})`);
    assert.ok(pages.every((n) => n <= 2) && pages.length >= 3, `a page is two at most (${pages.join(', ')})`);
    // The registry's catalog in the registry's order, each once (Link pages follow on from the last name).
    const catalog = ((await (await registryGet(open, '/v2/_catalog?n=1000')).json()) as { repositories: string[] }).repositories;
    assert.deepStrictEqual(listed, catalog.filter((r) => listed.includes(r)), 'in the catalog\'s order');
    assert.strictEqual(new Set(listed).size, listed.length, 'each once');
    assert.ok(listed.length >= catalog.length - 2, `the whole catalog (${listed.length} of ${catalog.length}; others may push meanwhile)`);
    assert.ok(!children.some(is.loadMore), 'no Load more… after the last page');
  });

  it('a repository\'s tags in the registry\'s order, a page at a time (distribution 2.8 sends them all at once: the view still shows two)', async () => {
    api.registries.pageSize = 2;
    const node = await repositoryNode();
    const { children, pages } = await everyChild(node);
    const listed = children.map((c) => String(c.label));
    const registry = ((await (await registryGet(open, `/v2/${repository}/tags/list`)).json()) as { tags: string[] }).tags;
    assert.deepStrictEqual(listed, registry);
    assert.deepStrictEqual(pages, [2, 2, 2, 1], 'seven tags, two a page');
    assert.deepStrictEqual(listed.slice().sort(), ['1', '2', '3', '4', '5', 'multi', 'other']);
    const tag = children[0] as RegistryTagNode;
    assert.deepStrictEqual([tag.contextValue, tag.id, tag.reference], ['registryTag', `registry:${image(String(tag.label))}`, image(String(tag.label))]);
  });

  it('a tag\'s tooltip is read when it is hovered, and says what skopeo inspect reads: digest, platform, compressed size, creation', async () => {
    const node = await tagNode('1');
    assert.strictEqual(node.tooltip, undefined, 'nothing asked of the registry before the hover');
    await api.registries.resolveTreeItem(node, node, new vscode.CancellationTokenSource().token);
    const tooltip = text(node.tooltip);
    const inspect = JSON.parse(await skopeo('inspect', '--tls-verify=false', `docker://${image('1')}`)) as SkopeoInspect;
    // skopeo 1.9 has no LayersData: the sizes are the manifest's, as it reads it.
    const manifest = JSON.parse(await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${image('1')}`)) as { layers: Array<{ size: number }> };
    const compressed = manifest.layers.reduce((n, l) => n + l.size, 0);
    assert.ok(tooltip.startsWith(`${image('1')}\n`), tooltip);
    assert.ok(tooltip.includes(`Digest: ${inspect.Digest}`), tooltip);
    assert.ok(tooltip.includes(`Platform: ${inspect.Os}/${inspect.Architecture}`), tooltip);
    assert.ok(tooltip.includes(`Size content (compressed): `) && tooltip.includes(`(${compressed.toLocaleString('en-US')} bytes)`), `${compressed} bytes: ${tooltip}`);
    assert.ok(tooltip.includes(`Created: ${new Date(inspect.Created).toLocaleString()}`), tooltip);
  });

  it('an index\'s tooltip names its platforms with each one\'s compressed size, and the creation of the engine\'s', async () => {
    const node = await tagNode('multi');
    await api.registries.resolveTreeItem(node, node);
    const tooltip = text(node.tooltip);
    const index = JSON.parse(await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${image('multi')}`)) as { manifests: Array<{ digest: string; platform: { architecture: string } }> };
    assert.ok(tooltip.includes('Platforms: linux/amd64, linux/arm64'), tooltip);
    for (const m of index.manifests) {
      const platform = JSON.parse(await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${open}/${repository}@${m.digest}`)) as { layers: Array<{ size: number }> };
      const compressed = platform.layers.reduce((n, l) => n + l.size, 0);
      assert.ok(tooltip.includes(`(${compressed.toLocaleString('en-US')} bytes), for linux/${m.platform.architecture}`), `linux/${m.platform.architecture}: ${compressed} bytes: ${tooltip}`);
    }
    const amd64 = JSON.parse(await skopeo('inspect', '--tls-verify=false', `docker://${image('1')}`)) as SkopeoInspect;
    assert.ok(tooltip.includes(`Created: ${new Date(amd64.Created).toLocaleString()}, for linux/amd64`), tooltip);
    assert.ok(tooltip.includes(`Digest: ${await (async () => (await registryGet(open, `/v2/${repository}/manifests/multi`, MANIFEST_LIST)).headers.get('docker-content-digest'))()}`), tooltip);
  });

  it('Copy Reference and Copy Digest put the tag\'s reference and the digest it names on the clipboard', async () => {
    const node = await tagNode('2');
    assert.strictEqual(await vscode.commands.executeCommand('strata.registryTag.copyReference', node), image('2'));
    assert.strictEqual(await vscode.env.clipboard.readText(), image('2'));
    const digest = (JSON.parse(await skopeo('inspect', '--tls-verify=false', `docker://${image('2')}`)) as SkopeoInspect).Digest;
    assert.strictEqual(await vscode.commands.executeCommand('strata.registryTag.copyDigest', node), digest);
    assert.strictEqual(await vscode.env.clipboard.readText(), digest);
    assert.deepStrictEqual(menuCommands('strata.registries', node.contextValue), [
      'strata.registryTag.compareWith',
      'strata.registryTag.copyDigest',
      'strata.registryTag.copyReference',
      'strata.registryTag.pull',
      'strata.registryTag.showLayers',
    ]);
    assert.deepStrictEqual(menuCommands('strata.registries', 'loadMore'), []);
    assert.deepStrictEqual(shown, [], 'no message');
  });

  it('Show Layers on a tag opens a Layers panel read from the registry, whose analysis has the image\'s layers', async () => {
    const node = await tagNode('3');
    const panel = await vscode.commands.executeCommand<LayersPanel>('strata.registryTag.showLayers', node);
    assert.ok(panel, 'the command returned the panel');
    panels.push(panel);
    const analysed = nextPosted(api, panel, 'analysis');
    assert.deepStrictEqual([panel.state.kind, panel.state.key, panel.panel.title], ['registry', `registry://${image('3')}`, `Layers: ${image('3')}`]);
    const { analysis } = await analysed;
    const layers = (await docker.getImage(image('3')).inspect()).RootFS.Layers ?? [];
    assert.strictEqual(analysis.layers.length, layers.length, 'every layer of the image');
    assert.ok(analysis.layers.at(-1)?.added === 1 && analysis.layers.at(-1)?.size === 200_000, `the payload's layer (${JSON.stringify(analysis.layers.at(-1))})`);
  });

  it('Compare with… on a tag offers the local images and the repository\'s other tags; another tag opens a Compare panel with both sides from the registry', async () => {
    const node = await tagNode('1');
    const seen = answerQuickPick((items) => items.find((i) => i.label === image('other') && i.description === 'in the registry'));
    const panel = await vscode.commands.executeCommand<ComparePanel>('strata.registryTag.compareWith', node);
    assert.ok(panel, 'the command returned the panel');
    panels.push(panel);
    const offered = seen[0];
    const separators = offered.filter((i) => i.kind === vscode.QuickPickItemKind.Separator).map((i) => i.label);
    assert.deepStrictEqual(separators, ['Local images', `Tags of ${open}/${repository}`]);
    const registryTags = offered.filter((i) => i.description === 'in the registry').map((i) => i.label);
    assert.deepStrictEqual(registryTags.slice().sort(), ['2', '3', '4', '5', 'multi', 'other'].map((t) => image(t)), 'the other tags, not itself');
    assert.ok(offered.some((i) => i.label === image('other') && i.description !== 'in the registry'), 'the local image of that name too');
    assert.deepStrictEqual([panel.state.a.source, panel.state.b.source], [`registry://${image('1')}`, `registry://${image('other')}`]);
    const { comparison } = await nextPosted(api, panel, 'comparison');
    assert.ok(comparison.summary.onlyB.layers >= 2, JSON.stringify(comparison.summary));
  });

  it('Pull on a tag pulls HOST/REPO:TAG to the engine', async () => {
    await docker.getImage(image('4')).remove();
    await assert.rejects(docker.getImage(image('4')).inspect(), /no such image/i);
    const pulled = await vscode.commands.executeCommand('strata.registryTag.pull', await tagNode('4'));
    assert.strictEqual(pulled, image('4'));
    assert.strictEqual((await docker.getImage(image('4')).inspect()).Id, localId);
    assert.deepStrictEqual(shown, [`Pulled ${image('4')}.`]);
  });

  it('Compare with Registry Version: the pushed image is the registry\'s (same digest); rebuilt, it opens a Compare panel whose registry side shows its layers from the registry', async () => {
    const name = image('5');
    const node = await until('the pushed image in the Images view', async () => (await imageNode(api, name).catch(() => undefined)) ?? false);
    assert.match(node.contextValue ?? '', /^image(\.previousBuild)?\.onRegistry$/);
    assert.ok(menuCommands('strata.images', node.contextValue).includes('strata.image.compareWithRegistry'));
    assert.ok(!menuCommands('strata.images', 'image').includes('strata.image.compareWithRegistry'), 'not on an image named on no known registry');
    const digest = await digestOf(open, '5');
    assert.strictEqual(await vscode.commands.executeCommand('strata.image.compareWithRegistry', node), undefined);
    assert.deepStrictEqual(shown, [`${name} is the registry's ${name} (same digest ${digest}).`]);

    const rebuilt = await buildFixtureImage(docker, name, { unique: true, steps: ['RUN echo rebuilt > /rebuilt.txt'] });
    const renewed = await until('the rebuilt image in the Images view', async () => {
      const n = await imageNode(api, name).catch(() => undefined);
      return n?.imageId === rebuilt ? n : false;
    });
    const panel = await vscode.commands.executeCommand<ComparePanel>('strata.image.compareWithRegistry', renewed);
    assert.ok(panel, 'a Compare panel');
    panels.push(panel);
    assert.deepStrictEqual(panel.state.a, { id: rebuilt, title: name });
    assert.deepStrictEqual(panel.state.b, { id: `registry://${name}`, title: `${name} (registry)`, source: `registry://${name}` });
    const { comparison } = await nextPosted(api, panel, 'comparison');
    assert.ok(comparison.counts.added + comparison.counts.removed + comparison.counts.modified > 0, JSON.stringify(comparison.counts));
    // Show Layers on the registry's side: its Layers panel reads it from the registry too.
    const layers = new Promise<LayersMessage>((resolve) => {
      const sub = api.onDidPostToPanel((p) => {
        const m = p.message as LayersMessage;
        if (p.viewType === 'strata.layers' && p.key === `registry://${name}` && (m.type === 'analysis' || m.type === 'error')) {
          sub.dispose();
          resolve(m);
        }
      });
    });
    await panel.channel.receive({ type: 'showLayers', side: 'b' } as never);
    const shownLayers = await layers;
    assert.strictEqual(shownLayers.type, 'analysis', JSON.stringify(shownLayers));
    const opened = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === `Layers: ${name} (registry)`);
    assert.ok(opened, 'the Layers panel is open');
    await vscode.window.tabGroups.close(opened);
  });

  it('the htpasswd registry without credentials says to log in and offers Add Repository…; with the docker CLI\'s login it lists its repositories, and no credential shows', async () => {
    await setRegistries([open, guarded]);
    const refused = await api.registries.getChildren(await registryNode(guarded));
    assert.strictEqual(refused.length, 1);
    const [catalog] = refused;
    assert.ok(is.catalogUnavailable(catalog));
    assert.strictEqual(catalog.label, `The registry ${guarded} needs you to log in to read the list of its repositories: run docker login ${guarded}, then retry.`);
    assert.deepStrictEqual(menuCommands('strata.registries', catalog.contextValue), ['strata.registry.addRepository']);

    // Add Repository… from that node: the setting lists it, and the view shows it (its tags need the login too).
    win.showInputBox = async () => repository;
    assert.strictEqual(await vscode.commands.executeCommand('strata.registry.addRepository', catalog), repository);
    assert.deepStrictEqual(vscode.workspace.getConfiguration('strata').inspect('registries')?.globalValue, [open, { address: guarded, repositories: [repository] }]);
    const listed = await until('the added repository', async () => {
      const children = await api.registries.getChildren(await registryNode(guarded));
      return children.find((c): c is RegistryRepositoryNode => is.repository(c) && c.repository === repository);
    });
    const [needsLogin] = await api.registries.getChildren(listed);
    assert.ok(is.message(needsLogin));
    assert.strictEqual(needsLogin.label, `The registry ${guarded} needs you to log in to read ${repository}: run docker login ${guarded}, then retry.`);

    // docker login: the registry is listed from the CLI's config alone, its catalog read with its credentials.
    await setRegistries([open]);
    let redrawn = false;
    const redraws = api.registries.onDidChangeTreeData(() => (redrawn = true));
    writeDockerConfig({ auths: { [guarded]: { auth: Buffer.from(`${regs.auth.username}:${regs.auth.password}`).toString('base64') } } });
    await until('the view redrawn after the docker config changed', () => redrawn, 10_000).finally(() => redraws.dispose());
    const node = await registryNode(guarded);
    assert.strictEqual(node.description, 'logged in');
    const { children } = await everyChild(node);
    assert.ok(children.some((c) => is.repository(c) && c.repository === repository), children.map((c) => c.label).join(', '));
    const tagsThere = await api.registries.getChildren(children.find((c) => is.repository(c) && c.repository === repository) as RegistryRepositoryNode);
    assert.deepStrictEqual(tagsThere.map((t) => t.label), ['1']);
    await api.registries.resolveTreeItem(tagsThere[0], tagsThere[0]);
    const everything = JSON.stringify([node, ...children, ...tagsThere].map((n) => [n.label, n.description, text(n.tooltip)]));
    assert.ok(!everything.includes(regs.auth.password) && !everything.includes(Buffer.from(`${regs.auth.username}:${regs.auth.password}`).toString('base64')), 'no credential in the view');
    writeDockerConfig(undefined);
    assert.deepStrictEqual(shown, [], 'no pop-up');
  });

  it('the token registry over HTTPS in this extension host, default settings: untrusted until strata.registryCaFiles names its CA, then its tags (Bearer tokens from the docker login), the digest skopeo reads, and Show Layers read from it', async () => {
    const token = regs.token.address;
    const tlsRepository = `strata-test/rv-tls-${runTag('t')}`;
    const pushedTls = await pushFixtureImage('token', tlsRepository, 'tls', { unique: true, payloadBytes: 30_000 });
    const login = registryCredentials('token');
    assert.ok(login);
    writeDockerConfig({ auths: { [token]: { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') } } });
    const strata = vscode.workspace.getConfiguration('strata');
    const savedCa = strata.inspect('registryCaFiles')?.globalValue;
    try {
      await strata.update('registryCaFiles', undefined, vscode.ConfigurationTarget.Global);
      await setRegistries([{ address: token, repositories: [tlsRepository] }]);
      const untrusted = await api.registries.getChildren(await registryNode(token));
      assert.ok(untrusted.length === 1 && is.message(untrusted[0]), `one node says why (${untrusted.map((n) => n.label).join(' | ')})`);
      assert.match(String(untrusted[0].label), new RegExp(`^The registry ${token.replace(/\./g, '\\.')} has a certificate Strata does not trust \\(.+\\): give its CA in strata\\.registryCaFiles`));

      await strata.update('registryCaFiles', [regs.token.caFile], vscode.ConfigurationTarget.Global);
      const repositories = await api.registries.getChildren(await registryNode(token));
      const repoNode = repositories.find((c): c is RegistryRepositoryNode => is.repository(c) && c.repository === tlsRepository);
      assert.ok(repoNode, `${tlsRepository} is under ${token} (${repositories.map((n) => n.label).join(', ')})`);
      const tag = (await api.registries.getChildren(repoNode)).find((c): c is RegistryTagNode => is.tag(c) && c.tag === 'tls');
      assert.ok(tag, 'the pushed tag is listed');
      const inspected = JSON.parse(
        await skopeo('inspect', '--cert-dir', regs.token.certDir, '--creds', `${login.username}:${login.password}`, `docker://${token}/${tlsRepository}:tls`),
      ) as SkopeoInspect;
      assert.strictEqual(inspected.Digest, pushedTls.digest);
      await api.registries.resolveTreeItem(tag, tag, new vscode.CancellationTokenSource().token);
      assert.ok(text(tag.tooltip).includes(`Digest: ${inspected.Digest}`), `the tooltip names ${inspected.Digest}: ${text(tag.tooltip)}`);

      const panel = await vscode.commands.executeCommand<LayersPanel>('strata.registryTag.showLayers', tag);
      assert.ok(panel, 'the command returned the panel');
      panels.push(panel);
      const { analysis } = await nextPosted(api, panel, 'analysis');
      assert.ok(analysis.layers.at(-1)?.added === 1 && analysis.layers.at(-1)?.size === 30_000, `the payload's layer, read over HTTPS (${JSON.stringify(analysis.layers.at(-1))})`);
    } finally {
      await strata.update('registryCaFiles', savedCa, vscode.ConfigurationTarget.Global);
    }
  });

  it('a registry that cannot be reached is one node with its sentence; Add Registry… adds to the setting; with none, the welcome offers it', async () => {
    win.showInputBox = async (options: vscode.InputBoxOptions) => {
      assert.strictEqual(await options.validateInput?.('https://x/y z'), 'Write the registry as host or host:port (for example registry.example.com:5000, or docker.io for Docker Hub).');
      return '127.0.0.1:5999';
    };
    assert.strictEqual(await vscode.commands.executeCommand('strata.registries.add'), '127.0.0.1:5999');
    assert.deepStrictEqual(vscode.workspace.getConfiguration('strata').inspect('registries')?.globalValue, [open, '127.0.0.1:5999']);
    const children = await api.registries.getChildren(await registryNode('127.0.0.1:5999'));
    assert.strictEqual(children.length, 1);
    assert.ok(is.message(children[0]));
    assert.match(String(children[0].label), /^The registry 127\.0\.0\.1:5999 cannot be reached \(ECONNREFUSED\): check that it is up and that its address is right\.$/);
    assert.deepStrictEqual(shown, [], 'no pop-up');

    await setRegistries([]);
    assert.deepStrictEqual(await root(), []);
    const [welcome] = welcomeContents('strata.registries', undefined);
    assert.ok(welcome?.includes('[Add Registry…](command:strata.registries.add)'), welcome);
    await setRegistries([open]);
  });
});
