/**
 * Space an image carries that its own later layers hide: a file a layer adds that a
 * later layer removes or overwrites is still in the earlier layer, so in the image.
 * Per layer, the bytes it wastes that way; and each finding (what, how big, which layer
 * added it, which removed or overwrote it), for the Dockerfile's diagnostics.
 */
import type { ImageAnalysis } from './imageAnalysis';

export interface WasteFinding {
  /** The path removed or overwritten (a folder's removal is one finding). */
  path: string;
  size: number;
  /** The layer that added the bytes, and the later one that hid them (0 = base). */
  addedIn: number;
  hiddenIn: number;
  how: 'removed' | 'overwritten';
}

export interface LayerWaste {
  /** Per layer: bytes of its files that later layers hide. */
  wasted: number[];
  /** Per layer: the files (not folders) it adds or changes. */
  files: number[];
  /** Per layer: the paths it removes (a removed folder counts once). */
  removed: number[];
  findings: WasteFinding[];
}

export function layerWaste(analysis: ImageAnalysis): LayerWaste {
  const count = analysis.layers.length;
  const wasted = new Array<number>(count).fill(0);
  const files = new Array<number>(count).fill(0);
  const removed = new Array<number>(count).fill(0);
  const findings = new Map<string, WasteFinding>();
  /** path → the layer that wrote what is there now, and its size. */
  const owners = new Map<string, { layer: number; size: number }>();
  const find = (addedIn: number, hiddenIn: number, path: string, how: WasteFinding['how'], size: number) => {
    const key = `${addedIn}:${hiddenIn}:${path}`;
    const f = findings.get(key) ?? { path: `/${path}`, size: 0, addedIn, hiddenIn, how };
    f.size += size;
    findings.set(key, f);
    wasted[addedIn] += size;
  };
  for (let layer = 0; layer < count; layer++) {
    for (const change of analysis.changesOf(layer)) {
      if (change.kind === 'removed') {
        removed[layer]++;
        const prefix = `${change.path}/`;
        for (const [p, owner] of [...owners]) {
          if (p === change.path || p.startsWith(prefix)) {
            if (owner.size > 0) {
              find(owner.layer, layer, change.path, 'removed', owner.size);
            }
            owners.delete(p);
          }
        }
        continue;
      }
      if (change.type === 'dir') {
        continue;
      }
      files[layer]++;
      const before = owners.get(change.path);
      if (change.kind === 'modified' && before && before.size > 0 && before.layer < layer) {
        find(before.layer, layer, change.path, 'overwritten', before.size);
      }
      owners.set(change.path, { layer, size: change.size });
    }
  }
  return { wasted, files, removed, findings: [...findings.values()].sort((a, b) => b.size - a.size) };
}
