// During `pulumi preview` some inputs are not known yet (a generated name, another resource's output). The
// SDK's proxy throws UnknownValueError when a policy reads one; classhub's policies skip such a value instead
// of flagging it: the check runs again at `pulumi up`, when every value is known.
import { UnknownValueError } from "@pulumi/policy";

/** Reads a value, or gives undefined when it is unknown during preview. */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return undefined;
    throw e;
  }
}

/** Whether a value is known: false only when reading it meets a value unknown during preview. */
export function isKnown(read: () => unknown): boolean {
  try {
    read();
    return true;
  } catch (e) {
    if (e instanceof UnknownValueError) return false;
    throw e;
  }
}

/** Wraps a check so that a value unknown during preview skips the rest of it instead of failing the policy. */
export function skipUnknown<A extends unknown[]>(check: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      check(...args);
    } catch (e) {
      if (!(e instanceof UnknownValueError)) throw e;
    }
  };
}
