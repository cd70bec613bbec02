import * as crypto from 'crypto';
import * as vscode from 'vscode';

/**
 * A panel's page: nothing but the extension's own styles, fonts and one script (with a
 * fresh nonce) may load, so text from images (step lines, labels, file names) can never
 * run. `styles` and `script` are paths inside the extension.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: { title: string; styles: string[][]; script: string[] }): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const asset = (p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const links = [['dist', 'codicons', 'codicon.css'], ...page.styles].map((s) => `<link rel="stylesheet" href="${asset(s)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}
<title>${page.title}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${asset(page.script)}"></script>
</body>
</html>`;
}

/** What both panels' webviews may do: run their script, load files from dist/ and media/ only. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
