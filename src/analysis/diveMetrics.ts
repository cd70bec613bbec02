/**
 * Image metrics exactly as dive computes them (dive/filetree/efficiency.go,
 * dive/image/analysis.go), so a user gets the same numbers here as in `dive --ci`:
 *  - a layer's size is the sum of its tar entries' sizes; the image's is the sum of the
 *    layers'; user size is the image size less the first layer's;
 *  - in each layer, the paths that count are the leaves of that layer's own tree;
 *  - a whiteout `.wh.x` counts as path `x`: size 0 when `x` was a file below, the total
 *    size of everything under `x` when it was a folder;
 *  - opaque markers `.wh..wh..opq` are left out (dive drops them);
 *  - per path, over the layers touching it: the cumulative and the smallest size;
 *    efficiency = Σ smallest / Σ cumulative (1 when that is 0); wasted bytes = Σ
 *    cumulative of the paths touched by two or more layers.
 * The trees here follow dive's, not the engine's (opaque folders are not emptied):
 * that simplification is dive's, and only the metrics use it.
 */
import { type LayerEntry, WHITEOUT_PREFIX, isOpaqueMarker } from '../model/layerEntries';

interface DiveNode {
  name: string;
  size: number;
  isDir: boolean;
  children: Map<string, DiveNode>;
}

const newNode = (name: string): DiveNode => ({ name, size: 0, isDir: false, children: new Map() });

/** dive's AddPath: intermediate nodes get an empty payload; the end node's payload is replaced, children kept. */
function addPath(root: DiveNode, path: string, size: number, isDir: boolean): void {
  let node = root;
  for (const part of path.split('/')) {
    let child = node.children.get(part);
    if (!child) {
      child = newNode(part);
      node.children.set(part, child);
    }
    node = child;
  }
  node.size = size;
  node.isDir = isDir;
}

function getNode(root: DiveNode, path: string): DiveNode | undefined {
  let node: DiveNode | undefined = root;
  for (const part of path.split('/')) {
    node = node.children.get(part);
    if (!node) {
      return undefined;
    }
  }
  return node;
}

function removePath(root: DiveNode, path: string): void {
  const parts = path.split('/');
  const parent = parts.length > 1 ? getNode(root, parts.slice(0, -1).join('/')) : root;
  parent?.children.delete(parts[parts.length - 1]);
}

/** Visits children before their parent, in name order, never the root (dive's VisitDepthChildFirst). */
function visitChildFirst(node: DiveNode, path: string, visit: (node: DiveNode, path: string) => void): void {
  for (const name of [...node.children.keys()].sort()) {
    const child = node.children.get(name) as DiveNode;
    visitChildFirst(child, path ? `${path}/${name}` : name, visit);
  }
  if (path !== '') {
    visit(node, path);
  }
}

function layerTree(entries: LayerEntry[]): DiveNode {
  const root = newNode('');
  for (const e of entries) {
    if (!isOpaqueMarker(e.path)) {
      addPath(root, e.path, e.size, e.type === 'dir');
    }
  }
  return root;
}

/** dive's Path(): the whiteout prefix is dropped from the last name only. */
function metricPath(path: string, node: DiveNode): string {
  if (!node.name.startsWith(WHITEOUT_PREFIX)) {
    return path;
  }
  const cut = path.lastIndexOf('/');
  return `${path.slice(0, cut + 1)}${node.name.slice(WHITEOUT_PREFIX.length)}`;
}

export interface WastedPath {
  /** With a leading slash, as dive prints it. */
  path: string;
  /** How many layers touch it. */
  count: number;
  cumulativeSize: number;
  minSize: number;
  /** The layers (0 = base) that touch it, in order. */
  layers: number[];
}

export interface ImageMetrics {
  sizeBytes: number;
  userSizeBytes: number;
  layerSizes: number[];
  efficiency: number;
  wastedBytes: number;
  wastedUserPercent: number;
  /** Paths touched by two or more layers, largest cumulative size first. */
  wastedPaths: WastedPath[];
}

export function computeMetrics(layers: Array<{ entries: LayerEntry[] }>): ImageMetrics {
  const layerSizes = layers.map((l) => l.entries.reduce((sum, e) => sum + e.size, 0));
  const sizeBytes = layerSizes.reduce((a, b) => a + b, 0);
  const userSizeBytes = sizeBytes - (layerSizes[0] ?? 0);

  const paths = new Map<string, WastedPath>();
  const stacked = newNode('');
  layers.forEach((layer, index) => {
    const tree = layerTree(layer.entries);
    visitChildFirst(tree, '', (node, path) => {
      if (node.children.size > 0) {
        return; // only leaves count
      }
      const key = `/${metricPath(path, node)}`;
      let size = node.size;
      if (node.name.startsWith(WHITEOUT_PREFIX)) {
        size = 0;
        const below = getNode(stacked, key.slice(1));
        if (below?.isDir) {
          visitChildFirst(below, key.slice(1), (n) => (size += n.size));
          size += below.size;
        }
      }
      const data = paths.get(key) ?? { path: key, count: 0, cumulativeSize: 0, minSize: -1, layers: [] };
      data.count++;
      data.cumulativeSize += size;
      data.minSize = data.minSize < 0 || size < data.minSize ? size : data.minSize;
      data.layers.push(index);
      paths.set(key, data);
    });
    // Stack this layer onto the ones below for the next layers' whiteouts (dive's Stack).
    visitChildFirst(tree, '', (node, path) => {
      if (node.name.startsWith(WHITEOUT_PREFIX)) {
        removePath(stacked, metricPath(path, node));
      } else {
        addPath(stacked, path, node.size, node.isDir);
      }
    });
  });

  let minimum = 0;
  let discovered = 0;
  let wastedBytes = 0;
  const wastedPaths: WastedPath[] = [];
  for (const data of paths.values()) {
    minimum += data.minSize;
    discovered += data.cumulativeSize;
    if (data.count >= 2) {
      wastedBytes += data.cumulativeSize;
      wastedPaths.push(data);
    }
  }
  wastedPaths.sort((a, b) => b.cumulativeSize - a.cumulativeSize || a.path.localeCompare(b.path));
  return {
    sizeBytes,
    userSizeBytes,
    layerSizes,
    efficiency: discovered === 0 ? 1 : minimum / discovered,
    wastedBytes,
    wastedUserPercent: userSizeBytes === 0 ? 0 : wastedBytes / userSizeBytes,
    wastedPaths,
  };
}
