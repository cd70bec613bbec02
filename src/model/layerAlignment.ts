/**
 * Which history entry made which layer. The engine's history (GET /images/{id}/history)
 * has one entry per build step, newest first, but does not say which steps made a
 * filesystem layer; RootFS.Layers lists the layers' diff ids, base first. The image
 * config records it (`history[].empty_layer`), but only the export carries the config.
 *
 * The engine fills an entry's Size only for steps that made a layer, so every entry with
 * a size made one. A step of size 0 may have made an empty layer (`RUN rm …`) or none
 * (`CMD`). The exact count of layers settles most of it; where several choices fit the
 * count, the kind of step decides: RUN/COPY/ADD make layers, CMD/ENV/LABEL… do not,
 * WORKDIR does only when it creates its folder. A dynamic programme over (entry, layer)
 * finds the choice that fits the count with the most likely kinds.
 */
import { type BuildStep, parseBuildStep } from './buildStep';

/** One history entry as the engine returns it. */
export interface RawHistoryEntry {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags?: string[] | null;
  Size: number;
  Comment?: string;
}

export interface AlignedStep {
  /** Position among all steps, 0 = first (base) step. */
  index: number;
  step: BuildStep;
  /** The history entry's full `created_by`. */
  createdBy: string;
  created: Date;
  size: number;
  /** The diff id of the layer this step made; undefined for a metadata step. */
  diffId?: string;
  /** Position among filesystem layers, 0 = base layer; undefined for a metadata step. */
  layerIndex?: number;
}

export interface Alignment {
  steps: AlignedStep[];
  /** False when no assignment fits the counts (a damaged or unusual image): best effort shown. */
  exact: boolean;
}

/** The diff id of a layer with no changes (a tar of two zero blocks). */
export const EMPTY_LAYER_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

const IMPOSSIBLE = Number.NEGATIVE_INFINITY;

/**
 * Commands that change files even when they add no bytes (a folder, a removal, a mode).
 * A RUN that changed nothing makes no layer (the engine marks it empty), so a zero-size
 * RUN without one of these is more likely a metadata-like step (`RUN true`, `RUN echo hi`).
 */
const CHANGES_FILES = /\b(mkdir|rm|rmdir|touch|chmod|chown|chgrp|ln|mv|cp|install|useradd|adduser|groupadd|addgroup|userdel|deluser|tar|unzip|git|apt|apt-get|apk|dnf|yum|pip3?|npm|yarn|sed\s+-i|truncate|mkfifo|mknod|setcap)\b|>/;

/** How likely a step of this kind and size made a layer (higher = more likely). */
function layerScore(step: BuildStep, size: number, diffId: string): number {
  if (size > 0) {
    return 0;
  }
  const emptyBonus = diffId === EMPTY_LAYER_DIFF_ID ? 1 : 0;
  switch (step.kind) {
    case 'filesystem':
      if (step.instruction === 'RUN') {
        return (CHANGES_FILES.test(step.text.slice(4)) ? 2 : -1) + emptyBonus;
      }
      return 2 + emptyBonus;
    case 'either':
      return 0 + emptyBonus;
    case 'metadata':
      return -3;
  }
}

function metadataScore(step: BuildStep, size: number): number {
  if (size > 0) {
    return IMPOSSIBLE;
  }
  switch (step.kind) {
    case 'filesystem':
      return step.instruction === 'RUN' && !CHANGES_FILES.test(step.text.slice(4)) ? 1 : -2;
    case 'either':
      return 1;
    case 'metadata':
      return 2;
  }
}

/** A known split: the first `historyLength` steps made exactly the first `layerCount` layers. */
export interface AlignmentAnchor {
  historyLength: number;
  layerCount: number;
}

