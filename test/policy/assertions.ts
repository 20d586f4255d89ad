// Assertions on what the pack reports: exact "<policy>: <message>" lines, so a test fails on any extra violation.
import assert from "node:assert/strict";
import { type PackConfig, type Resource, validate, type Violation } from "./harness";

export interface CheckOptions {
  stack: string;
  config?: PackConfig;
}

export const lines = (violations: Violation[]) => violations.map((v) => `${v.policy}: ${v.message}`);

/** Asserts that the pack reports exactly these violations, in order, and returns them. */
export async function expectViolations(
  resources: Resource[],
  o: CheckOptions,
  expected: [policy: string, message: string][],
): Promise<Violation[]> {
  const violations = await validate(resources, o);
  assert.deepEqual(
    lines(violations),
    expected.map(([policy, message]) => `${policy}: ${message}`),
  );
  return violations;
}

export async function expectNone(resources: Resource[], o: CheckOptions): Promise<void> {
  await expectViolations(resources, o, []);
}
