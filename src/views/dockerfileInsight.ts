/**
 * Each Dockerfile of the workspace next to the newest local image built from it:
 * - a CodeLens above each instruction that made a layer (its size, files, wasted bytes;
 *   a click opens the Layers panel at that layer), "no layer" above those that made none,
 *   and from the first line changed since the build, that it changed instead of numbers;
 * - a hover with the layer's ten largest files;
 * - diagnostics for space a later line removes or overwrites but the image still carries;
 * - diagnostics for secrets left in a layer, on the line that put them there (kind, path
 *   and fingerprint: never the value).
 * All of it follows the engine: rebuilt, the new image; removed, nothing.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { AnalysisCache } from '../analysis/analysisCache';
import { type Dockerfile, type Instruction, parseDockerfile } from '../analysis/dockerfile/dockerfile';
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import type { InstalledPackage, LayerPackages } from '../model/packages';
import { type LayerWaste, layerWaste } from '../analysis/layerWaste';
import { type ImageSecret, imageSecrets, secretKindName } from '../analysis/imageSecrets';
import { type BuiltImage, findBuiltImage } from '../analysis/dockerfile/builtImage';
import { formatAge, formatBytes } from '../shared/format';
import type { ImageIndex } from '../engine/imageIndex';
import { imageRef } from '../model/images';
import { Disposable } from '../shared/lifecycle';

export const DOCKERFILE_GLOB = '**/{Dockerfile,Dockerfile.*,*.dockerfile,*.Dockerfile,Containerfile,Containerfile.*}';
export const DOCKERFILE_SELECTOR: vscode.DocumentSelector = [{ language: 'dockerfile' }, { pattern: DOCKERFILE_GLOB }];

export function isDockerfile(uri: vscode.Uri): boolean {
  const name = path.basename(uri.fsPath);
  return /^(Dockerfile|Containerfile)(\..+)?$/.test(name) || /\.dockerfile$/i.test(name);
}

export interface InsightSettings {
  severity(): vscode.DiagnosticSeverity;
  /** How Problems lists a secret left in a layer (strata.secrets.severity). */
  secretSeverity(): vscode.DiagnosticSeverity;
  /** Findings below this many bytes are not reported. */
  threshold(): number;
  /** Whether a matched image is analysed in the background (its export read) for the numbers. */
  analyze(): boolean;
}

export interface InsightDeps {
  index: ImageIndex;
  analyses: AnalysisCache;
  /** Reads the image's export (as Show Layers does); undefined when it cannot. */
  analyze(imageId: string): Promise<ImageAnalysis | undefined>;
  settings: InsightSettings;
}

/** What is known of one Dockerfile. */
export interface Insight {
  dockerfile: Dockerfile;
  built?: BuiltImage;
  analysis?: ImageAnalysis;
  waste?: LayerWaste;
  secrets?: ImageSecret[];
}

interface LayerAt {
  instruction: Instruction;
  /** Position among the image's filesystem layers; undefined for a step that made none. */
  layerIndex?: number;
  diffId?: string;
  historySize: number;
}

export class DockerfileInsight extends Disposable implements vscode.CodeLensProvider, vscode.HoverProvider {
  private readonly insights = new Map<string, Insight>();
  private readonly lensesChanged = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly updated = this._register(new vscode.EventEmitter<vscode.Uri>());
  /** An insight was worked out again (tests wait for it). */
  readonly onDidUpdate = this.updated.event;
  readonly diagnostics = this._register(vscode.languages.createDiagnosticCollection('strata'));
  private timers = new Map<string, NodeJS.Timeout>();
  /** Per file: the image it was last seen to have built (complete match), to follow it through edits. */
  private readonly builtFrom = new Map<string, string>();

