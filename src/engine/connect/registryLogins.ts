/**
 * The registries the docker CLI is logged in to: the keys of `auths` in its config.json
 * (`docker login` adds one, with the credentials or, under a credential store, empty).
 * Only the keys leave this file; the credentials are read by credentials.ts when a request
 * needs them. `credHelpers` is not read: cloud CLIs list every region's registry there.
 */
import { dockerConfigDir } from './dockerContexts';
import { readConfig } from './credentials';

export function loggedInRegistries(env: NodeJS.ProcessEnv = process.env): string[] {
  const auths = readConfig(dockerConfigDir(env)).auths;
  return auths && typeof auths === 'object' ? Object.keys(auths) : [];
}
