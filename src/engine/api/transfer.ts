/**
 * Pulls and pushes as the engine reports them: one JSON line per event, per layer
 * (`Downloading` / `Extracting` / `Pushing` with current and total bytes), and failures
 * as `error` lines inside a 200 answer. Gathered here into bytes per layer and a total,
 * and turned into one sentence when it fails.
 */
import type { ImageReference } from '../../model/reference';
import * as l10n from '@vscode/l10n';

export interface LayerTransfer {
  id: string;
  status: string;
  /** Downloaded (pull) or uploaded (push) bytes of the layer, and its size when known. */
  moved: number;
  size?: number;
  /** Pull only: bytes extracted. */
  extracted: number;
  done: boolean;
}

export interface TransferEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** A failure the registry or engine reported in the progress stream. */
export class TransferError extends Error {
  readonly code = 'ETRANSFER';
  constructor(message: string) {
    super(message);
    this.name = 'TransferError';
  }
}

export class TransferTracker {
  private readonly layers = new Map<string, LayerTransfer>();
  /** The last line that was not about a layer ("Digest: …", "Status: …"). */
  summary = '';

  /** Takes one event; throws TransferError for an error line. */
  handle(event: TransferEvent): void {
    if (event.error || event.errorDetail?.message) {
      throw new TransferError(event.errorDetail?.message ?? event.error ?? 'failed');
    }
    const status = event.status ?? '';
    if (!event.id || /^(latest|[\w.-]+): Pulling from|^The push refers to/.test(`${event.id}: ${status}`) || !/^[0-9a-f]{12,}$/.test(event.id)) {
      this.summary = status || this.summary;
      return;
    }
    const layer = this.layers.get(event.id) ?? { id: event.id, status, moved: 0, extracted: 0, done: false };
    layer.status = status;
    const detail = event.progressDetail;
    if (status === 'Downloading' || status === 'Pushing') {
      layer.moved = detail?.current ?? layer.moved;
      layer.size = detail?.total && detail.total > 0 ? detail.total : layer.size;
    } else if (status === 'Extracting') {
      layer.extracted = detail?.current ?? layer.extracted;
      layer.size = detail?.total && detail.total > 0 ? detail.total : layer.size;
      layer.moved = layer.size ?? layer.moved;
    } else if (/^(Download complete|Verifying Checksum)$/.test(status)) {
      layer.moved = layer.size ?? layer.moved;
    } else if (/^(Pull complete|Pushed|Already exists|Layer already exists|Mounted from)/.test(status)) {
      layer.done = true;
      layer.moved = layer.size ?? layer.moved;
      layer.extracted = layer.size ?? layer.extracted;
    }
    this.layers.set(event.id, layer);
  }

  get all(): LayerTransfer[] {
    return [...this.layers.values()];
  }

  /** Bytes moved of the bytes known so far, over every layer; and layers done of all. */
  totals(): { moved: number; size: number; extracted: number; layers: number; done: number } {
    let moved = 0;
    let size = 0;
    let extracted = 0;
    let done = 0;
    for (const l of this.layers.values()) {
      moved += l.moved;
      size += l.size ?? l.moved;
      extracted += l.extracted;
      done += l.done ? 1 : 0;
    }
    return { moved, size, extracted, layers: this.layers.size, done };
  }
}

/** A pull or push that failed, in a sentence naming the registry and what to do. */
export function describeTransferError(message: string, ref: ImageReference, action: 'pull' | 'push', sentCredentials: boolean): string {
  const registry = ref.registry;
  const what = `${ref.name}${ref.tag ? `:${ref.tag}` : ''}`;
  if (/connection refused|no such host|dial tcp|i\/o timeout|network is unreachable|server misbehaving|EOF$/i.test(message)) {
    return l10n.t('The registry {0} cannot be reached ({1}): check that it is up and that its address is right.', registry, message.replace(/^.*?(dial tcp|lookup)/, '$1'));
  }
  if (/unauthorized|authentication required|no basic auth credentials|incorrect username or password|401/i.test(message)) {
    return sentCredentials
      ? l10n.t('The registry {0} refused the credentials for {1}: log in again (docker login {0}) and retry.', registry, what)
      : action === 'pull'
        ? l10n.t('The registry {0} needs you to log in to pull {1}: run docker login {0}, then retry.', registry, what)
        : l10n.t('The registry {0} needs you to log in to push {1}: run docker login {0}, then retry.', registry, what);
  }
  if (action === 'pull' && /manifest unknown|not found|does not exist|repository name not known|no such image/i.test(message)) {
    return `${what} is not in the registry ${registry}: check the name and the tag.`;
  }
  if (action === 'push' && /denied|forbidden|not allowed|requested access to the resource is denied/i.test(message)) {
    return l10n.t('The registry {0} refused the push of {1}: {2}.', registry, what, message);
  }
  return action === 'pull' ? l10n.t('The pull of {0} from {1} failed: {2}', what, registry, message) : l10n.t('The push of {0} to {1} failed: {2}', what, registry, message);
}
