import * as vscode from 'vscode';
import { LayersPanel, type LayersPanelDeps } from '../panels/layersPanel';

/** Strata: Analyze Image Archive… — a `docker save` / OCI `.tar` from disk, in the Layers panel. */
export async function analyzeArchive(deps: LayersPanelDeps, uri?: vscode.Uri): Promise<LayersPanel | undefined> {
  const file =
    uri ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Analyze',
        title: 'Image archive to analyze (docker save, OCI layout)',
        filters: { 'Image archives': ['tar'], 'All files': ['*'] },
      })
    )?.[0];
  if (!file) {
    return undefined;
  }
  return LayersPanel.show(deps, LayersPanel.stateOf(file.fsPath, 'archive', file.fsPath));
}
