// The placeholders' PriorityClass under the policy pack: the data8 example's passes; one that could evict other
// classes' students does not.
import { before, describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { expectNone, expectViolations } from "./assertions";
import { runExamples, variant } from "./fixtures";

const PRIORITY = "kubernetes:scheduling.k8s.io/v1:PriorityClass";
const STACK = "data8-fa26";
const POLICY = "classhub-disallow-raised-priority";
const FIX = "(placeholderPriorityClass() in components/capacity/manifests.ts)";
let runs: Map<string, StackRun>;
before(async () => {
  runs = await runExamples();
});
const withPriority = (change: (p: any) => void) =>
  runs.get(STACK)!.resources.map((r) => (r.type === PRIORITY ? variant(r, change) : r));

describe(POLICY, () => {
  it("passes the data8 example's placeholders", async () => {
    await expectNone(runs.get(STACK)!.resources, { stack: STACK });
  });

  it("rejects a priority at or above the default, one that preempts, and a global default", async () => {
    await expectViolations(
      withPriority((p) => {
        p.value = 1000;
        p.preemptionPolicy = "PreemptLowerPriority";
        p.globalDefault = true;
      }),
      { stack: STACK, only: POLICY },
      [
        [
          POLICY,
          `Expected a value below 0 but found 1000 in PriorityClass classhub-data8-fa26-placeholder; lower it ${FIX}`,
        ],
        [
          POLICY,
          `Expected preemptionPolicy Never but found "PreemptLowerPriority" in PriorityClass classhub-data8-fa26-placeholder; set it ${FIX}`,
        ],
        [
          POLICY,
          `Expected globalDefault false but found true in PriorityClass classhub-data8-fa26-placeholder; set it to false ${FIX}`,
        ],
      ],
    );
  });

  it("rejects a priority that leaves preemption to the cluster's default", async () => {
    await expectViolations(
      withPriority((p) => delete p.preemptionPolicy),
      { stack: STACK, only: POLICY },
      [
        [
          POLICY,
          `Expected preemptionPolicy Never but found unset in PriorityClass classhub-data8-fa26-placeholder; set it ${FIX}`,
        ],
      ],
    );
  });
});
