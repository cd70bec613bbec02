/**
 * Waits for something the tests cannot be told about (a tree redraw, a channel's text, a
 * context picked up): asks `probe` every `everyMs` until it gives a truthy value, which it
 * returns, or fails naming `what` after `timeoutMs`.
 */
export async function until<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
