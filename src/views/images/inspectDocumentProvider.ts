import * as vscode from 'vscode';
import type { EngineRef } from '../../engine/activeEngine';

export const INSPECT_SCHEME = 'strata-inspect';

/**
 * Read-only documents with the engine's JSON for an image or a container
 * (`strata-inspect:/image/NAME.json?ID`). Documents of a custom scheme cannot be edited,
 * so nothing asks to be saved; reopening asks the engine again.
 */
export class InspectDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly ref: EngineRef) {}

  static uri(kind: 'image' | 'container', name: string, id: string): vscode.Uri {
    const safe = name.replace(/[/\\:]/g, '_');
    return vscode.Uri.from({ scheme: INSPECT_SCHEME, path: `/${kind}/${safe}.json`, query: `${kind}=${encodeURIComponent(id)}` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const params = new URLSearchParams(uri.query);
    const image = params.get('image');
    const container = params.get('container');
    const engine = this.ref.engine;
    try {
      const info = image ? await engine.inspectImage(image) : await engine.inspectContainer(container ?? '');
      return `${JSON.stringify(info, null, 2)}\n`;
    } catch (err) {
      return `// ${engine.describeError(err).message}\n`;
    }
  }
}

export async function openInspectDocument(uri: vscode.Uri): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.languages.setTextDocumentLanguage(doc, 'json');
  await vscode.window.showTextDocument(doc, { preview: true });
}
