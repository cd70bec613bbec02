/**
 * An image's layer stack as the views draw it: every build step base first, grouped by
 * the base image each range of steps came from.
 */
import type { Attribution, BaseImage, BuiltOn } from './baseImages';
import type { AlignedStep, Alignment } from './layerAlignment';

export interface StackStep extends AlignedStep {
  /** The base image this step came from; undefined for the image's own steps. */
  base?: BaseImage;
  /** For a filesystem layer: how many local images hold it (this one included). */
  sharedBy?: number;
}

export interface StackGroup {
  /** undefined for the image's own steps, above every base. */
  base?: BaseImage;
  steps: StackStep[];
  layerCount: number;
  size: number;
}

export interface LayerStack {
  imageId: string;
  steps: StackStep[];
  groups: StackGroup[];
  builtOn?: BuiltOn;
  /** False when the history could not be matched to the layers exactly. */
  exact: boolean;
  layerCount: number;
  size: number;
}

/**
 * Cuts the steps where each ancestor's own history ends (its number of history entries,
 * when known and consistent with its layer count), else right after its top layer.
 */
function groupBoundary(steps: AlignedStep[], base: BaseImage, historyLength: number | undefined): number {
  if (historyLength !== undefined && historyLength <= steps.length) {
    const layersBelow = steps.slice(0, historyLength).filter((s) => s.diffId !== undefined).length;
    if (layersBelow === base.layerCount) {
      return historyLength;
    }
  }
  const top = steps.findIndex((s) => s.layerIndex === base.layerCount - 1);
  return top + 1;
}

export function buildLayerStack(
  imageId: string,
  alignment: Alignment,
  attribution: Attribution,
  ancestorHistoryLength: (id: string) => number | undefined = () => undefined,
): LayerStack {
  const steps: StackStep[] = alignment.steps.map((s) => ({
    ...s,
    sharedBy: s.layerIndex !== undefined ? attribution.sharedBy[s.layerIndex] : undefined,
  }));

  const groups: StackGroup[] = [];
  let start = 0;
  const cut = (base: BaseImage | undefined, end: number) => {
    const range = steps.slice(start, Math.max(start, end));
    for (const s of range) {
      s.base = base;
    }
    if (range.length > 0) {
      groups.push({
        base,
        steps: range,
        layerCount: range.filter((s) => s.diffId !== undefined).length,
        size: range.reduce((sum, s) => sum + s.size, 0),
      });
    }
    start = Math.max(start, end);
  };
  for (const base of attribution.ancestors) {
    cut(base, groupBoundary(alignment.steps, base, ancestorHistoryLength(base.id)));
  }
  cut(undefined, steps.length);

  return {
    imageId,
    steps,
    groups,
    builtOn: attribution.builtOn,
    exact: alignment.exact,
    layerCount: steps.filter((s) => s.diffId !== undefined).length,
    size: steps.reduce((sum, s) => sum + s.size, 0),
  };
}
