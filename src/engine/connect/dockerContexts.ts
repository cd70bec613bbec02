/**
 * The docker CLI's contexts, read the way the CLI stores them (Strata never writes them):
 *   $DOCKER_CONFIG/contexts/meta/<sha256 of name>/meta.json
 *     {"Name": "...", "Metadata": {...}, "Endpoints": {"docker": {"Host": "...", "SkipTLSVerify": false}}}
 *   $DOCKER_CONFIG/contexts/tls/<sha256 of name>/docker/{ca,cert,key}.pem
 *   $DOCKER_CONFIG/config.json  {"currentContext": "..."}  (absent for "default")
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type EngineEndpoint, EndpointError, type TlsSettings, parseEngineUrl, tildify } from './endpoint';
import * as l10n from '@vscode/l10n';

export interface DockerContext {
  name: string;
  description?: string;
  /** Undefined when the context cannot be used; `problem` says why. */
  endpoint?: EngineEndpoint;
  problem?: string;
  /** The meta.json it was read from. */
  file: string;
}

export interface DockerContexts {
  configDir: string;
  contexts: DockerContext[];
  /** currentContext from config.json; undefined for "default" (or when it cannot be read). */
  currentContext?: string;
  /** Why something was skipped (a folder not named after its context, an unreadable config.json). */
  notes: string[];
}

/** $DOCKER_CONFIG, else ~/.docker, as the CLI finds it. */
export function dockerConfigDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  return env.DOCKER_CONFIG?.trim() || path.join(home, '.docker');
}

export function contextDigest(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

function readJson(file: string): { value?: unknown; error?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : String((err as Error).message) };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `not JSON (${(err as Error).message})` };
  }
}

/** The TLS files a context stores; the folder existing at all is what turns TLS on. */
function contextTls(configDir: string, digest: string, skipVerify: boolean): { tls?: TlsSettings; problem?: string } {
  const dir = path.join(configDir, 'contexts', 'tls', digest, 'docker');
  const file = (name: string) => (fs.existsSync(path.join(dir, name)) ? path.join(dir, name) : undefined);
  const ca = file('ca.pem');
  const cert = file('cert.pem');
  const key = file('key.pem');
  if (!ca && !cert && !key) {
    // `skip-tls-verify=true` alone still means TLS, without checking the engine's certificate.
    return skipVerify ? { tls: { verify: false } } : {};
  }
  if (Boolean(cert) !== Boolean(key)) {
    return { problem: `its TLS folder ${tildify(dir)} has ${cert ? 'cert.pem but no key.pem' : 'key.pem but no cert.pem'}: recreate the context with both (docker context create … --docker "host=…,cert=…,key=…")` };
  }
  return { tls: { verify: !skipVerify, ca, cert, key } };
}

/** Reads every context; a broken one is listed with its problem, never thrown. */
export function readDockerContexts(configDir: string): DockerContexts {
  const notes: string[] = [];
  const contexts: DockerContext[] = [];
  const metaDir = path.join(configDir, 'contexts', 'meta');
  let folders: string[] = [];
  try {
    folders = fs.readdirSync(metaDir).sort();
  } catch {
    // No contexts yet: only "default".
  }
  for (const folder of folders) {
    const file = path.join(metaDir, folder, 'meta.json');
    const { value, error } = readJson(file);
    if (error === 'missing') {
      continue;
    }
    if (error) {
      contexts.push({ name: folder.slice(0, 12), file, problem: `${tildify(file)} is ${error}: fix or remove that context (docker context rm).` });
      continue;
    }
    const meta = value as { Name?: unknown; Metadata?: { Description?: unknown }; Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
    const name = typeof meta?.Name === 'string' ? meta.Name : undefined;
    if (!name) {
      contexts.push({ name: folder.slice(0, 12), file, problem: `${tildify(file)} has no "Name": fix or remove that context.` });
      continue;
    }
    if (contextDigest(name) !== folder) {
      // The CLI finds a context by the digest of its name; a folder under another name is not one it would use.
      notes.push(l10n.t('Skipped {0}: its context "{1}" belongs in the folder {2} (the sha256 of its name), so the docker CLI does not see it either.', tildify(path.join(metaDir, folder)), name, contextDigest(name)));
      continue;
    }
    const docker = meta.Endpoints?.docker;
    const description = typeof meta.Metadata?.Description === 'string' && meta.Metadata.Description ? meta.Metadata.Description : undefined;
    const host = typeof docker?.Host === 'string' ? docker.Host : '';
    if (!host) {
      contexts.push({ name, description, file, problem: l10n.t('The context "{0}" has no Docker endpoint (Endpoints.docker.Host in {1}).', name, tildify(file)) });
      continue;
    }
    const tls = contextTls(configDir, folder, docker?.SkipTLSVerify === true);
    if (tls.problem) {
      contexts.push({ name, description, file, problem: l10n.t('The context "{0}" cannot be used: {1}.', name, tls.problem) });
      continue;
    }
    try {
      const endpoint = parseEngineUrl(host, tls.tls, l10n.t('The host of the context "{0}"', name));
      contexts.push({ name, description, file, endpoint });
    } catch (err) {
      contexts.push({ name, description, file, problem: err instanceof EndpointError ? err.message : String(err) });
    }
  }
  // By name, as `docker context ls` lists them (folders are named by digest).
  contexts.sort((a, b) => a.name.localeCompare(b.name));
  let currentContext: string | undefined;
  const config = readJson(path.join(configDir, 'config.json'));
  if (config.error && config.error !== 'missing') {
    notes.push(`${tildify(path.join(configDir, 'config.json'))} is ${config.error}; its current context is ignored.`);
  } else if (config.value && typeof (config.value as { currentContext?: unknown }).currentContext === 'string') {
    const current = (config.value as { currentContext: string }).currentContext;
    currentContext = current && current !== 'default' ? current : undefined;
  }
  return { configDir, contexts, currentContext, notes };
}
