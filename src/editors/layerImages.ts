/**
 * The images whose layers' files the editors show, opened once per window: the source a
 * URI's `image` names and its analysis, through the analysis cache (an engine image the
 * Layers panel analysed is in memory under its id, so nothing is exported for it), and the
 * layer blobs through LayerFiles, which keeps them on disk. A second file of an image
 * analysed in this window is read from a layer blob on disk: no export, no analysis.
 */
import type { AnalysisCache } from '../analysis/analysisCache';
import type { Engine } from '../engine/api/engine';
import type { FileReadOptions } from '../analysis/files/layerFileReader';
import { type Registries, analyzeSource, openSource } from '../sources/openSource';
import { type FoundFile, type LayerFiles, LayerFileError, type OpenedImage, findFile } from '../sources/layerFiles';
import type { LayerFileRef } from './layerFileUri';

export interface LayerImagesDeps {
  analyses: AnalysisCache;
  registries: Registries;
  /** The active engine, asked at the time of the call. */
  engine(): Engine;
  /** The platform to read of a multi-platform image (the engine's). */
  platform(): string | undefined;
  files: LayerFiles;
}

/** Images kept open: a few, the most recently used. */
const KEEP = 8;

export class LayerImages {
  private readonly opened = new Map<string, Promise<OpenedImage>>();

  constructor(private readonly deps: LayerImagesDeps) {}

  /** The image a source names, analysed (from memory or disk when it was before). */
  open(image: string, name = image): Promise<OpenedImage> {
    let run = this.opened.get(image);
    if (run) {
      // Used now: the last to be forgotten.
      this.opened.delete(image);
    } else {
      run = this.openNow(image, name);
      run.catch(() => this.opened.delete(image));
    }
    this.opened.set(image, run);
    if (this.opened.size > KEEP) {
      this.opened.delete(this.opened.keys().next().value as string);
    }
    return run;
  }

  private async openNow(image: string, name: string): Promise<OpenedImage> {
    const source = await openSource(image, { registries: this.deps.registries, engine: async () => this.deps.engine() });
    // An archive can be rewritten in place: it is keyed anew (path, size, mtime) at every open.
    if (source.kind === 'archive') {
      this.opened.delete(image);
    }
    const known = source.kind === 'engine' ? this.deps.analyses.get(image) : undefined;
    const analysis = known ?? (await analyzeSource(this.deps.analyses, source, { preferPlatform: this.deps.platform() }));
    return { source, analysis, name };
  }

  /** Forgets what is kept of images (an engine switched: the same id may be another image's). */
  forget(): void {
    this.opened.clear();
  }

  /**
   * The file a reference names: as it is after its layer; one removed by that very layer
   * is the version the layer took away (a removed row in the panel opens what was removed).
   */
  async find(ref: LayerFileRef): Promise<{ image: OpenedImage; found: FoundFile }> {
    const image = await this.open(ref.image, ref.name);
    try {
      return { image, found: findFile(image, ref.path, ref.layer) };
    } catch (err) {
      if (err instanceof LayerFileError && err.problem.code === 'removed' && err.problem.removedIn === ref.layer) {
        return { image, found: findFile(image, ref.path, err.problem.addedIn) };
      }
      throw err;
    }
  }

  /** Whether the file's layer is on this disk already (reading it then takes no export or download). */
  isLocal(image: OpenedImage, found: FoundFile): Promise<boolean> {
    return this.deps.files.isLocal(image, found);
  }

  read(image: OpenedImage, found: FoundFile, options?: FileReadOptions): Promise<Buffer> {
    return this.deps.files.read(image, found, options);
  }
}
