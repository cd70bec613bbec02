/**
 * Pull Image…, Tag…, Push… and Prune…. References are checked by the reference grammar as
 * they are typed; pulls and pushes show bytes per layer and a total in a cancellable
 * notification; credentials come from the docker CLI's config (never shown or logged);
 * prune says first how many and how much, and after, the space reclaimed.
 */
import * as vscode from 'vscode';
import { credentialsFor } from '../../engine/connect/credentials';
import { isCancelled } from '../../shared/errors';
import type { Engine } from '../../engine/api/engine';
import { formatBytes } from '../../shared/format';
import type { ImageIndex } from '../../engine/imageIndex';
import { imageRef, splitReference } from '../../model/images';
import { type ImageReference, parseReference } from '../../model/reference';
import { TransferError, TransferTracker, describeTransferError } from '../../engine/api/transfer';
import type { ImageNode } from '../../views/images/imageNode';
import { imageFromNodeOrPick } from '../images/pickImage';
import { CommandError, failed } from '../registerCommand';

export interface RegistryDeps {
  engine: Engine;
  index: ImageIndex;
  /** Called after the images changed (the view also follows the engine's events). */
  refreshViews(): void;
}

async function askReference(prompt: string, value = ''): Promise<ImageReference | undefined> {
  const text = await vscode.window.showInputBox({
    prompt,
    value,
    placeHolder: 'registry.example.com:5000/team/app:1.0',
    validateInput: (t) => {
      const r = parseReference(t);
      return r.ok ? undefined : r.error;
    },
  });
  if (text === undefined) {
    return undefined;
  }
  const r = parseReference(text);
  return r.ok ? r.reference : undefined;
}

function text(ref: ImageReference): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ref.digest ? '' : ':latest'}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** Runs a pull or push with a cancellable notification of bytes per layer and in all. */
async function transfer(action: 'pull' | 'push', ref: ImageReference, run: (onEvent: (e: Parameters<TransferTracker['handle']>[0]) => void, signal: AbortSignal) => Promise<void>): Promise<TransferTracker> {
  const tracker = new TransferTracker();
  const title = action === 'pull' ? vscode.l10n.t('Pulling {0}', text(ref)) : vscode.l10n.t('Pushing {0}', text(ref));
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    let shown = 0;
    let last = 0;
    await run((event) => {
      tracker.handle(event);
      const now = Date.now();
      if (now - last < 150) {
        return;
      }
      last = now;
      const t = tracker.totals();
      const percent = t.size > 0 ? (100 * t.moved) / t.size : 0;
      // Bytes per layer for the layers under way (two at most: the notification is one line).
      const moving = tracker.all
        .filter((l) => !l.done && l.moved > 0)
        .slice(0, 2)
        .map((l) => {
          const extracted = action === 'pull' && l.extracted > 0;
          const amount = `${formatBytes(extracted ? l.extracted : l.moved)}${l.size ? `/${formatBytes(l.size)}` : ''}`;
          return extracted ? vscode.l10n.t('{0} {1} extracted', l.id.slice(0, 12), amount) : `${l.id.slice(0, 12)} ${amount}`;
        });
      if (t.layers === 0) {
        // Before the registry named the layers: what the engine says it is doing.
        progress.report({ message: tracker.summary || vscode.l10n.t('asking the registry…') });
        return;
      }
      // Whole sentences for translators: one layer or several, bytes extracted (a pull) or not.
      const args = [formatBytes(t.moved), formatBytes(t.size), t.done, t.layers, formatBytes(t.extracted)];
      const done =
        action === 'pull' && t.extracted > 0
          ? t.layers === 1
            ? vscode.l10n.t('{0} of {1}, {2} of {3} layer done, {4} extracted', ...args)
            : vscode.l10n.t('{0} of {1}, {2} of {3} layers done, {4} extracted', ...args)
          : t.layers === 1
            ? vscode.l10n.t('{0} of {1}, {2} of {3} layer done', ...args)
            : vscode.l10n.t('{0} of {1}, {2} of {3} layers done', ...args);
      progress.report({
        message: `${done}${moving.length ? ` · ${moving.join(', ')}` : ''}`,
        increment: percent - shown,
      });
      shown = percent;
    }, abort.signal);
  });
  return tracker;
}

function transferFailed(err: unknown, ref: ImageReference, action: 'pull' | 'push', sent: boolean): CommandError {
  if (isCancelled(err)) {
    return new CommandError(action === 'pull' ? vscode.l10n.t('The pull of {0} was cancelled.', text(ref)) : vscode.l10n.t('The push of {0} was cancelled.', text(ref)));
  }
  const message = (err as { json?: { message?: string } }).json?.message ?? (err instanceof Error ? err.message : String(err));
  // Only engine answers (a refused connection to the engine itself) go to the engine's sentence.
  if (!(err instanceof TransferError) && (err as { statusCode?: number }).statusCode === undefined) {
    return failed(action === 'pull' ? vscode.l10n.t('The pull of {0} could not start', text(ref)) : vscode.l10n.t('The push of {0} could not start', text(ref)), err);
  }
  return new CommandError(describeTransferError(message, ref, action, sent), { cause: err });
}