  constructor(private readonly deps: InsightDeps) {
    super();
    this._register(vscode.languages.registerCodeLensProvider(DOCKERFILE_SELECTOR, this));
    this._register(vscode.languages.registerHoverProvider(DOCKERFILE_SELECTOR, this));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => isDockerfile(e.document.uri) && this.schedule(e.document.uri, 300)));
    this._register(vscode.workspace.onDidOpenTextDocument((d) => isDockerfile(d.uri) && this.schedule(d.uri, 0)));
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(DOCKERFILE_GLOB));
    this._register(watcher.onDidChange((u) => this.schedule(u, 300)));
    this._register(watcher.onDidCreate((u) => this.schedule(u, 300)));
    this._register(
      watcher.onDidDelete((u) => {
        this.insights.delete(u.toString());
        this.diagnostics.delete(u);
      }),
    );
    this._register(deps.analyses.onDidAnalyze(() => void this.refreshAll()));
    // The threshold, severity and analysis settings apply at once: Problems and lenses drawn again.
    this._register(vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('strata.dockerfile') || e.affectsConfiguration('strata.secrets')) && void this.refreshAll()));
    this._register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    void this.refreshAll();
  }

  insight(uri: vscode.Uri): Insight | undefined {
    return this.insights.get(uri.toString());
  }

  /** For the Layers panel's "Go to Dockerfile line": an image's steps (by history index) and the lines that made them. */
  linesOf(imageId: string): Map<number, { file: string; line: number }> | undefined {
    for (const [file, insight] of this.insights) {
      if (insight.built?.image.id === imageId) {
        return new Map(
          insight.built.match.steps.flatMap((s) => (s.status === 'matched' && s.historyIndex !== undefined ? [[s.historyIndex, { file, line: s.instruction.line }] as const] : [])),
        );
      }
    }
    return undefined;
  }

  /**
   * Every Dockerfile again: an analysis finished, or (`relist`) the images changed (built,
   * tagged, removed: the engine's list is asked anew).
   */
  async refreshAll(relist = false): Promise<void> {
    if (relist) {
      await this.deps.index.list().catch(() => undefined);
    }
    const files = await vscode.workspace.findFiles(DOCKERFILE_GLOB, '**/node_modules/**', 50);
    const open = vscode.workspace.textDocuments.filter((d) => isDockerfile(d.uri)).map((d) => d.uri);
    const all = new Map([...files, ...open].map((u) => [u.toString(), u]));
    await Promise.all([...all.values()].map((u) => this.update(u)));
  }

  private schedule(uri: vscode.Uri, ms: number): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => void this.update(uri), ms));
  }

  /** Reads the file (the editor's text when open), finds its image, and redraws what shows it. */
  async update(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string;
    try {
      text = open ? open.getText() : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    } catch {
      return; // gone meanwhile
    }
    const dockerfile = parseDockerfile(text);
    let built: BuiltImage | undefined;
    try {
      built = await findBuiltImage(dockerfile, this.deps.index, this.builtFrom.get(uri.toString()));
    } catch {
      built = undefined; // the engine cannot be asked: nothing to show, nothing stale
    }
    if (built?.match.complete) {
      this.builtFrom.set(uri.toString(), built.image.id);
    } else if (!built) {
      this.builtFrom.delete(uri.toString());
    }
    let analysis = built ? this.deps.analyses.get(built.image.id) : undefined;
    if (built && !analysis && this.deps.settings.analyze()) {
      // In the background: the lenses come back with the numbers when it is done.
      void this.deps.analyze(built.image.id);
    }
    analysis = built ? this.deps.analyses.get(built.image.id) : undefined;
    const insight: Insight = { dockerfile, built, analysis, waste: analysis ? layerWaste(analysis) : undefined, secrets: analysis ? imageSecrets(analysis) : undefined };
    this.insights.set(uri.toString(), insight);
    this.diagnostics.set(uri, this.diagnosticsOf(insight));
    this.lensesChanged.fire();
    this.updated.fire(uri);
  }

  /** Each matched instruction with the layer it made (or none). */
  private layers(insight: Insight): LayerAt[] {
    const built = insight.built;
    if (!built) {
      return [];
    }
    return built.match.steps.flatMap((s) => {
      if (s.status !== 'matched' || s.historyIndex === undefined) {
        return [];
      }
      const step = built.steps[s.historyIndex];
      return step ? [{ instruction: s.instruction, layerIndex: step.layerIndex, diffId: step.diffId, historySize: step.size }] : [];
    });
  }

  /** The size of the smallest wasted-space finding a layer adds (Infinity when it adds none). */
  private smallestFinding(insight: Insight, layer: number): number {
    return Math.min(Infinity, ...(insight.waste?.findings ?? []).filter((f) => f.addedIn === layer).map((f) => f.size));
  }

  /** The analysis's layer for a diff id (its index there), when analysed. */
  private analysed(insight: Insight, diffId: string | undefined): number | undefined {
    const i = insight.analysis?.layers.findIndex((l) => l.diffId === diffId);
    return i === undefined || i < 0 ? undefined : i;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const insight = this.insights.get(document.uri.toString());
    const built = insight?.built;
    if (!insight || !built) {
      return [];
    }
    const name = imageRef({ dangling: built.image.repoTags.length === 0, reference: built.image.repoTags[0] ?? '', image: built.image });
    const lenses: vscode.CodeLens[] = [];
    const threshold = this.deps.settings.threshold();
    const at = (line: number) => new vscode.Range(line, 0, line, 0);
    const stage = built.match.stage;
    lenses.push(
      new vscode.CodeLens(at(stage.fromLine), {
        title:
          built.match.complete || !built.match.firstChanged
            ? vscode.l10n.t('{0} · built {1}', name, formatAge(built.image.created))
            : vscode.l10n.t('{0} · built {1} · this file changed from line {2} on', name, formatAge(built.image.created), built.match.firstChanged.line + 1),
        command: 'strata.dockerfile.showLayer',
        arguments: [built.image.id, name, undefined],
      }),
    );
    for (const layer of this.layers(insight)) {
      const line = at(layer.instruction.line);
      if (layer.layerIndex === undefined) {
        lenses.push(new vscode.CodeLens(line, { title: vscode.l10n.t("no layer: changes only the image's settings"), command: '' }));
        continue;
      }
      const i = this.analysed(insight, layer.diffId);
      let title = vscode.l10n.t('{0} as the engine records it · analysing for files and waste…', formatBytes(layer.historySize));
      if (i !== undefined && insight.analysis && insight.waste) {
        const wasted = insight.waste.wasted[i];
        title = layerLens(formatBytes(insight.analysis.layers[i].size), insight.waste.files[i], insight.waste.removed[i], formatBytes(wasted));
        // Problems leaves out findings below the threshold: the lens says so, so that the two agree.
        if (wasted > 0 && this.smallestFinding(insight, i) < threshold) {
          title += ` ${vscode.l10n.t('(findings under {0} are not in Problems)', formatBytes(threshold))}`;
        }
      }
      lenses.push(new vscode.CodeLens(line, { title, command: 'strata.dockerfile.showLayer', arguments: [built.image.id, name, layer.layerIndex] }));
    }
    for (const s of built.match.steps.filter((x) => x.status === 'changed')) {
      lenses.push(new vscode.CodeLens(at(s.instruction.line), { title: vscode.l10n.t('changed since {0} was built: rebuild to see its layer', name), command: '' }));
    }
    return lenses;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const insight = this.insights.get(document.uri.toString());
    const layer = insight && this.layers(insight).find((l) => position.line >= l.instruction.line && position.line <= l.instruction.endLine);
    const i = insight && layer ? this.analysed(insight, layer.diffId) : undefined;
    if (!insight?.analysis || !layer || i === undefined) {
      return undefined;
    }
    const largest = insight.analysis
      .changesOf(i)
      .filter((c) => c.kind !== 'removed' && c.type !== 'dir')
      .sort((a, b) => b.size - a.size)
      .slice(0, 10);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${vscode.l10n.t('Layer {0}', i + 1)}** · ${formatBytes(insight.analysis.layers[i].size)}\n\n`);
    if (largest.length === 0) {
      const removed = insight.analysis.changesOf(i).filter((c) => c.kind === 'removed');
      md.appendText(removed.length ? vscode.l10n.t('It adds or changes no files; it removes {0}.', removed.map((c) => `/${c.path}`).slice(0, 10).join(', ')) : vscode.l10n.t('It adds or changes no files.'));
    }
    for (const c of largest) {
      md.appendMarkdown(`- \`${formatBytes(c.size)}\` `);
      md.appendText(`/${c.path}`);
      md.appendMarkdown('\n');
    }
    appendPackages(md, insight.analysis.packages[i]);
    return new vscode.Hover(md, new vscode.Range(layer.instruction.line, 0, layer.instruction.endLine, Number.MAX_SAFE_INTEGER));
  }

  private diagnosticsOf(insight: Insight): vscode.Diagnostic[] {
    if (!insight.waste || !insight.analysis) {
      return [];
    }
    const byDiffId = new Map(this.layers(insight).filter((l) => l.diffId).map((l) => [l.diffId as string, l.instruction]));
    const lineOf = (layer: number) => byDiffId.get(insight.analysis?.layers[layer]?.diffId ?? '');
    const threshold = this.deps.settings.threshold();
    const out: vscode.Diagnostic[] = [];
    for (const f of insight.waste.findings) {
      const added = lineOf(f.addedIn);
      const hidden = lineOf(f.hiddenIn);
      if (!added || !hidden || f.size < threshold) {
        continue;
      }
      const message =
        f.how === 'removed'
          ? vscode.l10n.t('{0} ({1}) added here is removed at line {2}, but stays in the image: remove it in the same RUN.', f.path, formatBytes(f.size), hidden.line + 1)
          : vscode.l10n.t('{0} ({1}) added here is overwritten at line {2}, but the first copy stays in the image: write it once, or in the same RUN.', f.path, formatBytes(f.size), hidden.line + 1);
      const d = new vscode.Diagnostic(new vscode.Range(added.line, 0, added.endLine, Number.MAX_SAFE_INTEGER), message, this.deps.settings.severity());
      d.source = 'Strata';
      d.code = 'wasted-space';
      out.push(d);
    }
    return [...out, ...this.secretDiagnostics(insight, lineOf)];
  }

  /**
   * Each secret on the line whose layer added it; one from a base image's layer on the
   * stage's FROM line. Kind, path and fingerprint only: the value is never in a message.
   */
  private secretDiagnostics(insight: Insight, lineOf: (layer: number) => Instruction | undefined): vscode.Diagnostic[] {
    const fromLine = insight.built?.match.stage.fromLine;
    return (insight.secrets ?? []).flatMap((s) => {
      const added = lineOf(s.layer);
      const what = secretKindName(s.kind);
      let message: string;
      let range: vscode.Range;
      if (added) {
        range = new vscode.Range(added.line, 0, added.endLine, Number.MAX_SAFE_INTEGER);
        const hider = s.hidden ? lineOf(s.hidden.layer) : undefined;
        if (!s.hidden) {
          message = vscode.l10n.t('{0} in {1} (fingerprint {2}) is added here and stays in the image: anyone who pulls it can read it. Give it to the build as a secret (RUN --mount=type=secret) instead.', what, s.path, s.fingerprint);
        } else if (hider) {
          message =
            s.hidden.how === 'removed'
              ? vscode.l10n.t('{0} in {1} (fingerprint {2}) is added here; line {3} removes it, but it stays in this layer: anyone who pulls the image can extract it. Give it to the build as a secret (RUN --mount=type=secret) instead.', what, s.path, s.fingerprint, hider.line + 1)
              : vscode.l10n.t('{0} in {1} (fingerprint {2}) is added here; line {3} overwrites it, but it stays in this layer: anyone who pulls the image can extract it. Give it to the build as a secret (RUN --mount=type=secret) instead.', what, s.path, s.fingerprint, hider.line + 1);
        } else {
          message = vscode.l10n.t('{0} in {1} (fingerprint {2}) is added here; layer {3} hides it, but it stays in this layer: anyone who pulls the image can extract it. Give it to the build as a secret (RUN --mount=type=secret) instead.', what, s.path, s.fingerprint, s.hidden.layer + 1);
        }
      } else if (fromLine !== undefined) {
        range = new vscode.Range(fromLine, 0, fromLine, Number.MAX_SAFE_INTEGER);
        message = vscode.l10n.t('The base image carries {0} in {1} (fingerprint {2}), added by its layer {3}: anyone who pulls this image can extract it.', what, s.path, s.fingerprint, s.layer + 1);
      } else {
        return [];
      }
      const d = new vscode.Diagnostic(range, message, this.deps.settings.secretSeverity());
      d.source = 'Strata';
      d.code = 'secret-in-layer';
      return [d];
    });
  }
}

