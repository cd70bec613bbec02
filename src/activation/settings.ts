/**
 * Strata's settings (package.json `contributes.configuration`), read when asked so that a
 * change applies at the next use; defaults as the manifest gives them.
 */
import * as vscode from 'vscode';
import type { SortBy } from '../model/images';

const SEVERITIES: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

const MB = 1024 * 1024;

export class Settings {
  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('strata');
  }

  showDangling(): boolean {
    return this.config.get<boolean>('images.showDangling', false);
  }

  sortBy(): SortBy {
    return this.config.get<SortBy>('images.sortBy', 'created');
  }

  showMetadataSteps(): boolean {
    return this.config.get<boolean>('layers.showMetadataSteps', true);
  }

  logTimestamps(): boolean {
    return this.config.get<boolean>('logs.timestamps', false);
  }

  markStderr(): boolean {
    return this.config.get<boolean>('logs.markStderr', true);
  }

  /** Bytes of analyses kept for the window (at least 16 MB). */
  analysisCacheBytes(): number {
    return Math.max(16, this.config.get<number>('analysis.cacheSize', 512)) * MB;
  }

  /** Files above this many bytes ask before they open. */
  openLimit(): number {
    return Math.max(0, this.config.get<number>('files.openLimit', 10 * MB));
  }

  /** Bytes the analysis cache on disk may hold (shared with the CLI and other windows). */
  cacheMaxBytes(): number {
    return Math.max(16, this.config.get<number>('cache.maxSize', 2048)) * MB;
  }

  /** Registries shown in the Registries view besides the docker config's (Docker Hub is added so). */
  registries(): Array<{ address: string; repositories: string[] }> {
    const value = this.config.get<unknown>('registries', []);
    return (Array.isArray(value) ? value : []).flatMap((r: unknown) =>
      typeof r === 'string' ? [{ address: r, repositories: [] }] : r && typeof (r as { address?: unknown }).address === 'string' ? [{ address: (r as { address: string }).address, repositories: ((r as { repositories?: unknown }).repositories as string[] | undefined)?.filter((x) => typeof x === 'string') ?? [] }] : [],
    );
  }

  /** Registries reached over plain HTTP (and without certificate checks), besides loopback ones. */
  insecureRegistries(): string[] {
    return this.config.get<string[]>('insecureRegistries', []).filter((x) => typeof x === 'string');
  }

  /** CA files (PEM) trusted for registries besides the system's. */
  registryCaFiles(): string[] {
    return this.config.get<string[]>('registryCaFiles', []).filter((x) => typeof x === 'string');
  }

  wasteSeverity(): vscode.DiagnosticSeverity {
    return SEVERITIES[this.config.get<string>('dockerfile.wasteSeverity', 'warning')] ?? vscode.DiagnosticSeverity.Warning;
  }

  /** How Problems lists a secret left in a layer; an error unless the user says otherwise. */
  secretsSeverity(): vscode.DiagnosticSeverity {
    return SEVERITIES[this.config.get<string>('secrets.severity', 'error')] ?? vscode.DiagnosticSeverity.Error;
  }

  wasteThreshold(): number {
    return this.config.get<number>('dockerfile.wasteThreshold', 1_000_000);
  }

  analyzeForDockerfiles(): boolean {
    return this.config.get<boolean>('dockerfile.analyzeImages', true);
  }
}

/**
 * The settings a registry client is made from. The insecure and CA lists are not named
 * strata.registries.*: VS Code keeps settings as a tree, so a key under strata.registries
 * (a list) is lost whenever the list is set.
 */
export const REGISTRY_SETTINGS = ['strata.registries', 'strata.insecureRegistries', 'strata.registryCaFiles'] as const;

export function affectsRegistries(e: { affectsConfiguration(section: string): boolean }): boolean {
  return REGISTRY_SETTINGS.some((s) => e.affectsConfiguration(s));
}
