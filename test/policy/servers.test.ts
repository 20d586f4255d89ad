// Policies over the student's server: a choice within a profile stays under the student ceilings, and an extra user
// pool under the user node ceiling, each named by its stack-file key.
import { describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { expectNone, expectViolations } from "./assertions";
import { classOf, clusterOf, runAs, TYPES } from "./fixtures";

/** How a policy names the hub settings of a run: the ConfigMap that holds them. */
function where(run: StackRun): string {
  const configMap = run.resources.find(
    (r) => r.type === TYPES.configMap && "hub-settings.json" in (r.inputs.data ?? {}),
  )!;
  return `hub-settings.json of ConfigMap ${configMap.inputs.metadata.namespace}/hub-config-<digest>`;
}

/** The seminar's CPU profile with a size menu whose large choice asks for `cpuLimit` cores. */
async function seminarWithSizes(cpuLimit: number): Promise<StackRun> {
  const cls = classOf("gpu-seminar-fa26");
  cls.profiles[0].options = [
    {
      name: "size",
      displayName: "Size",
      choices: [
        { slug: "small", displayName: "Small" },
        { slug: "large", displayName: "Large", resources: { cpuLimit } },
      ],
    },
  ];
  return runAs("gpu-seminar-fa26", "gpu-seminar-fa26", { class: cls });
}

describe("classhub-enforce-student-resource-ceilings, for the choices within profiles", () => {
  const policy = "classhub-enforce-student-resource-ceilings";
  it("reports a choice whose CPU limit is over the ceiling, naming the choice's key", async () => {
    const run = await seminarWithSizes(12);
    await expectViolations(run.resources, { stack: "gpu-seminar-fa26", only: policy }, [
      [
        policy,
        `Expected a CPU limit of at most 8 cores but found 12 in choice size=large of profile cpu of ${where(run)}; ` +
          "set classhub:class.profiles[0].options[0].choices[1].resources.cpuLimit to 8 or less",
      ],
    ]);
  });
  it("passes a choice exactly at the ceiling (near miss)", async () => {
    await expectNone((await seminarWithSizes(8)).resources, { stack: "gpu-seminar-fa26", only: policy });
  });
});

describe("classhub-enforce-node-pool-ceilings, for extra user pools", () => {
  const policy = "classhub-enforce-node-pool-ceilings";
  const withPool = async (maxNodes: number) => {
    const cluster = clusterOf("platform");
    cluster.gke.extraUserPools = [{ name: "highmem", machineType: "n2-highmem-16", maxNodes }];
    return runAs("platform", "platform", { cluster });
  };
  it("counts an extra pool as a user pool and names it by name", async () => {
    await expectViolations((await withPool(150)).resources, { stack: "platform", only: policy }, [
      [
        policy,
        "Expected at most 100 nodes in a user node pool but found 150 in NodePool classhub-platform-highmem; " +
          "set classhub:cluster.gke.extraUserPools[name=highmem].maxNodes to 100 or less",
      ],
    ]);
  });
  it("passes an extra pool at the ceiling (near miss)", async () => {
    await expectNone((await withPool(100)).resources, { stack: "platform", only: policy });
  });
});
