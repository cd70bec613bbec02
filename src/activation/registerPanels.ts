import * as vscode from 'vscode';
import type { Workbench } from './workbench';
import { ComparePanel, ComparePanelSerializer } from '../panels/comparePanel';
import { LayersPanel, LayersPanelSerializer } from '../panels/layersPanel';

/** Both panels come back after a window reload, with the workbench as what they need. */
export function registerPanels(workbench: Workbench): void {
  workbench.context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(LayersPanel.viewType, new LayersPanelSerializer(workbench)),
    vscode.window.registerWebviewPanelSerializer(ComparePanel.viewType, new ComparePanelSerializer(workbench)),
  );
}
