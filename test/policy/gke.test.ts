// GKE policies: each bad case changes one field of the cluster or a node pool the program built for the platform
// stack, or is a variant of the platform stack file itself.
import { before, describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { expectNone, expectViolations } from "./assertions";
import { TYPES, clusterOf, find, runAs, runExamples, variant } from "./fixtures";
import type { Resource } from "./harness";

const STACK = "platform";
const CLUSTER = "Cluster classhub-platform";
const USER_POOL = "NodePool classhub-platform-user";
const ARGS = "clusterArgs() in components/cluster/gke.ts";
const POOL_ARGS = "nodePoolArgs() in components/cluster/gke.ts";
let run: StackRun;
let cluster: Resource;
let userPool: Resource;

before(async () => {
  run = (await runExamples(["platform", "gpu-seminar-fa26"])).get(STACK)!;
  cluster = find(run, TYPES.cluster);
  userPool = find(run, TYPES.nodePool, "-user");
});

const o = { stack: STACK };

describe("compliant baselines", () => {
  it("the platform cluster and all three of gpu-seminar's node pools pass", async () => {
    const seminar = (await runExamples(["gpu-seminar-fa26"])).get("gpu-seminar-fa26")!;
    await expectNone([cluster, ...run.resources.filter((r) => r.type === TYPES.nodePool)], o);
    await expectNone(
      seminar.resources.filter((r) => r.type === TYPES.nodePool || r.type === TYPES.cluster),
      { stack: "gpu-seminar-fa26" },
    );
  });
});

describe("classhub-require-private-nodes", () => {
  const policy = "classhub-require-private-nodes";
  it("rejects a cluster with public nodes", async () => {
    await expectViolations([variant(cluster, (c) => (c.privateClusterConfig.enablePrivateNodes = false))], o, [
      [
        policy,
        `Expected privateClusterConfig.enablePrivateNodes true but found false in ${CLUSTER}; set it to true in ${ARGS}`,
      ],
    ]);
  });
  it("rejects a node pool that opts out of private nodes", async () => {
    await expectViolations([variant(userPool, (p) => (p.networkConfig = { enablePrivateNodes: false }))], o, [
      [
        policy,
        `Expected private nodes but found networkConfig.enablePrivateNodes false in ${USER_POOL}; remove it from ${POOL_ARGS}`,
      ],
    ]);
  });
  it("passes a private cluster with a private endpoint too (near miss)", async () => {
    await expectNone([variant(cluster, (c) => (c.privateClusterConfig.enablePrivateEndpoint = true))], {
      ...o,
      only: policy,
    });
  });
});

describe("classhub-require-workload-identity", () => {
  const policy = "classhub-require-workload-identity";
  it("rejects a cluster without a workload pool", async () => {
    await expectViolations([variant(cluster, (c) => delete c.workloadIdentityConfig)], o, [
      [
        policy,
        `Expected workloadIdentityConfig.workloadPool <project>.svc.id.goog but found unset in ${CLUSTER}; set it in ${ARGS}`,
      ],
    ]);
  });
  it("rejects a node pool that exposes the node's metadata to pods", async () => {
    await expectViolations([variant(userPool, (p) => (p.nodeConfig.workloadMetadataConfig.mode = "GCE_METADATA"))], o, [
      [
        policy,
        `Expected nodeConfig.workloadMetadataConfig.mode GKE_METADATA but found "GCE_METADATA" in ${USER_POOL}; set it in ${POOL_ARGS}`,
      ],
    ]);
  });
  it("rejects a default pool without the GKE metadata server", async () => {
    await expectViolations([variant(cluster, (c) => delete c.nodeConfig.workloadMetadataConfig)], o, [
      [
        policy,
        `Expected nodeConfig.workloadMetadataConfig.mode GKE_METADATA but found unset in ${CLUSTER}; set it in ${ARGS}`,
      ],
    ]);
  });
  it("passes a cluster without a nodeConfig at all (near miss)", async () => {
    await expectNone([variant(cluster, (c) => delete c.nodeConfig)], { ...o, only: policy });
  });
});

describe("classhub-require-shielded-nodes", () => {
  const policy = "classhub-require-shielded-nodes";
  it("rejects a cluster without shielded nodes", async () => {
    await expectViolations([variant(cluster, (c) => (c.enableShieldedNodes = false))], o, [
      [policy, `Expected enableShieldedNodes true but found false in ${CLUSTER}; set it to true in ${ARGS}`],
    ]);
  });
  it("rejects a node pool without Secure Boot", async () => {
    await expectViolations([variant(userPool, (p) => delete p.nodeConfig.shieldedInstanceConfig)], o, [
      [
        policy,
        `Expected nodeConfig.shieldedInstanceConfig.enableSecureBoot true but found unset in ${USER_POOL}; set it to true in ${POOL_ARGS}`,
      ],
    ]);
  });
  it("passes a pool with Secure Boot but no integrity monitoring (near miss)", async () => {
    await expectNone(
      [variant(userPool, (p) => (p.nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring = false))],
      { ...o, only: policy },
    );
  });
});

describe("classhub-require-network-policy-enforcement", () => {
  const policy = "classhub-require-network-policy-enforcement";
  it("rejects the legacy datapath without a network policy add-on", async () => {
    await expectViolations([variant(cluster, (c) => (c.datapathProvider = "LEGACY_DATAPATH"))], o, [
      [
        policy,
        `Expected datapathProvider ADVANCED_DATAPATH (Dataplane V2) but found "LEGACY_DATAPATH" and no networkPolicy in ${CLUSTER}; set datapathProvider to ADVANCED_DATAPATH in ${ARGS}`,
      ],
    ]);
  });
  it("passes the legacy datapath with Calico enforcing NetworkPolicy (near miss)", async () => {
    await expectNone(
      [
        variant(cluster, (c) => {
          c.datapathProvider = "LEGACY_DATAPATH";
          c.networkPolicy = { enabled: true, provider: "CALICO" };
        }),
      ],
      { ...o, only: policy },
    );
  });
});

describe("classhub-require-release-channel", () => {
  const policy = "classhub-require-release-channel";
  it("rejects a cluster outside any release channel", async () => {
    await expectViolations([variant(cluster, (c) => (c.releaseChannel.channel = "UNSPECIFIED"))], o, [
      [
        policy,
        `Expected release channel RAPID, REGULAR, STABLE but found "UNSPECIFIED" in ${CLUSTER}; set classhub:cluster.gke.releaseChannel to REGULAR`,
      ],
    ]);
  });
  it("rejects a platform stack on RAPID when the pack config allows only STABLE", async () => {
    const rapid = await runAs(STACK, STACK, {
      cluster: { ...clusterOf(STACK), gke: { ...clusterOf(STACK).gke, releaseChannel: "RAPID" } },
    });
    await expectViolations(rapid.resources, { stack: STACK, config: { [policy]: { allowedChannels: ["STABLE"] } } }, [
      [
        policy,
        `Expected release channel STABLE but found "RAPID" in ${CLUSTER}; set classhub:cluster.gke.releaseChannel to STABLE`,
      ],
    ]);
  });
  it("passes STABLE (near miss)", async () => {
    await expectNone([variant(cluster, (c) => (c.releaseChannel.channel = "STABLE"))], { ...o, only: policy });
  });
});

describe("classhub-require-deletion-protection", () => {
  const policy = "classhub-require-deletion-protection";
  it("rejects the platform stack with deletionProtection: false in its stack file", async () => {
    const unprotected = await runAs(STACK, STACK, {
      cluster: { ...clusterOf(STACK), gke: { ...clusterOf(STACK).gke, deletionProtection: false } },
    });
    await expectViolations(unprotected.resources, o, [
      [
        policy,
        `Expected deletionProtection true but found false in ${CLUSTER}; set classhub:cluster.gke.deletionProtection to true (turn it off only for the one \`pulumi destroy\` that retires the cluster)`,
      ],
    ]);
  });
  it("passes deletionProtection left unset: the provider defaults it to true (near miss)", async () => {
    await expectNone([variant(cluster, (c) => delete c.deletionProtection)], { ...o, only: policy });
  });
});

describe("classhub-disallow-default-node-pool", () => {
  const policy = "classhub-disallow-default-node-pool";
  it("rejects a cluster that keeps its default pool", async () => {
    await expectViolations([variant(cluster, (c) => (c.removeDefaultNodePool = false))], o, [
      [policy, `Expected removeDefaultNodePool true but found false in ${CLUSTER}; set it to true in ${ARGS}`],
    ]);
  });
  it("rejects inline node pools", async () => {
    await expectViolations([variant(cluster, (c) => (c.nodePools = [{ name: "extra", nodeCount: 1 }]))], o, [
      [
        policy,
        `Expected no inline nodePools but found 1 in ${CLUSTER}; declare them as gcp.container.NodePool resources (nodePools() in components/cluster/gke.ts)`,
      ],
    ]);
  });
  it("passes an empty inline list (near miss)", async () => {
    await expectNone([variant(cluster, (c) => (c.nodePools = []))], { ...o, only: policy });
  });
});

describe("classhub-disallow-legacy-cluster-auth", () => {
  const policy = "classhub-disallow-legacy-cluster-auth";
  it("rejects legacy ABAC", async () => {
    await expectViolations([variant(cluster, (c) => (c.enableLegacyAbac = true))], o, [
      [policy, `Expected enableLegacyAbac false but found true in ${CLUSTER}; set it to false in ${ARGS}`],
    ]);
  });
  it("rejects basic authentication", async () => {
    await expectViolations(
      [variant(cluster, (c) => Object.assign(c.masterAuth, { username: "admin", password: "hunter2hunter2" }))],
      o,
      [
        [
          policy,
          `Expected no basic authentication but found masterAuth.username/password in ${CLUSTER}; remove them from ${ARGS}`,
        ],
      ],
    );
  });
  it("rejects a client certificate", async () => {
    await expectViolations(
      [variant(cluster, (c) => (c.masterAuth.clientCertificateConfig.issueClientCertificate = true))],
      o,
      [
        [
          policy,
          `Expected masterAuth.clientCertificateConfig.issueClientCertificate false but found true in ${CLUSTER}; set it to false in ${ARGS}`,
        ],
      ],
    );
  });
  it("passes a cluster with no masterAuth block (near miss)", async () => {
    await expectNone([variant(cluster, (c) => delete c.masterAuth)], { ...o, only: policy });
  });
});
