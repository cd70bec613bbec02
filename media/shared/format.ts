/** How the panels write sizes and shares. */
import { formatBytes } from '../../src/engine/format';

export function bytes(n: number | undefined): string {
  return n === undefined ? '?' : formatBytes(n);
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(x === 1 || x === 0 ? 0 : 2)} %`;
}