/** Strata: Pull Image… (a reference given, e.g. by a test or a link, is not asked for). */
export async function pullImage(deps: RegistryDeps, given?: string): Promise<string | undefined> {
  const parsed = given === undefined ? undefined : parseReference(given);
  if (parsed && !parsed.ok) {
    throw new CommandError(parsed.error);
  }
  const ref = parsed?.ok ? parsed.reference : await askReference(vscode.l10n.t('Image to pull'));
  if (!ref) {
    return undefined;
  }
  const auth = await credentialsFor(ref.registry);
  try {
    await transfer('pull', ref, (onEvent, signal) => deps.engine.pullImage(text(ref), { auth, onEvent, signal }));
  } catch (err) {
    throw transferFailed(err, ref, 'pull', auth !== undefined);
  }
  deps.refreshViews();
  void vscode.window.showInformationMessage(vscode.l10n.t('Pulled {0}.', text(ref)));
  return text(ref);
}

/** Tag…: another name for an image (asked, checked as typed). */
export async function tagImage(deps: RegistryDeps, node?: ImageNode): Promise<string | undefined> {
  const entry = await imageFromNodeOrPick(deps.index, node, vscode.l10n.t('Image to tag'));
  if (!entry) {
    return undefined;
  }
  const ref = await askReference(vscode.l10n.t('New name for {0}', entry.reference), entry.dangling ? '' : entry.reference);
  if (!ref) {
    return undefined;
  }
  const { repository, tag } = splitReference(text(ref));
  await deps.engine.tagImage(imageRef(entry), repository, tag).catch((err: unknown) => {
    throw failed(vscode.l10n.t('{0} could not be tagged {1}', entry.reference, text(ref)), err);
  });
  deps.refreshViews();
  return text(ref);
}

/** Push…: the image's name as it is, or a new one (tagged first) when it names no registry. */
export async function pushImage(deps: RegistryDeps, node?: ImageNode): Promise<string | undefined> {
  const entry = await imageFromNodeOrPick(deps.index, node, vscode.l10n.t('Image to push'));
  if (!entry) {
    return undefined;
  }
  const ref = await askReference(vscode.l10n.t('Push {0} as', entry.reference), entry.dangling ? '' : entry.reference);
  if (!ref) {
    return undefined;
  }
  const name = text(ref);
  if (name !== entry.reference) {
    const { repository, tag } = splitReference(name);
    await deps.engine.tagImage(imageRef(entry), repository, tag).catch((err: unknown) => {
      throw failed(vscode.l10n.t('{0} could not be tagged {1}', entry.reference, name), err);
    });
  }
  const auth = await credentialsFor(ref.registry);
  try {
    await transfer('push', ref, (onEvent, signal) => deps.engine.pushImage(name, { auth, onEvent, signal }));
  } catch (err) {
    throw transferFailed(err, ref, 'push', auth !== undefined);
  }
  deps.refreshViews();
  void vscode.window.showInformationMessage(vscode.l10n.t('Pushed {0} to {1}.', name, ref.registry));
  return name;
}

/** Prune…: stopped containers and dangling images, after a confirmation that says how many and how much. */
export async function prune(deps: RegistryDeps): Promise<{ containers: number; images: number; reclaimed: number } | undefined> {
  const found = await deps.engine.pruneCandidates().catch((err: unknown) => {
    throw failed(vscode.l10n.t('Strata could not see what there is to prune'), err);
  });
  if (found.containers.length === 0 && found.images.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to prune: there are no stopped containers and no dangling images.'));
    return { containers: 0, images: 0, reclaimed: 0 };
  }
  const bytes = found.containers.reduce((n, c) => n + c.size, 0) + found.images.reduce((n, i) => n + i.size, 0);
  const containers = found.containers.length;
  const images = found.images.length;
  const containersText = containers === 1 ? vscode.l10n.t('{0} stopped container', containers) : vscode.l10n.t('{0} stopped containers', containers);
  const imagesText = images === 1 ? vscode.l10n.t('{0} dangling image', images) : vscode.l10n.t('{0} dangling images', images);
  const what = containers && images ? vscode.l10n.t('{0} and {1}', containersText, imagesText) : containers ? containersText : imagesText;
  const pruneLabel = vscode.l10n.t('Prune');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove {0}?', what),
    { modal: true, detail: vscode.l10n.t('About {0} (less when layers are shared with images that stay). This cannot be undone.', formatBytes(bytes)) },
    pruneLabel,
  );
  if (choice !== pruneLabel) {
    return undefined;
  }
  const result = await deps.engine.prune().catch((err: unknown) => {
    throw failed(vscode.l10n.t('Pruning failed'), err);
  });
  deps.refreshViews();
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Pruned {0} and {1}: {2} reclaimed.',
      result.containers === 1 ? vscode.l10n.t('{0} container', result.containers) : vscode.l10n.t('{0} containers', result.containers),
      result.images === 1 ? vscode.l10n.t('{0} image', result.images) : vscode.l10n.t('{0} images', result.images),
      formatBytes(result.reclaimed),
    ),
  );
  return result;
}
