/**
 * Registry credentials where the docker CLI keeps them, in $DOCKER_CONFIG/config.json:
 * `auths` (base64 user:password, or username and password, or an identity token), and the
 * credential helpers `credHelpers[registry]` or `credsStore` (`docker-credential-NAME get`,
 * the registry on stdin, JSON on stdout). Credentials are handed to the engine only: never
 * logged, never shown, never in an error message.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { dockerConfigDir } from './dockerContexts';
import { configKey } from '../../model/reference';

export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

export interface ConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** $DOCKER_CONFIG/config.json, or nothing when it is missing or not JSON. */
export function readConfig(dir: string): ConfigFile {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as ConfigFile;
  } catch {
    return {};
  }
}

/** `docker-credential-NAME get`; undefined when it has none for the registry (or is not there). */
function fromHelper(helper: string, server: string): Promise<RegistryAuth | undefined> {
  return new Promise((resolve) => {
    const child = spawn(`docker-credential-${helper}`, ['get'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (t: string) => (out += t));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      if (code !== 0) {
        resolve(undefined);
        return;
      }
      try {
        const j = JSON.parse(out) as { Username?: string; Secret?: string };
        // A username of <token> means the secret is an identity token.
        resolve(j.Username === '<token>' ? { identitytoken: j.Secret, serveraddress: server } : { username: j.Username, password: j.Secret, serveraddress: server });
      } catch {
        resolve(undefined);
      }
    });
    child.stdin.end(server);
  });
}

/** The credentials the docker CLI would use for `registry`, if any. */
export async function credentialsFor(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<RegistryAuth | undefined> {
  const config = readConfig(dockerConfigDir(env));
  const server = configKey(registry);
  const helper = config.credHelpers?.[registry] ?? config.credHelpers?.[server] ?? config.credsStore;
  if (helper) {
    const found = await fromHelper(helper, server);
    if (found) {
      return found;
    }
  }
  const entry = config.auths?.[server] ?? config.auths?.[registry] ?? config.auths?.[`https://${registry}`] ?? config.auths?.[`http://${registry}`];
  if (!entry) {
    return undefined;
  }
  if (entry.identitytoken) {
    return { identitytoken: entry.identitytoken, serveraddress: server };
  }
  if (entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    return { username: plain.slice(0, colon), password: plain.slice(colon + 1), serveraddress: server };
  }
  return entry.username ? { username: entry.username, password: entry.password, serveraddress: server } : undefined;
}