/** Best choice of layer-making steps for entries [from, to) over layers [first, last); undefined if none fits. */
function alignSegment(
  entries: RawHistoryEntry[],
  steps: BuildStep[],
  diffIds: string[],
  from: number,
  to: number,
  first: number,
  last: number,
): boolean[] | undefined {
  const n = to - from;
  const m = last - first;
  if (m < 0 || n < 0) {
    return undefined;
  }
  // best[i][j]: best score placing the first i entries of the segment over its first j layers.
  const best: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(IMPOSSIBLE));
  const took: boolean[][] = Array.from({ length: n + 1 }, () => new Array<boolean>(m + 1).fill(false));
  best[0][0] = 0;
  for (let i = 1; i <= n; i++) {
    const size = Math.max(0, entries[from + i - 1].Size || 0);
    const step = steps[from + i - 1];
    for (let j = 0; j <= Math.min(i, m); j++) {
      const skip = best[i - 1][j] + metadataScore(step, size);
      const take = j > 0 ? best[i - 1][j - 1] + layerScore(step, size, diffIds[first + j - 1]) : IMPOSSIBLE;
      if (take !== IMPOSSIBLE && take >= skip) {
        best[i][j] = take;
        took[i][j] = true;
      } else {
        best[i][j] = skip;
      }
    }
  }
  if (best[n][m] === IMPOSSIBLE) {
    return undefined;
  }
  const makesLayer = new Array<boolean>(n).fill(false);
  for (let i = n, j = m; i >= 1; i--) {
    if (took[i][j]) {
      makesLayer[i - 1] = true;
      j--;
    }
  }
  return makesLayer;
}

/**
 * Aligns `history` (newest first, as the engine returns it) with `diffIds` (base first).
 * `anchors` are splits known from base images (their own history and layer count), which
 * settle the choices below them exactly. Returns the steps base first.
 */
export function alignLayers(history: RawHistoryEntry[], diffIds: string[], anchors: AlignmentAnchor[] = []): Alignment {
  const entries = [...history].reverse();
  const steps = entries.map((e) => parseBuildStep(e.CreatedBy, e.Comment));
  const n = entries.length;
  const m = diffIds.length;
  const result: AlignedStep[] = entries.map((e, i) => ({
    index: i,
    step: steps[i],
    createdBy: e.CreatedBy ?? '',
    created: new Date(e.Created * 1000),
    size: Math.max(0, e.Size || 0),
  }));

  const cuts = anchors
    .filter((a) => a.historyLength > 0 && a.historyLength < n && a.layerCount <= m)
    .sort((a, b) => a.historyLength - b.historyLength)
    .filter((a, i, all) => i === 0 || (a.historyLength > all[i - 1].historyLength && a.layerCount >= all[i - 1].layerCount));
  const bounds = [{ historyLength: 0, layerCount: 0 }, ...cuts, { historyLength: n, layerCount: m }];

  const tryAlign = (segments: AlignmentAnchor[]): boolean[] | undefined => {
    const makesLayer: boolean[] = [];
    for (let k = 1; k < segments.length; k++) {
      const part = alignSegment(entries, steps, diffIds, segments[k - 1].historyLength, segments[k].historyLength, segments[k - 1].layerCount, segments[k].layerCount);
      if (!part) {
        return undefined;
      }
      makesLayer.push(...part);
    }
    return makesLayer;
  };

  // Anchors that do not fit (a base rebuilt under the same layers…) are dropped, not trusted.
  const makesLayer = tryAlign(bounds) ?? tryAlign([bounds[0], bounds[bounds.length - 1]]);
  if (!makesLayer) {
    // More sized steps than layers, or fewer steps than layers: pair the sized steps with
    // layers in order as far as they go, and say the result is not exact.
    let j = 0;
    for (const s of result) {
      if (s.size > 0 && j < m) {
        s.diffId = diffIds[j];
        s.layerIndex = j++;
      }
    }
    return { steps: result, exact: false };
  }
  let j = 0;
  makesLayer.forEach((isLayer, i) => {
    if (isLayer) {
      result[i].diffId = diffIds[j];
      result[i].layerIndex = j++;
    }
  });
  return { steps: result, exact: true };
}
