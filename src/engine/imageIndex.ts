/**
 * What Strata knows of the engine's images: the list, and per image id its layers and
 * history. An image id is the digest of its config, so layers and history never change
 * for an id and are cached until the image is deleted; names (tags) do change, and come
 * from the latest list.
 */
import { type ImageLayers, attributeLayers } from '../model/baseImages';
import type { EngineRef } from './activeEngine';
import type { Engine } from './api/engine';
import type { ImageSummary } from '../model/images';
import { type AlignmentAnchor, type RawHistoryEntry, alignLayers } from '../model/layerAlignment';
import { type LayerStack, buildLayerStack } from '../model/layerStack';

export interface ImageDetails {
  id: string;
  created: Date;
  diffIds: string[];
  labels: Record<string, string>;
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One request per key at a time, kept when it succeeds, forgotten when it fails. */
function memo<T>(cache: Map<string, Promise<T>>, key: string, fetch: () => Promise<T>): Promise<T> {
  let cached = cache.get(key);
  if (!cached) {
    cached = fetch();
    cached.catch(() => cache.delete(key));
    cache.set(key, cached);
  }
  return cached;
}

/** Whether `prefix` (base first) is the start of `steps` (base first): same steps, same times. */
function isHistoryPrefix(prefix: RawHistoryEntry[], steps: RawHistoryEntry[]): boolean {
  return (
    prefix.length <= steps.length &&
    prefix.every((p, i) => p.CreatedBy === steps[i].CreatedBy && p.Created === steps[i].Created)
  );
}

export class ImageIndex {
  private latest: ImageSummary[] | undefined;
  private readonly details = new Map<string, Promise<ImageDetails>>();
  private readonly histories = new Map<string, Promise<RawHistoryEntry[]>>();
  /** Details already answered (a synchronous view of `details`). */
  private readonly resolved = new Map<string, ImageDetails>();
  /** Every listed image's layers, asked once per list in the background (see warm). */
  private warming: Promise<ImageLayers[]> | undefined;
  private warmed = false;
  /** The engine the caches above describe; another one (a switch) empties them. */
  private cachedFor: Engine | undefined;

  constructor(private readonly ref: EngineRef) {}

  /** The engine asked now; when it is not the one the caches were filled from, they are dropped. */
  get engine(): Engine {
    const engine = this.ref.engine;
    if (engine !== this.cachedFor) {
      this.clear();
      this.cachedFor = engine;
    }
    return engine;
  }

  /** The platform the engine runs ("linux/amd64"), known after the first list. */
  platform: string | undefined;

  /** Forgets everything (the engine was switched). */
  clear(): void {
    this.latest = undefined;
    this.platform = undefined;
    this.details.clear();
    this.histories.clear();
    this.resolved.clear();
    this.warming = undefined;
    this.warmed = false;
  }

  /**
   * Inspects every listed image in the background (8 at a time), once per list: what base
   * images are attributed from. Expanding an image does not wait for it; its bases are
   * added when it is done.
   */
  warm(): Promise<ImageLayers[]> {
    if (!this.warming) {
      const warming = this.allLayers();
      this.warming = warming;
      warming.then(
        () => this.warming === warming && (this.warmed = true),
        () => this.warming === warming && (this.warming = undefined),
      );
    }
    return this.warming;
  }

  /** Whether every listed image's layers are known (bases can be attributed fully). */
  get isWarm(): boolean {
    return this.warmed;
  }

  /** The layers known so far, without asking the engine. */
  knownLayers(): ImageLayers[] {
    return (this.latest ?? []).flatMap((image) => {
      const d = this.resolved.get(image.id);
      return d ? [{ id: image.id, references: image.repoTags, created: image.created, diffIds: d.diffIds, labels: d.labels }] : [];
    });
  }

