/**
 * A browsable tree of paths for the Layers panel: folders with the total size below them,
 * listed one folder at a time (the panel asks for a folder's children when it is opened),
 * sorted by name or size, filtered by a text that a path must contain.
 */
import type { EntryType } from '../model/layerEntries';
import type { ChangeKind } from './fileSystem';

export interface TreeRow {
  name: string;
  path: string;
  type: EntryType;
  /** A file's size, or the total below a folder. */
  size: number;
  /** What the selected layer did to it; undefined when it did nothing. */
  change?: ChangeKind;
  /** How many entries are below (folders only, after filtering). */
  childCount: number;
  linkTarget?: string;
  /** Comparing two images: the change in bytes (B minus A), summed below a folder. */
  delta?: number;
}

interface Node {
  name: string;
  path: string;
  type: EntryType;
  size: number;
  delta: number;
  change?: ChangeKind;
  linkTarget?: string;
  children: Map<string, Node>;
}

export interface TreeItemInput {
  path: string;
  type: EntryType;
  size: number;
  change?: ChangeKind;
  linkTarget?: string;
  delta?: number;
}

/** `delta`: by the size of the change, largest first (comparing two images). */
export type TreeSort = 'name' | 'size' | 'delta';

export class FileTree {
  private readonly root: Node = { name: '', path: '', type: 'dir', size: 0, delta: 0, children: new Map() };
  readonly count: number;

  constructor(items: Iterable<TreeItemInput>) {
    let count = 0;
    for (const item of items) {
      count++;
      let node = this.root;
      const parts = item.path.split('/');
      parts.forEach((part, i) => {
        let child = node.children.get(part);
        if (!child) {
          const path = parts.slice(0, i + 1).join('/');
          child = { name: part, path, type: 'dir', size: 0, delta: 0, children: new Map() };
          node.children.set(part, child);
        }
        node = child;
      });
      node.type = item.type;
      node.size = item.type === 'dir' ? 0 : item.size;
      node.change = item.change ?? node.change;
      node.linkTarget = item.linkTarget;
      node.delta = item.delta ?? 0;
      if (item.change === 'removed') {
        // A removed folder is shown with the size of what it held, as one row.
        node.size = item.size;
      }
    }
    this.count = count;
    this.sumFolders(this.root);
  }

  private sumFolders(node: Node): number {
    if (node.children.size === 0) {
      return node.size;
    }
    let total = node.type === 'dir' ? 0 : node.size;
    let delta = node.type === 'dir' ? 0 : node.delta;
    for (const child of node.children.values()) {
      total += this.sumFolders(child);
      delta += child.delta;
    }
    node.size = total;
    node.delta = delta;
    return total;
  }

  private find(path: string): Node | undefined {
    if (path === '') {
      return this.root;
    }
    let node: Node | undefined = this.root;
    for (const part of path.split('/')) {
      node = node?.children.get(part);
    }
    return node;
  }

  private matches(node: Node, filter: string): boolean {
    if (node.path.toLowerCase().includes(filter)) {
      return true;
    }
    for (const child of node.children.values()) {
      if (this.matches(child, filter)) {
        return true;
      }
    }
    return false;
  }

  /** The rows directly under `path`. */
  children(path: string, sort: TreeSort = 'name', filter = ''): TreeRow[] {
    const node = this.find(path);
    if (!node) {
      return [];
    }
    const f = filter.trim().toLowerCase();
    const rows: TreeRow[] = [];
    for (const child of node.children.values()) {
      if (f && !this.matches(child, f)) {
        continue;
      }
      rows.push({
        name: child.name,
        path: child.path,
        type: child.children.size > 0 ? 'dir' : child.type,
        size: child.size,
        change: child.change,
        childCount: f ? [...child.children.values()].filter((c) => this.matches(c, f)).length : child.children.size,
        linkTarget: child.linkTarget,
        ...(child.delta ? { delta: child.delta } : {}),
      });
    }
    const byName = (a: TreeRow, b: TreeRow) => a.name.localeCompare(b.name);
    const order: Record<TreeSort, (a: TreeRow, b: TreeRow) => number> = {
      name: byName,
      size: (a, b) => b.size - a.size || byName(a, b),
      delta: (a, b) => Math.abs(b.delta ?? 0) - Math.abs(a.delta ?? 0) || b.size - a.size || byName(a, b),
    };
    return rows.sort(order[sort]);
  }
}
