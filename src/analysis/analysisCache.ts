/**
 * One analysis per image id at a time, kept until the window closes: a second request
 * for an image being analysed waits for the same work; a cancelled one is not kept.
 */
import type { Readable } from 'stream';
import { type ReadOptions, readImageArchive } from './archiveReader';
import { ImageAnalysis } from './imageAnalysis';

export type AnalyzeOptions = ReadOptions;

export class AnalysisCache {
  private readonly done = new Map<string, ImageAnalysis>();
  private readonly running = new Map<string, Promise<ImageAnalysis>>();
  private generation = 0;
  private readonly listeners = new Set<(key: string) => void>();

  /** Called when an analysis is done and kept (the Images view shows its layer sizes then). */
  onDidAnalyze(listener: (key: string) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get(key: string): ImageAnalysis | undefined {
    return this.done.get(key);
  }

  analyze(key: string, open: () => Promise<Readable>, options: AnalyzeOptions = {}): Promise<ImageAnalysis> {
    const cached = this.done.get(key);
    if (cached) {
      return Promise.resolve(cached);
    }
    let running = this.running.get(key);
    if (!running) {
      const generation = this.generation;
      running = (async () => {
        const archive = await readImageArchive(await open(), options);
        return new ImageAnalysis(archive);
      })();
      this.running.set(key, running);
      running.then(
        (analysis) => {
          // Not kept when the cache was cleared meanwhile (another engine).
          if (generation === this.generation) {
            this.done.set(key, analysis);
            this.running.delete(key);
            for (const listener of this.listeners) {
              listener(key);
            }
          }
        },
        () => {
          if (generation === this.generation) {
            this.running.delete(key);
          }
        },
      );
    }
    return running;
  }

  forget(key: string): void {
    this.done.delete(key);
  }

  /** Forgets every analysis (the engine was switched); ones still running are not kept. */
  clear(): void {
    this.generation++;
    this.done.clear();
    this.running.clear();
  }
}