  /** Asks the engine for the list (one request) and remembers it. */
  async list(): Promise<ImageSummary[]> {
    const engine = this.engine;
    const images = await engine.listImages();
    if (engine !== this.cachedFor) {
      return images; // switched meanwhile: not this engine's list to keep
    }
    this.latest = images;
    this.platform = (await engine.capabilities()).platform; // asked by the list already
    // A new list: what is listed may have changed, so the warm-up is asked anew.
    this.warming = undefined;
    this.warmed = false;
    const alive = new Set(images.map((i) => i.id));
    // Whatever is no longer a listed image may be gone: drop it, it is cheap to ask again.
    for (const id of this.details.keys()) {
      if (!alive.has(id)) {
        this.forget(id);
      }
    }
    return images;
  }

  /** The last list fetched, fetching one if there is none yet. */
  async current(): Promise<ImageSummary[]> {
    return this.latest ?? this.list();
  }

  forget(id: string): void {
    this.details.delete(id);
    this.histories.delete(id);
    this.resolved.delete(id);
  }

  imageDetails(id: string): Promise<ImageDetails> {
    const engine = this.engine;
    return memo(this.details, id, async () => {
      const raw = await engine.inspectImage(id);
      const details = { id: raw.Id, created: new Date(raw.Created), diffIds: raw.RootFS?.Layers ?? [], labels: raw.Config?.Labels ?? {} };
      if (engine === this.cachedFor) {
        this.resolved.set(id, details);
      }
      return details;
    });
  }

  history(id: string): Promise<RawHistoryEntry[]> {
    const engine = this.engine;
    return memo(this.histories, id, () => engine.imageHistory(id));
  }

  /** Layers of every listed image (the ones already known are not asked again). */
  async allLayers(): Promise<ImageLayers[]> {
    const images = await this.current();
    const layers = await mapLimit(images, 8, async (image): Promise<ImageLayers | undefined> => {
      try {
        const d = await this.imageDetails(image.id);
        return { id: image.id, references: image.repoTags, created: image.created, diffIds: d.diffIds, labels: d.labels };
      } catch {
        return undefined; // deleted meanwhile
      }
    });
    return layers.filter((l): l is ImageLayers => l !== undefined);
  }

  /**
   * The stack of one image: its inspect and history in parallel, aligned and attributed.
   * With `waitForBases: false` (the tree, right after activation) it does not wait for
   * every image to be inspected: bases are attributed from what is known (`complete`
   * says whether that was everything), and the caller asks again after `warm()`.
   */
  async layerStack(id: string, options: { waitForBases?: boolean } = {}): Promise<LayerStack & { complete: boolean }> {
    const wait = options.waitForBases ?? true;
    const [details, history, all] = await Promise.all([this.imageDetails(id), this.history(id), wait ? this.warm() : Promise.resolve(undefined)]);
    const complete = wait || this.isWarm;
    return { ...(await this.stackOf(id, details, history, all ?? this.knownLayers())), complete };
  }

  private async stackOf(id: string, details: ImageDetails, history: RawHistoryEntry[], all: ImageLayers[]): Promise<LayerStack> {
    const summary = this.latest?.find((i) => i.id === id);
    const target: ImageLayers = {
      id,
      references: summary?.repoTags ?? [],
      created: details.created,
      diffIds: details.diffIds,
      labels: details.labels,
    };
    const attribution = attributeLayers(target, all);
    // A base's own history is the first part of this image's: where it ends, and with how
    // many layers, settles the alignment below it and where each base's group ends. For
    // images built here, the entry where a base ends carries that base's image id; only
    // when it does not (loaded images: "<missing>") is the base's own history asked for.
    const steps = [...history].reverse();
    const anchors: AlignmentAnchor[] = [];
    const lengths = new Map<string, number>();
    await Promise.all(
      attribution.ancestors.map(async (a) => {
        const at = steps.findIndex((h) => h.Id === a.id);
        let length: number | undefined = at >= 0 ? at + 1 : undefined;
        if (length === undefined) {
          const own = await this.history(a.id).catch(() => undefined);
          length = own && isHistoryPrefix([...own].reverse(), steps) ? own.length : undefined;
        }
        if (length !== undefined) {
          lengths.set(a.id, length);
          anchors.push({ historyLength: length, layerCount: a.layerCount });
        }
      }),
    );
    return buildLayerStack(id, alignLayers(history, details.diffIds, anchors), attribution, (a) => lengths.get(a));
  }
}
