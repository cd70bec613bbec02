/**
 * The engine's JSON is checked where it enters, for the fields Strata relies on: a
 * malformed answer (an old or odd engine, a proxy's error page) becomes one sentence
 * instead of a TypeError somewhere later.
 */
export class EngineDataError extends Error {
  readonly code = 'EDATA';
  constructor(message: string) {
    super(message);
    this.name = 'EngineDataError';
  }
}

/** Something the engine's answers make impossible, already said as a sentence (a container with no shell…). */
export class EngineRefusal extends Error {
  readonly code = 'EREFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'EngineRefusal';
  }
}

type Kind = 'string' | 'number' | 'boolean' | 'object';

/** The answer as a list, or why it is not one. */
export function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new EngineDataError(`${what} is not a list`);
  }
  return value;
}

/** An object's field of the kind expected; `optional` lets it be missing or null. */
export function field<T>(value: unknown, name: string, kind: Kind, what: string, optional = false): T {
  if (typeof value !== 'object' || value === null) {
    throw new EngineDataError(`${what} is not an object`);
  }
  const v = (value as Record<string, unknown>)[name];
  if (v === undefined || v === null) {
    if (optional) {
      return undefined as T;
    }
    throw new EngineDataError(`${what} has no ${name}`);
  }
  if (typeof v !== kind) {
    throw new EngineDataError(`${what} has a ${name} that is not a ${kind}`);
  }
  return v as T;
}
