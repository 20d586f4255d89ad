// The student's server in the hub settings and around it: placement onto pools and labels, the choices within
// profiles, the command, named servers, and what they do to the quota and the GKE node pools.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../components/config";
import { nodePools } from "../../components/cluster/gke";
import { poolTaints } from "../../components/hub/servers";
import { hubSettings } from "../../components/hub/settings";
import { largestServer, quotaHard } from "../../components/namespace/manifests";
import { gke } from "../cluster/fixtures";
import { withClass } from "../support/stacks";

const cls = (change: (c: any) => void) => parseConfig(withClass("dev", change)).class!;
/** The dev class on a cluster with the extra user pool `highmem`: its own GKE cluster, or a cluster stack's. */
const onCluster = (change: (c: any) => void, cluster: unknown = GKE) =>
  parseConfig(
    withClass(
      "dev",
      (c) => {
        delete c.serviceType;
        delete c.nodePort;
        change(c);
      },
      { cluster, keys: ["classhub:cluster", "classhub:class"] },
    ),
  ).class!;
const GKE = {
  source: "gke",
  gke: {
    project: "ucb-classhub",
    region: "us-central1",
    extraUserPools: [{ name: "highmem", machineType: "n2-highmem-16" }],
  },
};
const USER_TOLERATION = { key: "hub.jupyter.org/dedicated", operator: "Equal", value: "user", effect: "NoSchedule" };
const HIGHMEM = poolTaints([{ name: "highmem" }]);
const sizes = {
  name: "size",
  displayName: "Size",
  choices: [
    { slug: "small", displayName: "Small" },
    {
      slug: "large",
      displayName: "Large",
      resources: { cpuLimit: 2, memoryLimit: "4Gi" },
      placement: { nodePool: "highmem" },
    },
  ],
};

