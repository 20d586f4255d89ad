// Cost policies: advisory by default. Bad cases are variants of real stack files where the program accepts them.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { expectNone, expectViolations } from "./assertions";
import {
  EXAMPLE_CONFIG,
  TYPES,
  classOf,
  clusterOf,
  find,
  podFrom,
  runAs,
  runExamples,
  settingsVariant,
  variant,
} from "./fixtures";
import { UNKNOWN } from "./harness";

let runs: Map<string, StackRun>;
before(async () => {
  runs = await runExamples();
});
const where = (ns: string) => `hub-settings.json of ConfigMap ${ns}/hub-config-<digest>`;

describe("classhub-require-resource-limits", () => {
  const policy = "classhub-require-resource-limits";
  it("reports a Deployment container without limits, as advisory", async () => {
    const hub = find(runs.get("dev")!, TYPES.deployment, "hub-deployment");
    const [violation] = await expectViolations(
      [variant(hub, (d) => delete d.spec.template.spec.containers[0].resources.limits)],
      { stack: "dev" },
      [
        [
          policy,
          "Expected limits for cpu and memory but found none for cpu and memory in container hub of Deployment demo-dev/hub; set spec.template.spec.containers[0].resources.limits",
        ],
      ],
    );
    assert.equal(violation.level, "advisory");
  });
  it("reports a bare Pod without a CPU request", async () => {
    const pod = podFrom(find(runs.get("dev")!, TYPES.deployment, "hub-deployment"));
    await expectViolations(
      [variant(pod, (p) => delete p.spec.containers[0].resources.requests.cpu)],
      { stack: "dev" },
      [
        [
          policy,
          "Expected requests for cpu and memory but found none for cpu in container hub of Pod demo-dev/bare-pod; set spec.containers[0].resources.requests",
        ],
      ],
    );
  });
  it("reports students' servers without a memory limit", async () => {
    await expectViolations(
      [settingsVariant(find(runs.get("dev")!, TYPES.configMap, "hub-config"), (s) => (s.spawner.memLimit = null))],
      { stack: "dev" },
      [
        [
          policy,
          `Expected students' servers to have CPU and memory guarantees and limits but found none for spawner.memLimit in ${where("demo-dev")}; set classhub:class.resources.memoryLimit`,
        ],
      ],
    );
  });
  it("passes limits given as numbers of cores (near miss)", async () => {
    const hub = find(runs.get("dev")!, TYPES.deployment, "hub-deployment");
    await expectNone([variant(hub, (d) => (d.spec.template.spec.containers[0].resources.limits.cpu = 2))], {
      stack: "dev",
      only: policy,
    });
  });
});

describe("classhub-enforce-student-resource-ceilings", () => {
  const policy = "classhub-enforce-student-resource-ceilings";
  const seminar = () => classOf("gpu-seminar-fa26");
  it("reports a GPU profile whose CPU limit is over the ceiling", async () => {
    const cls = seminar();
    cls.profiles[1].resources.cpuLimit = 16;
    const run = await runAs("gpu-seminar-fa26", "gpu-seminar-fa26", { class: cls });
    await expectViolations(run.resources, { stack: "gpu-seminar-fa26" }, [
      [
        policy,
        `Expected a CPU limit of at most 8 cores but found 16 in profile gpu of ${where("cs294-dl-fa26")}; set classhub:class.profiles[1].resources.cpuLimit to 8 or less`,
      ],
    ]);
  });
  it("reports data8's memory limit over a 512Mi ceiling set in the pack config", async () => {
    await expectViolations(
      runs.get("data8-fa26")!.resources,
      { stack: "data8-fa26", config: { [policy]: { maxMemoryLimit: "512Mi" } } },
      [
        [
          policy,
          `Expected a memory limit of at most 512Mi but found 1Gi in spawner of ${where("data8-fa26")}; set classhub:class.resources.memoryLimit to 512Mi or less`,
        ],
      ],
    );
  });
  it("passes limits exactly at the ceilings (near miss)", async () => {
    await expectNone(runs.get("gpu-seminar-fa26")!.resources, {
      stack: "gpu-seminar-fa26",
      config: { [policy]: { maxCpuLimit: 7, maxMemoryLimit: "24Gi" } },
      only: policy,
    });
  });
});