/** A layer's lens: size, files it adds or changes, paths it removes (when it does), bytes it wastes. */
function layerLens(size: string, files: number, removed: number, wasted: string): string {
  if (removed > 0) {
    return files === 1 ? vscode.l10n.t('{0} · {1} file · {2} removed · {3} wasted', size, files, removed, wasted) : vscode.l10n.t('{0} · {1} files · {2} removed · {3} wasted', size, files, removed, wasted);
  }
  return files === 1 ? vscode.l10n.t('{0} · {1} file · {2} wasted', size, files, wasted) : vscode.l10n.t('{0} · {1} files · {2} wasted', size, files, wasted);
}

/** How many of a layer's packages a hover names; the rest are counted. */
const HOVER_PACKAGES = 15;

/** What a RUN line installed, upgraded and removed, largest first, from the packages the analysis read. */
function appendPackages(md: vscode.MarkdownString, packages: LayerPackages | undefined): void {
  if (!packages || packages.added.length + packages.upgraded.length + packages.removed.length === 0) {
    return;
  }
  const size = (p: InstalledPackage) => p.installedSize ?? -1;
  const list = (title: string, items: Array<{ p: InstalledPackage; text: string }>) => {
    if (!items.length) {
      return;
    }
    md.appendMarkdown(`\n**${title}**\n\n`);
    const sorted = [...items].sort((a, b) => size(b.p) - size(a.p) || a.p.name.localeCompare(b.p.name));
    for (const { p, text } of sorted.slice(0, HOVER_PACKAGES)) {
      md.appendMarkdown(p.installedSize !== undefined ? `- \`${formatBytes(p.installedSize)}\` ` : '- ');
      md.appendText(text);
      md.appendMarkdown('\n');
    }
    if (sorted.length > HOVER_PACKAGES) {
      md.appendText(vscode.l10n.t('and {0} more', sorted.length - HOVER_PACKAGES));
      md.appendMarkdown('\n');
    }
  };
  list(vscode.l10n.t('Packages installed: {0}', packages.added.length), packages.added.map((p) => ({ p, text: `${p.name} ${p.version}` })));
  list(vscode.l10n.t('Packages upgraded: {0}', packages.upgraded.length), packages.upgraded.map((u) => ({ p: u.to, text: `${u.to.name} ${u.from.version} → ${u.to.version}` })));
  list(vscode.l10n.t('Packages removed: {0}', packages.removed.length), packages.removed.map((p) => ({ p, text: `${p.name} ${p.version}` })));
}
