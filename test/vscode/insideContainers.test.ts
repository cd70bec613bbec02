/**
 * Inside containers and registries in a real extension host, against the host's engine
 * and the harness's open registry: Attach Shell's terminal (typing, resizing, the exit
 * code, a stopped container offered a start), Run Interactive, the Files node under a
 * container (folders, sizes, a file opened read-only, the size limit asked), the Pull
 * command (the image then in the Images view; a bad reference and an unknown image each a
 * sentence), and live figures asked only while the Containers view is visible.
 */
import { until } from '../harness/until';
import * as assert from 'assert';
import Docker from 'dockerode';
import * as vscode from 'vscode';
import type { StrataApi } from '../../src/extension';
import type { ContainerFileNode } from '../../src/views/containers/containerFiles';
import type { ContainerNode } from '../../src/views/containers/containerNode';
import { ContainersTreeProvider } from '../../src/views/containers/containersTreeProvider';
import { EngineStatus } from '../../src/views/engines/engineStatus';
import type { ShellTerminal } from '../../src/views/containers/shellTerminal';
import { TEST_LABEL, buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { testRegistries } from '../harness/testEngines';
import { activateStrata, imageNodes } from './helpers/treeHelpers';

type Window = Record<'showErrorMessage' | 'showInformationMessage' | 'showWarningMessage' | 'showQuickPick', unknown>;

describe('inside containers and registries (real extension host)', function () {
  this.timeout(180_000);
  const docker = new Docker();
  const tag = runTag('in');
  const image = `strata-test/inside:${tag}`;
  const regs = testRegistries();
  const labels = { [TEST_LABEL]: String(process.pid) };
  let api: StrataApi;
  const made: string[] = [];
  const win = vscode.window as unknown as Window;
  const real = { ...(['showErrorMessage', 'showInformationMessage', 'showWarningMessage', 'showQuickPick'] as const).reduce((o, k) => ({ ...o, [k]: win[k] }), {} as Window) };
  const messages: string[] = [];

  /** Messages are recorded; the ones answered return the given choice. */
  function answer(kind: 'showInformationMessage' | 'showWarningMessage', choice: string | undefined): void {
    win[kind] = async (message: string) => {
      messages.push(message);
      return choice;
    };
  }

  async function containerNode(id: string): Promise<ContainerNode> {
    api.containers.refresh();
    await api.containers.getChildren();
    return until(`the container ${id.slice(0, 12)} in the view`, () => api.containers.nodeFor(id));
  }

  async function runContainer(started: boolean): Promise<string> {
    const c = await docker.createContainer({ Image: image, Cmd: ['sleep', '600'], Labels: labels });
    made.push(c.id);
    if (started) {
      await c.start();
    }
    return c.id;
  }

  /** What a terminal shows, read from what its pseudoterminal writes (subscribed as it is made, before VS Code opens it). */
  interface WatchedTerminal {
    terminal: vscode.Terminal;
    pty: ShellTerminal;
    output(): string;
    /** The size VS Code or the test last gave the pseudoterminal. */
    dimensions(): vscode.TerminalDimensions | undefined;
  }
  function nextTerminal(): Promise<WatchedTerminal> {
    return new Promise((resolve) => {
      const sub = api.onDidOpenTerminal(({ terminal, pty }) => {
        sub.dispose();
        let text = '';
        let size: vscode.TerminalDimensions | undefined;
        pty.onDidWrite((chunk) => (text += chunk));
        const setDimensions = pty.setDimensions.bind(pty);
        pty.setDimensions = (d) => {
          size = d;
          setDimensions(d);
        };
        resolve({ terminal, pty, output: () => text, dimensions: () => size });
      });
    });
  }

  before(async () => {
    await buildFixtureImage(docker, image, {
      steps: ['RUN mkdir -p /srv/app && echo "hello from the container" > /srv/app/hello.txt && head -c 5000 /dev/zero | tr "\\0" a > /srv/app/big.txt && head -c 300 /dev/zero > /srv/app/zeros.bin', 'CMD ["sh"]'],
    });
    api = await activateStrata();
    win.showErrorMessage = async (message: string) => {
      messages.push(message);
      return undefined;
    };
  });

  afterEach(() => {
    Object.assign(win, { showInformationMessage: real.showInformationMessage, showWarningMessage: real.showWarningMessage, showQuickPick: real.showQuickPick });
  });

  after(async () => {
    Object.assign(win, real);
    for (const id of made) {
      await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
    }
    await removeFixtureImages(docker);
  });

  it('Attach Shell opens a terminal on sh: what is typed runs, resizing reaches the TTY, the exit code is shown', async () => {
    const id = await runContainer(true);
    const opened = nextTerminal();
    await vscode.commands.executeCommand('strata.container.attachShell', await containerNode(id));
    const { terminal, pty, output, dimensions } = await opened;
    assert.match(terminal.name, /\(sh\)$/, 'busybox has no bash: sh');
    await until('the prompt', () => output().includes('#'));
    pty.setDimensions({ columns: 101, rows: 33 });
    await new Promise((r) => setTimeout(r, 300));
    pty.handleInput('stty size; echo strata-$((6*7))\r');
    await until('the command output', () => /strata-42/.test(output().replace(/echo strata-\$\(\(6\*7\)\)/g, '')));
    // The size the TTY has is the last one the terminal gave (ours, or the panel's own if it came later).
    const last = dimensions();
    assert.ok(last);
    assert.match(output(), new RegExp(`\\b${last.rows} ${last.columns}\\b`), `the terminal size (${last.rows} ${last.columns}) reached the TTY`);
    pty.handleInput('exit 3\r');
    await until('the end line', () => output().includes('ended with exit code 3'));
    terminal.dispose();
  });

  it('Attach Shell on a stopped container offers to start it; declining starts nothing', async () => {
    const id = await runContainer(false);
    answer('showInformationMessage', undefined);
    assert.strictEqual(await vscode.commands.executeCommand('strata.container.attachShell', await containerNode(id)), undefined);
    assert.match(messages.at(-1) ?? '', /is not running\. Start it to open a shell in it\?/);
    assert.strictEqual((await docker.getContainer(id).inspect()).State.Running, false, 'not started when declined');

    answer('showInformationMessage', 'Start and Attach');
    const opened = nextTerminal();
    await vscode.commands.executeCommand('strata.container.attachShell', await containerNode(id));
    const { terminal, pty, output } = await opened;
    assert.strictEqual((await docker.getContainer(id).inspect()).State.Running, true, 'started');
    pty.handleInput('echo started-$((1+1))\r');
    await until('the output', () => output().includes('started-2'));
    terminal.dispose(); // closing the terminal ends the exec
    await until('the exec to end', async () => {
      const execs = (await docker.getContainer(id).inspect()).ExecIDs ?? [];
      const states = await Promise.all(execs.map((e) => docker.getExec(e).inspect()));
      return states.every((s) => !s.Running);
    });
  });

  it('Run Interactive runs the image in a terminal, removed when it exits if asked', async () => {
    const node = (await imageNodes(api)).find((n) => n.reference === image);
    assert.ok(node);
    win.showQuickPick = async (items: vscode.QuickPickItem[]) => items.find((i) => i.label.startsWith('Remove'));
    const opened = nextTerminal();
    await vscode.commands.executeCommand('strata.image.runInteractive', node);
    const { terminal, pty, output } = await opened;
    const name = terminal.name.replace(/ \(.*$/, '');
    const running = await until('the container', async () => (await docker.listContainers({ all: true, filters: { name: [name] } }))[0]);
    pty.handleInput('echo interactive-$((2+3)); exit 4\r');
    await until('the end line', () => output().includes('ended with exit code 4'));
    assert.match(output(), /interactive-5/);
    await until('the container to be removed', async () => (await docker.listContainers({ all: true, filters: { id: [running.Id] } })).length === 0);
    terminal.dispose();
  });

  it('Files under a stopped container: folders with sizes, a file opened read-only, a large one asked first, a missing path a sentence', async () => {
    const id = await runContainer(false);
    const node = await containerNode(id);
    assert.strictEqual(node.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const [files] = (await api.containers.getChildren(node)) as ContainerFileNode[];
    assert.strictEqual(files.label, 'Files');
    const top = (await api.containers.getChildren(files)) as ContainerFileNode[];
    const srv = top.find((n) => n.label === 'srv');
    assert.ok(srv, `srv among ${top.map((n) => n.label).join(', ')}`);
    assert.strictEqual(srv.contextValue, 'containerFile.folder');
    const app = ((await api.containers.getChildren(srv)) as ContainerFileNode[]).find((n) => n.label === 'app');
    assert.ok(app);
    const inApp = (await api.containers.getChildren(app)) as ContainerFileNode[];
    assert.deepStrictEqual(
      inApp.map((n) => [n.label, n.entry?.size]),
      [
        ['big.txt', 5000],
        ['hello.txt', 25],
        ['zeros.bin', 300],
      ],
    );
    const [big, hello, zeros] = inApp;
    assert.strictEqual(hello.command?.command, 'strata.containerFile.open', 'a click opens it');

    await vscode.commands.executeCommand('strata.containerFile.open', hello);
    const editor = await until('the file in an editor', () => (vscode.window.activeTextEditor?.document.uri.path === '/srv/app/hello.txt' ? vscode.window.activeTextEditor : undefined));
    assert.strictEqual(editor.document.getText(), 'hello from the container\n');
    assert.strictEqual(editor.document.uri.scheme, 'strata-container');
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(editor.document.uri, Buffer.from('changed'))), 'read-only');
    // A binary file opens as VS Code opens binary files (no error).
    messages.length = 0;
    await vscode.commands.executeCommand('strata.containerFile.open', zeros);
    await until('the binary file in a tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
      return input?.uri?.path === '/srv/app/zeros.bin';
    });
    assert.deepStrictEqual(messages, []);

    // Over the limit: asked first; declined, nothing opens.
    await vscode.workspace.getConfiguration('strata').update('files.openLimit', 1000, vscode.ConfigurationTarget.Global);
    try {
      answer('showWarningMessage', undefined);
      assert.strictEqual(await vscode.commands.executeCommand('strata.containerFile.open', big), undefined);
      assert.match(messages.at(-1) ?? '', /^\/srv\/app\/big\.txt is 5 kB, over the 1 kB set in strata\.files\.openLimit\. Open it anyway\?$/);
      assert.notStrictEqual(vscode.window.activeTextEditor?.document.uri.path, '/srv/app/big.txt', 'not opened when declined');
      answer('showWarningMessage', 'Open');
      await vscode.commands.executeCommand('strata.containerFile.open', big);
      const opened = await until('the large file in an editor', () => (vscode.window.activeTextEditor?.document.uri.path === '/srv/app/big.txt' ? vscode.window.activeTextEditor : undefined));
      assert.strictEqual(opened.document.getText(), 'a'.repeat(5000), `opened when agreed (messages: ${messages.join(' | ')})`);
    } finally {
      await vscode.workspace.getConfiguration('strata').update('files.openLimit', undefined, vscode.ConfigurationTarget.Global);
    }
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.parse(`strata-container://${id}/srv/nothing-here`))), /nothing-here/);
  });

  it('Pull Image… pulls from the registry, and the image appears in the Images view; bad input is a sentence', async () => {
    const pushed = `${regs.open.address}/strata-test/inside-pull`;
    const reference = `${pushed}:${tag}`;
    await docker.getImage(image).tag({ repo: pushed, tag });
    await new Promise<void>((resolve, reject) =>
      docker
        .getImage(reference)
        .push({ authconfig: {} } as object)
        .then((s: NodeJS.ReadableStream) => docker.modem.followProgress(s, (e: Error | null) => (e ? reject(e) : resolve())), reject),
    );
    await docker.getImage(reference).remove();
    assert.ok(!(await imageNodes(api)).some((n) => n.reference === reference), 'not here before the pull');

    const pulled = await vscode.commands.executeCommand<string>('strata.pullImage', reference);
    assert.strictEqual(pulled, reference);
    await until('the pulled image in the Images view', async () => (await imageNodes(api)).some((n) => n.reference === reference));
    await docker.getImage(reference).remove();

    messages.length = 0;
    assert.strictEqual(await vscode.commands.executeCommand('strata.pullImage', 'Not A Reference'), undefined);
    assert.strictEqual(messages[0], '"Not A Reference" has a space in it; a reference has none.');
    messages.length = 0;
    await vscode.commands.executeCommand('strata.pullImage', `${regs.open.address}/strata-test/never-pushed:${tag}`);
    assert.strictEqual(messages[0], `${regs.open.address}/strata-test/never-pushed:${tag} is not in the registry ${regs.open.address}: check the name and the tag.`);
  });

  it('live CPU and memory are asked for only while the Containers view is visible, and shown in the tooltip', async () => {
    const id = await runContainer(true);
    await containerNode(id);
    // Shown, then hidden: what it asked for while shown must stop.
    api.containers.setVisible(true);
    api.containers.setVisible(false);
    // Stats requests are counted where they reach the engine: the product's view asks through
    // api.active, the shown one beside it through a ref of its own.
    const engine = api.active.engine;
    const realStats = engine.containerStats.bind(engine);
    let asked = 0;
    engine.containerStats = (containerId) => {
      asked++;
      return realStats(containerId);
    };
    let shownAsked = 0;
    const shownEngine = Object.create(engine) as typeof engine;
    shownEngine.containerStats = (containerId) => {
      shownAsked++;
      return realStats(containerId);
    };
    // How long to watch for an ask that must not come: as long as a shown view, on the same
    // engine, takes to ask again. Then a hidden view that kept asking would have asked too.
    const log = vscode.window.createOutputChannel('Strata test', { log: true });
    const status = new EngineStatus(api.active, log);
    const shown = new ContainersTreeProvider({ engine: shownEngine }, status);
    try {
      await shown.getChildren();
      shown.setVisible(true);
      await until('the shown view to ask', () => shownAsked > 0);
      const firstAsks = shownAsked;
      await until('the shown view to ask again', () => shownAsked > firstAsks, 30_000);
      assert.strictEqual(asked, 0, 'nothing asked while hidden');
    } finally {
      shown.dispose();
      status.dispose();
      log.dispose();
    }
    api.containers.setVisible(true);
    try {
      await until('a figure in the tooltip', async () => {
        const node = await containerNode(id);
        // The tooltip is Markdown: its text has its punctuation escaped and its spaces as &nbsp;.
        const tooltip = (node.tooltip instanceof vscode.MarkdownString ? node.tooltip.value : String(node.tooltip ?? '')).replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
        return /CPU: \d+\.\d %/.test(tooltip) && /Memory: /.test(tooltip);
      });
      assert.ok(asked > 0, 'the view asks again once shown');
    } finally {
      delete (engine as Partial<typeof engine>).containerStats; // the prototype's again
      api.containers.setVisible(api.containersView.visible);
    }
  });
});
