/** Containers as the Containers view and the run command see them. */

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

/** CPU (percent of one core × cores, as `docker stats`) and memory in use, from one stats sample. */
export function statsFigures(s: {
  cpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: { cache?: number; inactive_file?: number } };
}): { cpuPercent: number; memory: number; memoryLimit?: number } {
  const cpu = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const system = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus ?? 1;
  const usage = s.memory_stats?.usage ?? 0;
  // As the CLI: the page cache is not the container's memory.
  const cache = s.memory_stats?.stats?.inactive_file ?? s.memory_stats?.stats?.cache ?? 0;
  return { cpuPercent: system > 0 && cpu > 0 ? (cpu / system) * cpus * 100 : 0, memory: Math.max(0, usage - cache), ...(s.memory_stats?.limit ? { memoryLimit: s.memory_stats.limit } : {}) };
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