describe("classhub-enforce-node-pool-ceilings", () => {
  const policy = "classhub-enforce-node-pool-ceilings";
  const platform = () => clusterOf("platform");
  it("reports a user pool that may grow past 100 nodes", async () => {
    const cluster = platform();
    cluster.gke.userPool.maxNodes = 150;
    const run = await runAs("platform", "platform", { cluster });
    await expectViolations(run.resources, { stack: "platform" }, [
      [
        policy,
        "Expected at most 100 nodes in a user node pool but found 150 in NodePool classhub-platform-user; set classhub:cluster.gke.userPool.maxNodes to 100 or less",
      ],
    ]);
  });
  it("reports a GPU pool over the example config's ceiling of 4, as mandatory", async () => {
    const cluster = clusterOf("gpu-seminar-fa26");
    cluster.gke.gpuPool.maxNodes = 6;
    const run = await runAs("gpu-seminar-fa26", "gpu-seminar-fa26", { cluster });
    const [violation] = await expectViolations(run.resources, { stack: "gpu-seminar-fa26", config: EXAMPLE_CONFIG }, [
      [
        policy,
        "Expected at most 4 nodes in a GPU node pool but found 6 in NodePool classhub-gpu-seminar-fa26-gpu; set classhub:cluster.gke.gpuPool.maxNodes to 4 or less",
      ],
    ]);
    assert.equal(violation.level, "mandatory");
  });
  const perZone = (max: number) => (p: any) => (p.autoscaling = { minNodeCount: 0, maxNodeCount: max });
  it("reports a per-zone limit over the four zones the cluster lists, not an assumed three", async () => {
    const cluster = platform();
    cluster.gke.nodeLocations = ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"];
    const run = await runAs("platform", "platform", { cluster });
    const resources = run.resources.map((r) => (r.name === "classhub-platform-user" ? variant(r, perZone(30)) : r));
    await expectViolations(resources, { stack: "platform" }, [
      [
        policy,
        "Expected at most 100 nodes in a user node pool but found 120 (30 per zone in 4 zones) in NodePool classhub-platform-user; set classhub:cluster.gke.userPool.maxNodes to 100 or less",
      ],
    ]);
  });
  it("reports a per-zone limit over the pool's own nodeLocations before the cluster's", async () => {
    const run = runs.get("platform")!;
    const pool = variant(find(run, TYPES.nodePool, "-user"), (p) => {
      perZone(40)(p);
      p.nodeLocations = ["us-central1-a", "us-central1-b", "us-central1-c"];
    });
    await expectViolations([find(run, TYPES.cluster), pool], { stack: "platform" }, [
      [
        policy,
        "Expected at most 100 nodes in a user node pool but found 120 (40 per zone in 3 zones) in NodePool classhub-platform-user; set classhub:cluster.gke.userPool.maxNodes to 100 or less",
      ],
    ]);
  });
  it("reports a pool whose cluster is not in the stack over GKE's three default zones of its region", async () => {
    const pool = find(runs.get("platform")!, TYPES.nodePool, "-user");
    await expectViolations([variant(pool, perZone(40))], { stack: "platform" }, [
      [
        policy,
        "Expected at most 100 nodes in a user node pool but found 120 (40 per zone in 3 zones) in NodePool classhub-platform-user; set classhub:cluster.gke.userPool.maxNodes to 100 or less",
      ],
    ]);
  });
  it("passes 60 per zone in gpu-seminar's one-zone cluster: 60 nodes, not 180 (near miss)", async () => {
    const run = runs.get("gpu-seminar-fa26")!;
    const pool = variant(find(run, TYPES.nodePool, "-user"), perZone(60));
    await expectNone([find(run, TYPES.cluster), pool], { stack: "gpu-seminar-fa26", only: policy });
  });
  it("passes 60 per zone in a zonal cluster without nodeLocations: one zone (near miss)", async () => {
    const run = runs.get("gpu-seminar-fa26")!;
    const zonal = variant(find(run, TYPES.cluster), (c) => {
      c.location = "us-west1-b";
      delete c.nodeLocations;
    });
    const pool = variant(find(run, TYPES.nodePool, "-user"), (p) => {
      perZone(60)(p);
      p.location = "us-west1-b";
    });
    await expectNone([zonal, pool], { stack: "gpu-seminar-fa26", only: policy });
  });
  it("skips a per-zone limit while the pool's cluster is unknown during preview (near miss)", async () => {
    const pool = variant(find(runs.get("platform")!, TYPES.nodePool, "-user"), (p) => {
      perZone(40)(p);
      p.cluster = UNKNOWN;
    });
    await expectNone([pool], { stack: "platform", only: policy });
  });
  it("passes a core pool of any size: it is not for students (near miss)", async () => {
    const core = find(runs.get("platform")!, TYPES.nodePool, "-core");
    await expectNone([variant(core, (p) => (p.autoscaling.totalMaxNodeCount = 500))], {
      stack: "platform",
      only: policy,
    });
  });
});

