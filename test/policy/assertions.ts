// Assertions on what the pack reports: exact "<policy>: <message>" lines, so a test fails on any extra violation.
import assert from "node:assert/strict";
import { policies } from "../../policy/policies";
import { type PackConfig, type Resource, validate, type Violation } from "./harness";

export interface CheckOptions {
  stack: string;
  config?: PackConfig;
  /**
   * The one policy to run, by name: a near miss is about one policy, so it must not fail when another
   * regresses. Defaults to the whole pack (baselines and violations, which must show nothing else fires).
   */
  only?: string;
}

/** The hub ConfigMap's name carries a digest of its content, which each variation of the settings changes. */
export const withoutDigest = (text: string) => text.replace(/\/hub-config-[0-9a-f]{10}\b/g, "/hub-config-<digest>");

/** "<policy>: <message>" for each violation, the hub ConfigMap named hub-config-<digest>. */
export const lines = (violations: Violation[]) => violations.map((v) => withoutDigest(`${v.policy}: ${v.message}`));

/** The pack's policy of this name, alone. */
export function policyNamed(name: string): typeof policies {
  const found = policies.filter((p) => p.name === name);
  if (found.length !== 1) throw new Error(`no policy named ${name} in policy/policies.ts`);
  return found;
}

/** Asserts that the pack (or the one policy `o.only`) reports exactly these violations, in order, and returns them. */
export async function expectViolations(
  resources: Resource[],
  o: CheckOptions,
  expected: [policy: string, message: string][],
): Promise<Violation[]> {
  const { only, ...run } = o;
  const violations = await validate(resources, {
    ...run,
    ...(only === undefined ? {} : { policies: policyNamed(only) }),
  });
  assert.deepEqual(
    lines(violations),
    expected.map(([policy, message]) => `${policy}: ${message}`),
  );
  return violations;
}

export async function expectNone(resources: Resource[], o: CheckOptions): Promise<void> {
  await expectViolations(resources, o, []);
}
