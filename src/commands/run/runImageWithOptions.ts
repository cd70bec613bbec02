import { imageRef } from '../../model/images';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { ImageIndex } from '../../engine/imageIndex';
import {
  type Parsed,
  type RunOptionsInput,
  defaultPortMappings,
  formatCommand,
  parseBindMounts,
  parseCommand,
  parseContainerName,
  parseEnvironment,
  parsePortMappings,
  parseRunOptions,
} from '../../model/containers/runOptions';
import type { ImageNode } from '../../views/images/imageNode';
import { imageFromNodeOrPick } from '../images/pickImage';
import type { RunHistory } from './runHistory';
import { CommandError } from '../registerCommand';
import { type RunDeps, startRun } from './startRun';

const exists = (p: string) => fs.existsSync(p);

/** One step of the questions: validated as the user types; undefined when cancelled. */
async function ask(
  step: number,
  title: string,
  prompt: string,
  value: string,
  placeHolder: string,
  parse: (text: string) => Parsed<unknown>,
): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `${title} (${step}/6)`,
    prompt,
    value,
    placeHolder,
    ignoreFocusOut: true,
    validateInput: (text) => {
      const p = parse(text);
      return p.ok ? undefined : p.error;
    },
  });
}

/**
 * Strata: Run Image with Options… — name, ports, environment, bind mounts, command and
 * remove-when-stopped, one after another, each checked as typed, pre-filled with the
 * options last used for this image (else the image's exposed ports). Nothing reaches the
 * engine until all are valid; Escape at any step cancels.
 */
export async function runImageWithOptions(
  deps: RunDeps & { index: ImageIndex; history: RunHistory },
  node?: ImageNode,
): Promise<string | undefined> {
  const entry = await imageFromNodeOrPick(deps.index, node, vscode.l10n.t('Image to run with options'));
  if (!entry) {
    return undefined;
  }
  const image = imageRef(entry);
  let config: { ExposedPorts?: Record<string, object>; Env?: string[]; Cmd?: string[] | null; Entrypoint?: string[] | string | null } = {};
  try {
    config = (await deps.engine.inspectImage(image)).Config ?? {};
  } catch {
    // Gone meanwhile: the run says so at the end.
  }
  const last = deps.history.get(image);
  const title = vscode.l10n.t('Run {0}', image);
  const imageCommand = [...(Array.isArray(config.Entrypoint) ? config.Entrypoint : []), ...(config.Cmd ?? [])];

  const name = await ask(1, title, vscode.l10n.t('Container name (empty: the engine picks one)'), last?.name ?? '', 'my-container', parseContainerName);
  if (name === undefined) {
    return undefined;
  }
  const ports = await ask(
    2,
    title,
    vscode.l10n.t('Ports to publish, comma-separated: 8080:80, 127.0.0.1:8080:80, 8080:80/udp, or 80 for a random host port'),
    last?.ports ?? defaultPortMappings(Object.keys(config.ExposedPorts ?? {})),
    vscode.l10n.t('none'),
    parsePortMappings,
  );
  if (ports === undefined) {
    return undefined;
  }
  const imageEnv = (config.Env ?? []).join(', ');
  const env = await ask(
    3,
    title,
    imageEnv
      ? vscode.l10n.t('Environment, KEY=VALUE comma-separated (\\, for a comma in a value). The image already sets: {0}', imageEnv)
      : vscode.l10n.t('Environment, KEY=VALUE comma-separated (\\, for a comma in a value)'),
    last?.env ?? '',
    'KEY=value, OTHER=value',
    parseEnvironment,
  );
  if (env === undefined) {
    return undefined;
  }
  const mounts = await ask(
    4,
    title,
    vscode.l10n.t('Bind mounts, comma-separated: /host/path:/container/path, add :ro for read-only (the host path must exist)'),
    last?.mounts ?? '',
    vscode.l10n.t('none'),
    (t) => parseBindMounts(t, exists),
  );
  if (mounts === undefined) {
    return undefined;
  }
  const command = await ask(
    5,
    title,
    imageCommand.length
      ? vscode.l10n.t("Command instead of the image's own ({0}); empty keeps it", formatCommand(imageCommand))
      : vscode.l10n.t("Command instead of the image's own; empty keeps it"),
    last?.command ?? '',
    imageCommand.length ? formatCommand(imageCommand) : 'sh -c "echo hello"',
    parseCommand,
  );
  if (command === undefined) {
    return undefined;
  }
  const remove = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Keep the container when it stops'), description: vscode.l10n.t('see its logs and exit code later'), remove: false },
      { label: vscode.l10n.t('Remove the container when it stops'), description: '--rm', remove: true },
    ].sort((a, b) => Number(b.remove === (last?.removeWhenStopped ?? false)) - Number(a.remove === (last?.removeWhenStopped ?? false))),
    { title: `${title} (6/6)`, ignoreFocusOut: true },
  );
  if (!remove) {
    return undefined;
  }
  const input: RunOptionsInput = { name, ports, env, mounts, command, removeWhenStopped: remove.remove };
  const parsed = parseRunOptions(image, input, exists);
  if (!parsed.ok) {
    // A bind mount's folder removed between the question and now.
    throw new CommandError(parsed.error);
  }
  await deps.history.remember(image, input);
  return startRun(deps, parsed.value);
}

/** Strata: Run Again — the image with the options last used for it (or the last run at all). */
export async function runAgain(deps: RunDeps & { history: RunHistory }, node?: ImageNode): Promise<string | undefined> {
  const image = node ? imageRef(node.entry) : deps.history.last()?.image;
  const input = image ? deps.history.get(image) : undefined;
  if (!image || !input) {
    void vscode.window.showInformationMessage(
      node
        ? vscode.l10n.t('{0} has not been run with options yet: use Run with Options… first.', image ?? '')
        : vscode.l10n.t('No image has been run with options yet: use Run with Options… first.'),
    );
    return undefined;
  }
  const parsed = parseRunOptions(image, input, exists);
  if (!parsed.ok) {
    throw new CommandError(vscode.l10n.t('The options last used for {0} no longer work: {1}', image, parsed.error));
  }
  return startRun(deps, parsed.value);
}