describe("classhub-disallow-unapproved-gpus", () => {
  const policy = "classhub-disallow-unapproved-gpus";
  it("reports a GPU profile in data8 when only gpu-seminar-fa26 is approved", async () => {
    const cls = classOf("data8-fa26");
    cls.profiles = [
      { slug: "cpu", displayName: "CPU", default: true },
      { slug: "gpu", displayName: "GPU", gpus: 1 },
    ];
    const run = await runAs("data8-fa26", "data8-fa26", { class: cls });
    await expectViolations(run.resources, { stack: "data8-fa26", config: EXAMPLE_CONFIG }, [
      [
        policy,
        `Expected no GPU profile in stack "data8-fa26" but found profile gpu with 1 GPU in ${where("data8-fa26")}; set classhub:class.profiles[1].gpus to 0, or ask the platform team to add the stack to allowedStacks`,
      ],
    ]);
  });
  it("reports two GPUs per server", async () => {
    const cls = classOf("gpu-seminar-fa26");
    cls.profiles[1].gpus = 2;
    const run = await runAs("gpu-seminar-fa26", "gpu-seminar-fa26", { class: cls });
    await expectViolations(run.resources, { stack: "gpu-seminar-fa26" }, [
      [
        policy,
        `Expected at most 1 GPU per server but found 2 in profile gpu of ${where("cs294-dl-fa26")}; set classhub:class.profiles[1].gpus to 1 or less`,
      ],
    ]);
  });
  it("reports a GPU node pool in a stack that is not approved", async () => {
    const cluster = clusterOf("platform");
    cluster.gke.gpuPool = { maxNodes: 2 };
    const run = await runAs("platform", "platform", { cluster });
    await expectViolations(run.resources, { stack: "platform", config: EXAMPLE_CONFIG }, [
      [
        policy,
        `Expected no GPU node pool in stack "platform" but found guestAccelerators in NodePool classhub-platform-gpu; remove classhub:cluster.gke.gpuPool, or ask the platform team to add the stack to allowedStacks`,
      ],
    ]);
  });
  it("passes gpu-seminar-fa26, the approved stack (near miss)", async () => {
    await expectNone(runs.get("gpu-seminar-fa26")!.resources, {
      stack: "gpu-seminar-fa26",
      config: EXAMPLE_CONFIG,
      only: policy,
    });
  });
});

describe("classhub-require-idle-culling", () => {
  const policy = "classhub-require-idle-culling";
  const data8 = () => classOf("data8-fa26");
  it("reports culling turned off", async () => {
    const cls = data8();
    cls.culling.enabled = false;
    const run = await runAs("data8-fa26", "data8-fa26", { class: cls });
    await expectViolations(run.resources, { stack: "data8-fa26" }, [
      [
        policy,
        `Expected idle culling enabled but found culler.enabled false in ${where("data8-fa26")}; set classhub:class.culling.enabled to true`,
      ],
    ]);
  });
  it("reports a four-hour idle timeout", async () => {
    const cls = data8();
    cls.culling.timeoutMinutes = 240;
    const run = await runAs("data8-fa26", "data8-fa26", { class: cls });
    await expectViolations(run.resources, { stack: "data8-fa26" }, [
      [
        policy,
        `Expected an idle timeout of at most 120 minutes but found 240 minutes in ${where("data8-fa26")}; set classhub:class.culling.timeoutMinutes to 120 or less`,
      ],
    ]);
  });
  it("passes a timeout of exactly the ceiling (near miss)", async () => {
    const cls = data8();
    cls.culling.timeoutMinutes = 120;
    await expectNone((await runAs("data8-fa26", "data8-fa26", { class: cls })).resources, {
      stack: "data8-fa26",
      only: policy,
    });
  });
});
