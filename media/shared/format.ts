/** How the panels write sizes and shares. */
import { formatBytes } from '../../src/shared/format';

export function bytes(n: number | undefined): string {
  return n === undefined ? '?' : formatBytes(n);
}

export function percent(x: number): string {
  return `${(x * 100).toFixed(x === 1 || x === 0 ? 0 : 2)} %`;
}

/** A change in bytes, with its sign: +1.2 MB, −300 B, ±0 B. */
export function signed(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${bytes(Math.abs(n))}`;
}
