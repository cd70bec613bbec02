/** Sizes the way docker's CLI prints them: decimal units, three significant digits. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) {
    return '?';
  }
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) {
    return `${bytes} B`;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}

const STEPS: Array<[number, string]> = [
  [365 * 24 * 3600, 'year'],
  [30 * 24 * 3600, 'month'],
  [7 * 24 * 3600, 'week'],
  [24 * 3600, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
];

/** "3 days ago", "just now": how long before `now` a thing was created. */
export function formatAge(created: Date, now: Date = new Date()): string {
  const seconds = Math.floor((now.getTime() - created.getTime()) / 1000);
  if (!Number.isFinite(seconds)) {
    return 'unknown age';
  }
  if (seconds < 60) {
    return seconds < -60 ? 'in the future' : 'just now';
  }
  for (const [size, name] of STEPS) {
    if (seconds >= size) {
      const n = Math.floor(seconds / size);
      return `${n} ${name}${n === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

/** The 12-character id docker prints, from "sha256:…" or a bare hex id. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
