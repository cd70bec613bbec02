/**
 * What package.json's menus and welcome views show for a node or a state: its `when`
 * clauses read with the part of VS Code's grammar the manifest uses (==, !=, =~, !, &&,
 * ||). VS Code offers no way to ask which menu items a node gets, so the clauses are read
 * here; a clause in any other form throws, so a new operator cannot pass unread.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './treeHelpers';

export type WhenContext = Record<string, string | boolean | undefined>;

function term(text: string, context: WhenContext): boolean {
  const matches = /^([\w.]+)\s*=~\s*\/(.*)\/([a-z]*)$/.exec(text);
  if (matches) {
    return new RegExp(matches[2], matches[3]).test(String(context[matches[1]] ?? ''));
  }
  const compares = /^([\w.]+)\s*(==|!=)\s*(?:'([^']*)'|([\w.-]+))$/.exec(text);
  if (compares) {
    const equal = String(context[compares[1]] ?? '') === (compares[3] ?? compares[4]);
    return compares[2] === '==' ? equal : !equal;
  }
  const key = /^(!?)([\w.]+)$/.exec(text);
  if (key) {
    return Boolean(context[key[2]]) !== (key[1] === '!');
  }
  throw new Error(`a when clause this test cannot read: "${text}"`);
}

/** Whether `clause` holds in `context` (&& binds tighter than ||, as in VS Code). */
export function whenHolds(clause: string, context: WhenContext): boolean {
  return clause.split('||').some((any) => any.split('&&').every((t) => term(t.trim(), context)));
}

interface Manifest {
  contributes: {
    menus: Record<string, Array<{ command: string; when?: string }>>;
    viewsWelcome: Array<{ view: string; contents: string; when?: string }>;
  };
}

/** The manifest VS Code loaded for Strata, with %keys% replaced from package.nls.json. */
export function strataManifest(): Manifest {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) {
    throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  }
  const nls = JSON.parse(fs.readFileSync(path.join(extension.extensionPath, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const manifest = extension.packageJSON as Manifest;
  const text = (s: string) => s.replace(/^%(.+)%$/, (whole, key: string) => nls[key] ?? whole);
  return {
    contributes: {
      menus: manifest.contributes.menus,
      viewsWelcome: manifest.contributes.viewsWelcome.map((w) => ({ ...w, contents: text(w.contents) })),
    },
  };
}

/** The commands of a node's context menu (inline buttons included) in `view`. */
export function menuCommands(view: string, viewItem: string | undefined, more: WhenContext = {}): string[] {
  const context = { view, viewItem, ...more };
  const entries = strataManifest().contributes.menus['view/item/context'];
  return [...new Set(entries.filter((e) => !e.when || whenHolds(e.when, context)).map((e) => e.command))].sort();
}

/** The welcome content `view` shows (when it is empty) for this value of strata.engineState. */
export function welcomeContents(view: string, engineState: string | undefined): string[] {
  return strataManifest()
    .contributes.viewsWelcome.filter((w) => w.view === view && (!w.when || whenHolds(w.when, { 'strata.engineState': engineState })))
    .map((w) => w.contents);
}
