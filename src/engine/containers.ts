/** Containers as the Containers view and the run command see them. */
import { engineMessage } from './engineError';

export type ContainerState = 'running' | 'paused' | 'restarting' | 'created' | 'exited' | 'dead' | 'removing';

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: string;
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  imageId: string;
  state: ContainerState;
  /** The engine's words: "Up 3 minutes", "Exited (0) 2 hours ago". */
  status: string;
  created: Date;
  ports: PublishedPort[];
  labels: Record<string, string>;
}

export interface RawContainerSummary {
  Id: string;
  Names?: string[];
  Image: string;
  ImageID: string;
  State: string;
  Status: string;
  Created: number;
  Ports?: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }>;
  Labels?: Record<string, string> | null;
}

export function toContainerSummary(raw: RawContainerSummary): ContainerSummary {
  const seen = new Set<string>();
  const ports: PublishedPort[] = [];
  for (const p of raw.Ports ?? []) {
    if (p.PublicPort === undefined) {
      continue;
    }
    // The engine lists a port once for 0.0.0.0 and once for ::; one is enough to show.
    const key = `${p.PublicPort}/${p.PrivatePort}/${p.Type}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    ports.push({ hostIp: p.IP ?? '', hostPort: p.PublicPort, containerPort: p.PrivatePort, protocol: p.Type });
  }
  ports.sort((a, b) => a.containerPort - b.containerPort || a.hostPort - b.hostPort);
  return {
    id: raw.Id,
    name: (raw.Names?.[0] ?? raw.Id.slice(0, 12)).replace(/^\//, ''),
    image: raw.Image,
    imageId: raw.ImageID,
    state: raw.State as ContainerState,
    status: raw.Status,
    created: new Date(raw.Created * 1000),
    ports,
    labels: raw.Labels ?? {},
  };
}

export function isRunning(c: { state: ContainerState }): boolean {
  return c.state === 'running' || c.state === 'restarting' || c.state === 'paused';
}

/** Running (and paused) containers first, then the rest; newest first within each. */
export function sortContainers(containers: ContainerSummary[]): ContainerSummary[] {
  return [...containers].sort(
    (a, b) => Number(isRunning(b)) - Number(isRunning(a)) || b.created.getTime() - a.created.getTime() || a.name.localeCompare(b.name),
  );
}

export function formatPorts(ports: PublishedPort[]): string {
  return ports
    .map((p) => `${p.hostIp && p.hostIp !== '0.0.0.0' && p.hostIp !== '::' ? `${p.hostIp}:` : ''}${p.hostPort}→${p.containerPort}${p.protocol === 'tcp' ? '' : `/${p.protocol}`}`)
    .join(', ');
}

/** Where a published TCP port can be opened in a browser. */
export function browserUrl(p: PublishedPort): string {
  const host = !p.hostIp || p.hostIp === '0.0.0.0' || p.hostIp === '::' ? 'localhost' : p.hostIp.includes(':') ? `[${p.hostIp}]` : p.hostIp;
  return `http://${host}:${p.hostPort}/`;
}

export interface RunRefusal {
  message: string;
  /** The container already holding the name, when that was the problem. */
  conflictingContainerId?: string;
}

/** Why the engine refused to create or start a container, in a sentence with a way forward. */
export function describeRunError(err: unknown, image: string, name?: string): RunRefusal {
  const text = engineMessage(err);
  const status = (err as { statusCode?: number } | undefined)?.statusCode;
  const nameInUse = /name "\/?([^"]+)" is already in use by container "?([0-9a-f]{12,64})/.exec(text);
  if (nameInUse) {
    return {
      message: `The name ${nameInUse[1]} is already used by another container: choose another name, or remove that container.`,
      conflictingContainerId: nameInUse[2],
    };
  }
  const portTaken =
    /Bind for (\S+?):(\d+) failed: port is already allocated/.exec(text) ?? /listen (?:tcp|udp)\d?\s+(\S+?):(\d+): bind: address already in use/.exec(text);
  if (portTaken) {
    const where = portTaken[1] === '0.0.0.0' || portTaken[1] === '::' || portTaken[1] === '' ? '' : ` on ${portTaken[1]}`;
    return { message: `Host port ${portTaken[2]}${where} is already in use by another container or program: choose another host port (or leave it out for a random one).` };
  }
  if (/No such image/i.test(text) || (status === 404 && /image/i.test(text))) {
    return { message: `The image ${image} no longer exists: it was removed or renamed meanwhile. Refresh the Images view and pick another.` };
  }
  if (/no command specified/i.test(text)) {
    return { message: `${image} has no command to run (it sets neither CMD nor ENTRYPOINT): give one under "Command".` };
  }
  if (/executable file not found|no such file or directory/i.test(text) && /exec/i.test(text)) {
    return { message: `The command could not be started in ${image}: ${text}` };
  }
  if (/invalid mount config|bind source path does not exist/i.test(text)) {
    return { message: `A bind mount was refused: ${text}` };
  }
  return { message: `The container${name ? ` ${name}` : ''} could not be run: ${text}` };
}
