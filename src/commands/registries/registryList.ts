/**
 * Add Registry… and Add Repository…: what the Registries view lists besides the docker
 * CLI's logins, kept in the strata.registries setting (user settings: a registry is the
 * user's, not the workspace's). Only the user settings' own value is rewritten, so a
 * workspace's list is never copied into them.
 */
import * as vscode from 'vscode';
import { type KnownRegistry, registryAddress, repositoryName } from '../../model/registries';
import { CommandError } from '../registerCommand';

export interface RegistryListDeps {
  /** The registries the Registries view lists now. */
  knownRegistries(): readonly KnownRegistry[];
}

type SettingEntry = string | { address: string; repositories?: string[] };

const entryAddress = (e: unknown): string | undefined =>
  typeof e === 'string' ? registryAddress(e) : e && typeof (e as { address?: unknown }).address === 'string' ? registryAddress((e as { address: string }).address) : undefined;

/** The user settings' strata.registries, changed by `change`. */
async function updateUserList(change: (list: SettingEntry[]) => SettingEntry[]): Promise<void> {
  const config = vscode.workspace.getConfiguration('strata');
  const current = config.inspect<unknown>('registries')?.globalValue;
  const list = (Array.isArray(current) ? current : []) as SettingEntry[];
  await config.update('registries', change([...list]), vscode.ConfigurationTarget.Global);
}

/** Add Registry…: a registry (host[:port]) added to the view, checked as it is typed. */
export async function addRegistry(deps: RegistryListDeps): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({
    prompt: vscode.l10n.t('Registry to list (host or host:port)'),
    placeHolder: 'registry.example.com:5000',
    validateInput: (t) => (registryAddress(t) ? undefined : vscode.l10n.t('Write the registry as host or host:port (for example registry.example.com:5000, or docker.io for Docker Hub).')),
  });
  const address = text === undefined ? undefined : registryAddress(text);
  if (!address) {
    return undefined;
  }
  if (deps.knownRegistries().some((r) => r.address === address)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} is in the Registries view already.', address));
    return address;
  }
  await updateUserList((list) => [...list, address]);
  return address;
}

/** Add Repository…: a repository shown under a registry that does not list its own (no catalog). */
export async function addRepository(deps: RegistryListDeps, node?: { address: string }): Promise<string | undefined> {
  let address = node?.address;
  if (!address) {
    const known = deps.knownRegistries();
    if (known.length === 0) {
      throw new CommandError(vscode.l10n.t('The Registries view lists no registry yet: add one first (Add Registry…).'));
    }
    address = (await vscode.window.showQuickPick(known.map((r) => r.address), { placeHolder: vscode.l10n.t('Registry of the repository') })) ?? undefined;
    if (!address) {
      return undefined;
    }
  }
  const on = address;
  const text = await vscode.window.showInputBox({
    prompt: vscode.l10n.t('Repository of {0} to list', on),
    placeHolder: on === 'docker.io' ? 'library/busybox' : 'team/app',
    validateInput: (t) => (repositoryName(on, t) ? undefined : vscode.l10n.t('Write a repository name: lower case letters and digits, parts joined by /, without a tag (for example team/app).')),
  });
  const repository = text === undefined ? undefined : repositoryName(on, text);
  if (!repository) {
    return undefined;
  }
  if (deps.knownRegistries().some((r) => r.address === on && r.repositories.includes(repository))) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0}/{1} is in the Registries view already.', on, repository));
    return repository;
  }
  await updateUserList((list) => {
    const at = list.findIndex((e) => entryAddress(e) === on);
    if (at < 0) {
      return [...list, { address: on, repositories: [repository] }];
    }
    const entry = list[at];
    list[at] = typeof entry === 'string' ? { address: entry, repositories: [repository] } : { ...entry, repositories: [...(entry.repositories ?? []), repository] };
    return list;
  });
  return repository;
}
