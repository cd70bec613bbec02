/**
 * Pull Image…, Tag…, Push… and Prune…. References are checked by the reference grammar as
 * they are typed; pulls and pushes show bytes per layer and a total in a cancellable
 * notification; credentials come from the docker CLI's config (never shown or logged);
 * prune says first how many and how much, and after, the space reclaimed.
 */
import * as vscode from 'vscode';
import { credentialsFor } from '../engine/credentials';
import type { DockerEngine } from '../engine/dockerEngine';
import { formatBytes } from '../engine/format';
import type { ImageIndex } from '../engine/imageIndex';
import { imageRef, splitReference } from '../engine/images';
import { type ImageReference, parseReference } from '../engine/reference';
import { TransferError, TransferTracker, describeTransferError } from '../engine/transfer';
import type { ImageNode } from '../views/imageNode';
import { imageFromNodeOrPick } from './pickImage';
import { CommandError, failed } from './registerCommand';

export interface RegistryDeps {
  engine: DockerEngine;
  index: ImageIndex;
  /** Called after the images changed (the view also follows the engine's events). */
  onChanged(): void;
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
  const verb = action === 'pull' ? 'Pulling' : 'Pushing';
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${verb} ${text(ref)}`, cancellable: true }, async (progress, token) => {
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
      const extracting = action === 'pull' && t.extracted > 0 ? `, ${formatBytes(t.extracted)} extracted` : '';
      // Bytes per layer for the layers under way (two at most: the notification is one line).
      const moving = tracker.all
        .filter((l) => !l.done && l.moved > 0)
        .slice(0, 2)
        .map((l) => `${l.id.slice(0, 12)} ${formatBytes(action === 'pull' && l.extracted > 0 ? l.extracted : l.moved)}${l.size ? `/${formatBytes(l.size)}` : ''}${action === 'pull' && l.extracted > 0 ? ' extracted' : ''}`);
      if (t.layers === 0) {
        // Before the registry named the layers: what the engine says it is doing.
        progress.report({ message: tracker.summary || 'asking the registry…' });
        return;
      }
      progress.report({
        message: `${formatBytes(t.moved)} of ${formatBytes(t.size)}, ${t.done} of ${t.layers} layer${t.layers === 1 ? '' : 's'} done${extracting}${moving.length ? ` · ${moving.join(', ')}` : ''}`,
        increment: percent - shown,
      });
      shown = percent;
    }, abort.signal);
  });
  return tracker;
}

function transferFailed(err: unknown, ref: ImageReference, action: 'pull' | 'push', sent: boolean): CommandError {
  if (err instanceof TransferError && err.message === 'cancelled') {
    return new CommandError(`The ${action} of ${text(ref)} was cancelled.`);
  }
  const message = (err as { json?: { message?: string } }).json?.message ?? (err instanceof Error ? err.message : String(err));
  // Only engine answers (a refused connection to the engine itself) go to the engine's sentence.
  if (!(err instanceof TransferError) && (err as { statusCode?: number }).statusCode === undefined) {
    return failed(`The ${action} of ${text(ref)} could not start`, err);
  }
  return new CommandError(describeTransferError(message, ref, action, sent), { cause: err });
}

/** Strata: Pull Image… (a reference given, e.g. by a test or a link, is not asked for). */
export async function pullImage(deps: RegistryDeps, given?: string): Promise<string | undefined> {
  const parsed = given === undefined ? undefined : parseReference(given);
  if (parsed && !parsed.ok) {
    throw new CommandError(parsed.error);
  }
  const ref = parsed?.ok ? parsed.reference : await askReference('Image to pull');
  if (!ref) {
    return undefined;
  }
  const auth = await credentialsFor(ref.registry);
  try {
    await transfer('pull', ref, (onEvent, signal) => deps.engine.pullImage(text(ref), { auth, onEvent, signal }));
  } catch (err) {
    throw transferFailed(err, ref, 'pull', auth !== undefined);
  }
  deps.onChanged();
  void vscode.window.showInformationMessage(`Pulled ${text(ref)}.`);
  return text(ref);
}

/** Tag…: another name for an image (asked, checked as typed). */
export async function tagImage(deps: RegistryDeps, node?: ImageNode): Promise<string | undefined> {
  const entry = await imageFromNodeOrPick(deps.index, node, 'Image to tag');
  if (!entry) {
    return undefined;
  }
  const ref = await askReference(`New name for ${entry.reference}`, entry.dangling ? '' : entry.reference);
  if (!ref) {
    return undefined;
  }
  const { repository, tag } = splitReference(text(ref));
  await deps.engine.tagImage(imageRef(entry), repository, tag).catch((err: unknown) => {
    throw failed(`${entry.reference} could not be tagged ${text(ref)}`, err);
  });
  deps.onChanged();
  return text(ref);
}

/** Push…: the image's name as it is, or a new one (tagged first) when it names no registry. */
export async function pushImage(deps: RegistryDeps, node?: ImageNode): Promise<string | undefined> {
  const entry = await imageFromNodeOrPick(deps.index, node, 'Image to push');
  if (!entry) {
    return undefined;
  }
  const ref = await askReference(`Push ${entry.reference} as`, entry.dangling ? '' : entry.reference);
  if (!ref) {
    return undefined;
  }
  const name = text(ref);
  if (name !== entry.reference) {
    const { repository, tag } = splitReference(name);
    await deps.engine.tagImage(imageRef(entry), repository, tag).catch((err: unknown) => {
      throw failed(`${entry.reference} could not be tagged ${name}`, err);
    });
  }
  const auth = await credentialsFor(ref.registry);
  try {
    await transfer('push', ref, (onEvent, signal) => deps.engine.pushImage(name, { auth, onEvent, signal }));
  } catch (err) {
    throw transferFailed(err, ref, 'push', auth !== undefined);
  }
  deps.onChanged();
  void vscode.window.showInformationMessage(`Pushed ${name} to ${ref.registry}.`);
  return name;
}

/** Prune…: stopped containers and dangling images, after a confirmation that says how many and how much. */
export async function prune(deps: RegistryDeps): Promise<{ containers: number; images: number; reclaimed: number } | undefined> {
  const found = await deps.engine.pruneCandidates().catch((err: unknown) => {
    throw failed('Strata could not see what there is to prune', err);
  });
  if (found.containers.length === 0 && found.images.length === 0) {
    void vscode.window.showInformationMessage('Nothing to prune: there are no stopped containers and no dangling images.');
    return { containers: 0, images: 0, reclaimed: 0 };
  }
  const bytes = found.containers.reduce((n, c) => n + c.size, 0) + found.images.reduce((n, i) => n + i.size, 0);
  const what = [
    found.containers.length ? `${found.containers.length} stopped container${found.containers.length === 1 ? '' : 's'}` : '',
    found.images.length ? `${found.images.length} dangling image${found.images.length === 1 ? '' : 's'}` : '',
  ].filter(Boolean).join(' and ');
  const choice = await vscode.window.showWarningMessage(
    `Remove ${what}?`,
    { modal: true, detail: `About ${formatBytes(bytes)} (less when layers are shared with images that stay). This cannot be undone.` },
    'Prune',
  );
  if (choice !== 'Prune') {
    return undefined;
  }
  const result = await deps.engine.prune().catch((err: unknown) => {
    throw failed('Pruning failed', err);
  });
  deps.onChanged();
  void vscode.window.showInformationMessage(`Pruned ${result.containers} container${result.containers === 1 ? '' : 's'} and ${result.images} image${result.images === 1 ? '' : 's'}: ${formatBytes(result.reclaimed)} reclaimed.`);
  return result;
}
