// Every example stack, run through the real program under mocks, passes every policy: each registered resource
// through every resource policy, then the stack policies over all of them. With the defaults and with the
// example pack config that platform teams start from.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { policies } from "../../policy/policies";
import type { StackRun } from "../../tools/harness/mockrun";
import { lines } from "./assertions";
import { EXAMPLE_CONFIG, runExamples } from "./fixtures";
import { validateResources, validateStack } from "./harness";

let runs: Map<string, StackRun>;
before(async () => {
  runs = await runExamples();
});

describe("example stacks", () => {
  it("are the six the repository ships", () => {
    assert.deepEqual(
      [...runs.keys()],
      ["data8-fa26", "dev", "ds100-sp27", "gpu-seminar-fa26", "platform", "stat20-sp27"],
    );
  });

  for (const [label, config] of [
    ["the default pack config", undefined],
    ["policy/config.example.json", EXAMPLE_CONFIG],
  ] as const) {
    it(`each pass every resource policy and every stack policy with ${label}`, async () => {
      for (const [stack, run] of runs) {
        assert.deepEqual(
          lines(await validateResources(run.resources, { stack, config })),
          [],
          `${stack}: resource policies`,
        );
        assert.deepEqual(lines(await validateStack(run.resources, { stack, config })), [], `${stack}: stack policies`);
      }
    });
  }

  it("give every resource policy something to check, so passing is not vacuous", async () => {
    const applied = new Set<string>();
    let checked = 0;
    for (const [stack, run] of runs) {
      checked += run.resources.length;
      await validateResources(run.resources, { stack, applied });
    }
    const policiesApplied = new Set([...applied].map((entry) => entry.split(" ")[0]));
    const resourcePolicies = policies.filter((p) => "validateResource" in p).map((p) => p.name);
    assert.deepEqual(
      resourcePolicies.filter((name) => !policiesApplied.has(name)),
      [],
    );
    assert.equal(checked, 219, "resources across the example stacks");
    // The kinds each family of policies saw, e.g. pod-spec checks saw Deployments; GKE checks saw clusters and pools.
    for (const entry of [
      "classhub-disallow-privileged-containers kubernetes:apps/v1:Deployment",
      "classhub-disallow-privileged-containers kubernetes:apps/v1:DaemonSet",
      "classhub-disallow-privileged-containers kubernetes:batch/v1:CronJob",
      "classhub-disallow-raised-priority kubernetes:scheduling.k8s.io/v1:PriorityClass",
      "classhub-require-pinned-images kubernetes:core/v1:ConfigMap",
      "classhub-require-workload-identity gcp:container/cluster:Cluster",
      "classhub-require-workload-identity gcp:container/nodePool:NodePool",
      "classhub-enforce-retain-storage-classes kubernetes:storage.k8s.io/v1:StorageClass",
    ]) {
      assert.ok(applied.has(entry), entry);
    }
  });
});
