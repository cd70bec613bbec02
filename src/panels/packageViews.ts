/** An image's packages per layer as the Layers panel's webview shows them. */
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import type { InstalledPackage } from '../model/packages';
import type { PackageView, PackagesView } from '../protocol/layersProtocol';

function packageView(p: InstalledPackage): PackageView {
  return { ecosystem: p.ecosystem, name: p.name, version: p.version, ...(p.installedSize !== undefined ? { size: p.installedSize } : {}) };
}

/** Largest first; those without a size last, by name. */
export function bySize<T extends { size?: number; name: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => (b.size ?? -1) - (a.size ?? -1) || a.name.localeCompare(b.name));
}

export function packagesView(a: ImageAnalysis): PackagesView {
  const layers = a.packages;
  return {
    layers: layers.map((l, i) => ({
      added: bySize(l.added.map(packageView)),
      removed: bySize(l.removed.map(packageView)),
      upgraded: bySize(l.upgraded.map((u) => ({ ...packageView(u.to), from: u.from.version }))),
      problems: a.problemsOf(i),
    })),
    installed: bySize((layers[layers.length - 1]?.installed ?? []).map(packageView)),
  };
}
