import * as vscode from 'vscode';
import { LayersPanel, type LayersPanelDeps } from '../../panels/layersPanel';

/** Strata: Analyze Image Archive… — a `docker save` / OCI `.tar` from disk, in the Layers panel. */
export async function analyzeArchive(deps: LayersPanelDeps, uri?: vscode.Uri): Promise<LayersPanel | undefined> {
  const file =
    uri ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: vscode.l10n.t('Analyze'),
        title: vscode.l10n.t('Image archive to analyze (docker save, OCI layout)'),
        filters: { [vscode.l10n.t('Image archives')]: ['tar'], [vscode.l10n.t('All files')]: ['*'] },
      })
    )?.[0];
  if (!file) {
    return undefined;
  }
  return LayersPanel.show(deps, LayersPanel.stateOf(file.fsPath, 'archive', file.fsPath));
}
