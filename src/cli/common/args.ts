/** The CLI's flags and the errors that end a command: a usage error (the usage after it) or an input it cannot use. */
import { parseArgs } from 'util';

/** The command line is wrong: its sentence, then the usage; exit code 2. */
export class UsageError extends Error {}

/** An input the command cannot use (no such file, no such image): its sentence; exit code 2. */
export class InputError extends Error {}

export type Values = Record<string, string | boolean | string[] | undefined>;
type Flags = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Every command: which engine (only asked when an image is named on one). */
export const ENGINE_FLAGS = {
  context: { type: 'string' },
  host: { type: 'string', short: 'H' },
} as const;

/** Commands that read images: registries reached over plain HTTP, and CAs to trust besides the system's. */
export const REGISTRY_FLAGS = {
  insecure: { type: 'string', multiple: true },
  ca: { type: 'string', multiple: true },
} as const;

/** util.parseArgs with the engine flags added; its complaints become usage errors. */
export function parse(args: string[], options: Flags, positionals = false): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: { ...ENGINE_FLAGS, ...options }, allowPositionals: positionals, strict: true });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function warn(text: string): void {
  process.stderr.write(`strata: ${text}\n`);
}