describe("placement in the hub settings", () => {
  it("a class on a named pool selects its nodes and tolerates its taint, on top of the user pool", () => {
    const s = hubSettings(
      onCluster((c) => (c.placement = { nodePool: "highmem", nodeSelector: { "example.edu/disk": "ssd" } })),
      { userPool: true, extraUserPools: HIGHMEM },
    ).spawner;
    assert.deepEqual(s.nodeSelector, {
      "hub.jupyter.org/node-purpose": "user",
      "cloud.google.com/gke-nodepool": "highmem",
      "example.edu/disk": "ssd",
    });
    assert.deepEqual(s.tolerations, [
      USER_TOLERATION,
      { key: "classhub.io/pool", operator: "Equal", value: "highmem", effect: "NoSchedule" },
    ]);
  });

  it("raw labels and tolerations reach the spawner on a cluster without pools", () => {
    const toleration = { key: "example.edu/lab", operator: "Exists", effect: "NoSchedule" };
    const s = hubSettings(
      cls((c) => (c.placement = { nodeSelector: { disk: "ssd" }, tolerations: [toleration] })),
      {
        userPool: false,
      },
    ).spawner;
    assert.deepEqual([s.nodeSelector, s.tolerations], [{ disk: "ssd" }, [toleration]]);
  });

  it("a GPU profile's placement adds to the accelerator and the GPU toleration; a plain profile adds nothing", () => {
    const s = hubSettings(
      cls(
        (c) =>
          (c.profiles = [
            { slug: "cpu", displayName: "CPU" },
            {
              slug: "gpu",
              displayName: "GPU",
              gpus: 1,
              placement: { nodeSelector: { zone: "b" }, tolerations: [{ key: "k", value: "v", effect: "NoExecute" }] },
            },
          ]),
      ),
      { userPool: true, gpuAcceleratorType: "nvidia-l4" },
    ).spawner;
    assert.deepEqual(
      s.profiles.map((p) => [p.overrides.nodeSelector, p.overrides.tolerations]),
      [
        [null, null],
        [
          { "cloud.google.com/gke-accelerator": "nvidia-l4", zone: "b" },
          [
            { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
            { key: "k", operator: "Equal", value: "v", effect: "NoExecute" },
          ],
        ],
      ],
    );
  });

  it("a class naming a pool its cluster stack lacks stops with the key once the stack's pools are known", () => {
    assert.throws(
      () =>
        hubSettings(
          onCluster((c) => (c.placement = { nodePool: "highmem" }), {
            source: "stack",
            stack: "ucb/classhub/platform",
          }),
          { userPool: true, extraUserPools: {} },
        ),
      {
        message:
          "Invalid stack config:\n" +
          '  - classhub:class.placement.nodePool = "highmem": is not one of the cluster\'s extra user pools (none); ' +
          "add it to classhub:cluster.gke.extraUserPools",
      },
    );
  });
});

describe("the choices within a profile", () => {
  const withOptions = (options: unknown[]) =>
    hubSettings(
      onCluster((c) => (c.profiles = [{ slug: "py", displayName: "Python", options }])),
      { userPool: true, extraUserPools: HIGHMEM },
    ).spawner.profiles[0].options;

  it("each choice's overrides: resources in bytes, its placement, null for what it leaves alone", () => {
    const [size] = withOptions([sizes]);
    assert.equal(size.name, "size");
    assert.deepEqual(size.choices[0].overrides, {
      image: null,
      cpuGuarantee: null,
      cpuLimit: null,
      memGuarantee: null,
      memLimit: null,
      environment: null,
      nodeSelector: null,
      tolerations: null,
    });
    assert.deepEqual(size.choices[1].overrides, {
      image: null,
      cpuGuarantee: null,
      cpuLimit: 2,
      memGuarantee: null,
      memLimit: 4 * 2 ** 30,
      environment: null,
      nodeSelector: { "cloud.google.com/gke-nodepool": "highmem" },
      tolerations: [{ key: "classhub.io/pool", operator: "Equal", value: "highmem", effect: "NoSchedule" }],
    });
  });

  it("exactly one default per option: the one marked, else the first", () => {
    const marked = {
      name: "image",
      displayName: "Image",
      choices: [
        { slug: "py311", displayName: "Python 3.11" },
        { slug: "py312", displayName: "Python 3.12", default: true },
      ],
    };
    assert.deepEqual(
      withOptions([sizes, marked]).map((o) => o.choices.map((c) => c.default)),
      [
        [true, false],
        [false, true],
      ],
    );
  });

  it("the largest choice sizes the quota and the limit range", () => {
    const c = onCluster((k) => (k.profiles = [{ slug: "py", displayName: "Python", options: [sizes] }]));
    assert.deepEqual([largestServer(c).cpuLimit, largestServer(c).memLimit], [2, 4 * 2 ** 30]);
  });
});

describe("the server's command, working directory and default URL", () => {
  it("class values, with a profile's replacing them", () => {
    const s = hubSettings(
      cls((c) => {
        c.cmd = ["jupyterhub-singleuser"];
        c.args = ["--debug"];
        c.workingDir = "/home/jovyan/work";
        c.profiles = [
          {
            slug: "tree",
            displayName: "Classic",
            defaultUrl: "/tree",
            cmd: ["start-notebook.py"],
            environment: { EDITOR: "nano" },
          },
        ];
      }),
      { userPool: false },
    ).spawner;
    assert.deepEqual(
      [s.cmd, s.args, s.workingDir, s.defaultUrl],
      [["jupyterhub-singleuser"], ["--debug"], "/home/jovyan/work", "/lab"],
    );
    const { environment, defaultUrl, cmd, args, workingDir } = s.profiles[0].overrides;
    assert.deepEqual(
      { environment, defaultUrl, cmd, args, workingDir },
      {
        environment: { EDITOR: "nano" },
        defaultUrl: "/tree",
        cmd: ["start-notebook.py"],
        args: null,
        workingDir: null,
      },
    );
  });

  it("by default the image's own command and working directory, and JupyterLab", () => {
    const s = hubSettings(
      cls(() => undefined),
      { userPool: false },
    ).spawner;
    assert.deepEqual([s.cmd, s.args, s.workingDir, s.defaultUrl], [null, [], null, "/lab"]);
  });
});

describe("named servers", () => {
  it("are off by default, and on with the per-student limit when enabled", () => {
    const off = hubSettings(
      cls(() => undefined),
      { userPool: false },
    ).hub;
    assert.deepEqual([off.namedServers, off.namedServerLimitPerUser], [false, 0]);
    const on = hubSettings(
      cls((c) => (c.namedServers = { enabled: true, limitPerStudent: 3 })),
      {
        userPool: false,
      },
    ).hub;
    assert.deepEqual([on.namedServers, on.namedServerLimitPerUser], [true, 3]);
  });

  it("give each server its own home, so the quota admits a claim per server; running servers stay capped", () => {
    const platform = [{ requests: { cpu: "0.1", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } }];
    const off = quotaHard(
      cls(() => undefined),
      platform as any,
    );
    const on = quotaHard(
      cls((c) => (c.namedServers = { enabled: true, limitPerStudent: 2 })),
      platform as any,
    );
    // 3 students and 1 admin; each may have its default server and 2 named ones, each with a home
    assert.equal(off.persistentvolumeclaims, String(4 + 1));
    assert.equal(on.persistentvolumeclaims, String(4 * 3 + 1));
    // the hub refuses servers beyond activeServerLimit (the class size), so pods and CPU stay sized for one each
    assert.equal(on.pods, off.pods);
    assert.equal(on["limits.cpu"], off["limits.cpu"]);
    const settings = hubSettings(
      cls((c) => (c.namedServers = { enabled: true })),
      { userPool: false },
    );
    assert.equal(settings.hub.activeServerLimit, 4);
    assert.equal(settings.storage.pvcNameTemplate, "claim-{user_server}");
  });
});

describe("extra user pools on a GKE cluster", () => {
  const refs = { cluster: "platform", serviceAccountEmail: "nodes@ucb-classhub.iam" };

  it("each is a pool of its own name, labelled for users, tainted for users and for itself", () => {
    const config = gke({
      extraUserPools: [
        { name: "highmem", machineType: "n2-highmem-16", maxNodes: 4 },
        { name: "ssd", machineType: "c3-standard-8", taint: { key: "example.edu/ssd", value: "yes" } },
      ],
    });
    const pools = nodePools(config, refs);
    assert.deepEqual(
      pools.map((p) => [p.kind, p.name, p.args.name]),
      [
        ["core", "core", "core"],
        ["user", "user", "user"],
        ["extra", "highmem", "highmem"],
        ["extra", "ssd", "ssd"],
      ],
    );
    const [highmem, ssd] = pools.slice(2).map((p) => p.args as any);
    assert.equal(highmem.nodeConfig.machineType, "n2-highmem-16");
    assert.deepEqual(highmem.autoscaling, { totalMinNodeCount: 0, totalMaxNodeCount: 4 });
    assert.deepEqual(highmem.nodeConfig.labels, { "hub.jupyter.org/node-purpose": "user" });
    assert.deepEqual(highmem.nodeConfig.taints, [
      { key: "hub.jupyter.org/dedicated", value: "user", effect: "NO_SCHEDULE" },
      { key: "classhub.io/pool", value: "highmem", effect: "NO_SCHEDULE" },
    ]);
    assert.deepEqual(ssd.nodeConfig.taints[1], { key: "example.edu/ssd", value: "yes", effect: "NO_SCHEDULE" });
    assert.deepEqual(poolTaints(config.extraUserPools).ssd, {
      key: "example.edu/ssd",
      value: "yes",
      effect: "NoSchedule",
    });
  });

  it("are sandboxed when the user pool is, so the class's runtime class fits them too", () => {
    const config = gke({
      userPool: { sandbox: true },
      extraUserPools: [{ name: "highmem", machineType: "n2-highmem-16" }],
    });
    const highmem = nodePools(config, refs).find((p) => p.name === "highmem")!.args as any;
    assert.deepEqual(highmem.nodeConfig.sandboxConfig, { type: "GVISOR" });
  });
});
