// Polling for state that settles on its own (a controller's pods, an authorizer's cache), instead of sleeping.

export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/**
 * Calls `check` until it returns something truthy, and returns that. After `timeoutMs` it throws a TimeoutError
 * naming `what` and the last value or error `check` gave: a check that asserts shows its last failed assertion.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs: number,
  what: string,
  intervalMs = 200,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: string;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = `last value: ${JSON.stringify(value)}`;
    } catch (e) {
      last = `last error: ${(e as Error).message}`;
    }
    if (Date.now() >= deadline) throw new TimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}; ${last}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
