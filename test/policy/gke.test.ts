// GKE policies: each bad case changes one field of the cluster or a node pool the program built for the platform
// stack, or is a variant of the platform stack file itself.
import { before, describe, it } from "node:test";
import type { StackRun } from "../../tools/harness/mockrun";
import { expectNone, expectViolations } from "./assertions";
import { TYPES, clusterOf, find, runAs, runExamples, variant } from "./fixtures";
import { type Resource, UNKNOWN } from "./harness";

const STACK = "platform";
const CLUSTER = "Cluster classhub-platform";
const USER_POOL = "NodePool classhub-platform-user";
const CORE_POOL = "NodePool classhub-platform-core";
const GPU_POOL = "NodePool classhub-gpu-seminar-fa26-gpu";
const ARGS = "clusterArgs() in components/cluster/gke.ts";
const POOL_ARGS = "nodePoolArgs() in components/cluster/gke.ts";
let run: StackRun;
let cluster: Resource;
let userPool: Resource;
let gpuPool: Resource;

before(async () => {
  const runs = await runExamples(["platform", "gpu-seminar-fa26"]);
  run = runs.get(STACK)!;
  cluster = find(run, TYPES.cluster);
  userPool = find(run, TYPES.nodePool, "-user");
  gpuPool = find(runs.get("gpu-seminar-fa26")!, TYPES.nodePool, "-gpu");
});

const o = { stack: STACK };
const seminar = { stack: "gpu-seminar-fa26" };
/** The platform stack with these classhub:cluster.gke settings changed. */
const platformWith = (gke: Record<string, unknown>) =>
  runAs(STACK, STACK, { cluster: { ...clusterOf(STACK), gke: { ...clusterOf(STACK).gke, ...gke } } });
/** A resource as registered with other resource options. */
const withOptions = (r: Resource, options: NonNullable<Resource["options"]>): Resource => ({
  ...r,
  options: { ...r.options, ...options },
});

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
  const own = '"ucb-classhub.svc.id.goog"';
  it("rejects a cluster without a workload pool", async () => {
    await expectViolations([variant(cluster, (c) => delete c.workloadIdentityConfig)], o, [
      [
        policy,
        `Expected workloadIdentityConfig.workloadPool ${own} (the cluster's own project) but found unset in ${CLUSTER}; set it to ${own} in ${ARGS}`,
      ],
    ]);
  });
  it("rejects another project's workload pool", async () => {
    await expectViolations(
      [variant(cluster, (c) => (c.workloadIdentityConfig.workloadPool = "someone-else.svc.id.goog"))],
      o,
      [
        [
          policy,
          `Expected workloadIdentityConfig.workloadPool ${own} (the cluster's own project) but found "someone-else.svc.id.goog" in ${CLUSTER}; set it to ${own} in ${ARGS}`,
        ],
      ],
    );
  });
  it("rejects a string that is no workload pool when the cluster uses the provider's default project", async () => {
    const noProject = variant(cluster, (c) => {
      delete c.project;
      c.workloadIdentityConfig.workloadPool = "ucb-classhub";
    });
    await expectViolations([noProject], o, [
      [
        policy,
        `Expected workloadIdentityConfig.workloadPool <project>.svc.id.goog but found "ucb-classhub" in ${CLUSTER}; set it in ${ARGS}`,
      ],
    ]);
  });
  it("passes a project's pool when the cluster's project is unknown during preview: only its form is checked (near miss)", async () => {
    await expectNone([variant(cluster, (c) => (c.project = UNKNOWN))], { ...o, only: policy });
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
  it("rejects a node pool with Secure Boot but integrity monitoring off", async () => {
    await expectViolations(
      [variant(userPool, (p) => (p.nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring = false))],
      o,
      [
        [
          policy,
          `Expected nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring true but found false in ${USER_POOL}; set it to true in ${POOL_ARGS}`,
        ],
      ],
    );
  });
  it("passes integrity monitoring left unset: the provider defaults it to true (near miss)", async () => {
    await expectNone([variant(userPool, (p) => delete p.nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring)], {
      ...o,
      only: policy,
    });
  });
});

describe("classhub-require-network-policy-enforcement", () => {
  const policy = "classhub-require-network-policy-enforcement";
  const expected =
    "Expected datapathProvider ADVANCED_DATAPATH (Dataplane V2), or networkPolicy enabled with provider CALICO, but found";
  const fix = `set datapathProvider to ADVANCED_DATAPATH in ${ARGS}`;
  const legacy = (change: (c: any) => void = () => {}) =>
    variant(cluster, (c) => {
      c.datapathProvider = "LEGACY_DATAPATH";
      change(c);
    });
  it("rejects the legacy datapath without a network policy", async () => {
    await expectViolations([legacy()], o, [
      [policy, `${expected} datapathProvider "LEGACY_DATAPATH" and no networkPolicy in ${CLUSTER}; ${fix}`],
    ]);
  });
  it("rejects the legacy add-on flag alone, which installs Calico but enforces nothing", async () => {
    await expectViolations([legacy((c) => (c.addonsConfig.networkPolicyConfig = { disabled: false }))], o, [
      [
        policy,
        `${expected} datapathProvider "LEGACY_DATAPATH" and only the add-on flag addonsConfig.networkPolicyConfig.disabled false, without networkPolicy.enabled in ${CLUSTER}; ${fix}`,
      ],
    ]);
  });
  it("rejects networkPolicy enabled without provider CALICO", async () => {
    const unspecified = legacy((c) => {
      c.addonsConfig.networkPolicyConfig = { disabled: false };
      c.networkPolicy = { enabled: true, provider: "PROVIDER_UNSPECIFIED" };
    });
    await expectViolations([unspecified], o, [
      [
        policy,
        `${expected} datapathProvider "LEGACY_DATAPATH" and networkPolicy.provider "PROVIDER_UNSPECIFIED" in ${CLUSTER}; ${fix}`,
      ],
    ]);
  });
  it("rejects Calico whose add-on is disabled", async () => {
    const disabled = legacy((c) => {
      c.addonsConfig.networkPolicyConfig = { disabled: true };
      c.networkPolicy = { enabled: true, provider: "CALICO" };
    });
    await expectViolations([disabled], o, [
      [
        policy,
        `${expected} datapathProvider "LEGACY_DATAPATH" and networkPolicy on CALICO with its add-on disabled in ${CLUSTER}; ${fix}`,
      ],
    ]);
  });
  it("passes the legacy datapath with Calico enforcing NetworkPolicy (near miss)", async () => {
    const calico = legacy((c) => {
      c.addonsConfig.networkPolicyConfig = { disabled: false };
      c.networkPolicy = { enabled: true, provider: "CALICO" };
    });
    await expectNone([calico], { ...o, only: policy });
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
  const fix =
    "set classhub:cluster.gke.deletionProtection to true (turn it off only for the one `pulumi destroy` that retires the cluster)";
  it("rejects the platform stack with deletionProtection: false in its stack file", async () => {
    const unprotected = await runAs(STACK, STACK, {
      cluster: { ...clusterOf(STACK), gke: { ...clusterOf(STACK).gke, deletionProtection: false } },
    });
    await expectViolations(unprotected.resources, o, [
      [policy, `Expected deletionProtection true but found false in ${CLUSTER}; ${fix}`],
      [policy, `Expected the resource option protect but found it off in ${CLUSTER}; ${fix}`],
      [policy, `Expected the resource option protect but found it off in ${CORE_POOL}; ${fix}`],
      [policy, `Expected the resource option protect but found it off in ${USER_POOL}; ${fix}`],
    ]);
  });
  it("rejects a cluster that Pulumi does not protect, though the provider's deletionProtection is on", async () => {
    await expectViolations([withOptions(cluster, { protect: false })], o, [
      [policy, `Expected the resource option protect but found it off in ${CLUSTER}; ${fix}`],
    ]);
  });
  it("rejects a node pool that Pulumi does not protect: nothing else guards it", async () => {
    await expectViolations([withOptions(userPool, { protect: false })], o, [
      [policy, `Expected the resource option protect but found it off in ${USER_POOL}; ${fix}`],
    ]);
  });
  it("rejects deletionPolicy ABANDON on the cluster, which skips deletionProtection", async () => {
    await expectViolations([variant(cluster, (c) => (c.deletionPolicy = "ABANDON"))], o, [
      [
        policy,
        `Expected deletionPolicy unset, DELETE or PREVENT but found deletionPolicy "ABANDON" (a destroy would drop the cluster from the stack and leave it running) in ${CLUSTER}; remove deletionPolicy from ${ARGS}`,
      ],
    ]);
  });
  it("rejects deletionPolicy ABANDON on a node pool", async () => {
    await expectViolations([variant(userPool, (p) => (p.deletionPolicy = "ABANDON"))], o, [
      [
        policy,
        `Expected deletionPolicy unset, DELETE or PREVENT but found deletionPolicy "ABANDON" (a destroy would drop the pool from the stack and leave it running) in ${USER_POOL}; remove deletionPolicy from ${POOL_ARGS}`,
      ],
    ]);
  });
  it("passes deletionProtection left unset: the provider defaults it to true (near miss)", async () => {
    await expectNone([variant(cluster, (c) => delete c.deletionProtection)], { ...o, only: policy });
  });
  it("passes deletionProtection false when deletionPolicy PREVENT refuses the delete instead (near miss)", async () => {
    const prevented = variant(cluster, (c) => {
      c.deletionProtection = false;
      c.deletionPolicy = "PREVENT";
    });
    await expectNone([prevented, variant(userPool, (p) => (p.deletionPolicy = "DELETE"))], { ...o, only: policy });
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

describe("classhub-disallow-default-compute-service-account", () => {
  const policy = "classhub-disallow-default-compute-service-account";
  const expected = "Expected nodeConfig.serviceAccount to be the nodes' own service account but found";
  const what = "(the Compute Engine default service account)";
  it("rejects a node pool without a service account, which GKE runs as the default one", async () => {
    await expectViolations([variant(userPool, (p) => delete p.nodeConfig.serviceAccount)], o, [
      [policy, `${expected} unset ${what} in ${USER_POOL}; set it in ${POOL_ARGS}`],
    ]);
  });
  it("rejects a node pool that names the default compute account", async () => {
    const named = variant(
      userPool,
      (p) => (p.nodeConfig.serviceAccount = "123456789012-compute@developer.gserviceaccount.com"),
    );
    await expectViolations([named], o, [
      [
        policy,
        `${expected} "123456789012-compute@developer.gserviceaccount.com" ${what} in ${USER_POOL}; set it in ${POOL_ARGS}`,
      ],
    ]);
  });
  it('rejects a default pool that runs as "default" while the cluster is created', async () => {
    await expectViolations([variant(cluster, (c) => (c.nodeConfig.serviceAccount = "default"))], o, [
      [policy, `${expected} "default" ${what} in ${CLUSTER}; set it in ${ARGS}`],
    ]);
  });
  it("rejects node auto-provisioning with the default account", async () => {
    await expectViolations([variant(cluster, (c) => (c.clusterAutoscaling.enabled = true))], o, [
      [
        policy,
        `Expected clusterAutoscaling.autoProvisioningDefaults.serviceAccount to be the nodes' own service account but found unset ${what} in ${CLUSTER}; set it in ${ARGS}, or turn node auto-provisioning off`,
      ],
    ]);
  });
  it("passes an account of the project's own whose name looks like the default one (near miss)", async () => {
    const lookalike = variant(
      userPool,
      (p) => (p.nodeConfig.serviceAccount = "123456789012-compute@ucb-classhub.iam.gserviceaccount.com"),
    );
    await expectNone([lookalike], { ...o, only: policy });
  });
  it("passes a new node account whose email is unknown during preview (near miss)", async () => {
    await expectNone(
      [
        variant(cluster, (c) => (c.nodeConfig.serviceAccount = UNKNOWN)),
        variant(userPool, (p) => (p.nodeConfig.serviceAccount = UNKNOWN)),
      ],
      { ...o, only: policy },
    );
  });
});

describe("classhub-require-closed-control-plane", () => {
  const policy = "classhub-require-closed-control-plane";
  const expected =
    "Expected a closed control plane (a private IP endpoint, authorized networks, or only the DNS endpoint) but found";
  const fix =
    "set classhub:cluster.gke.publicIpEndpoint to false, or list the networks that need the IP endpoint in classhub:cluster.gke.authorizedNetworks";
  it("rejects the platform stack with publicIpEndpoint: true and no authorized networks", async () => {
    const open = await platformWith({ publicIpEndpoint: true });
    await expectViolations(open.resources, o, [
      [policy, `${expected} a public IP endpoint that any address may reach in ${CLUSTER}; ${fix}`],
    ]);
  });
  it("rejects an authorized network that admits every address", async () => {
    const open = await platformWith({ publicIpEndpoint: true, authorizedNetworks: ["0.0.0.0/0"] });
    await expectViolations(open.resources, o, [
      [policy, `${expected} the authorized network "0.0.0.0/0", which admits every address in ${CLUSTER}; ${fix}`],
    ]);
  });
  it("rejects authorized networks that admit every Google Cloud VM", async () => {
    const gcpWide = variant(cluster, (c) => {
      c.privateClusterConfig.enablePrivateEndpoint = false;
      c.masterAuthorizedNetworksConfig = {
        cidrBlocks: [{ cidrBlock: "128.32.0.0/16", displayName: "campus" }],
        gcpPublicCidrsAccessEnabled: true,
      };
    });
    await expectViolations([gcpWide], o, [
      [
        policy,
        `${expected} masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled true, which admits every Google Cloud VM in ${CLUSTER}; ${fix}`,
      ],
    ]);
  });
  it("passes a public IP endpoint limited to the campus network (near miss)", async () => {
    const campus = await platformWith({ publicIpEndpoint: true, authorizedNetworks: ["128.32.0.0/16"] });
    await expectNone([find(campus, TYPES.cluster)], { ...o, only: policy });
  });
  it("passes a public IP endpoint that is turned off, leaving only the DNS endpoint (near miss)", async () => {
    const dnsOnly = variant(cluster, (c) => {
      c.privateClusterConfig.enablePrivateEndpoint = false;
      c.controlPlaneEndpointsConfig.ipEndpointsConfig.enabled = false;
    });
    await expectNone([dnsOnly], { ...o, only: policy });
  });
});

describe("classhub-require-gpu-taint", () => {
  const policy = "classhub-require-gpu-taint";
  const expected = "Expected taint nvidia.com/gpu=present:NO_SCHEDULE on a pool with guestAccelerators but found";
  const fix = `add it to nodeConfig.taints in ${POOL_ARGS} (poolTaints)`;
  const gpuTaintOf = (p: any) => p.nodeConfig.taints.find((t: any) => t.key === "nvidia.com/gpu");
  it("rejects a GPU pool with only the user taint", async () => {
    const untainted = variant(gpuPool, (p) =>
      p.nodeConfig.taints.splice(p.nodeConfig.taints.indexOf(gpuTaintOf(p)), 1),
    );
    await expectViolations([untainted], seminar, [
      [policy, `${expected} taints hub.jupyter.org/dedicated=user:NO_SCHEDULE in ${GPU_POOL}; ${fix}`],
    ]);
  });
  it("rejects a GPU taint that only prefers to keep pods off", async () => {
    const preferred = variant(gpuPool, (p) => (gpuTaintOf(p).effect = "PREFER_NO_SCHEDULE"));
    await expectViolations([preferred], seminar, [
      [
        policy,
        `${expected} taints hub.jupyter.org/dedicated=user:NO_SCHEDULE, nvidia.com/gpu=present:PREFER_NO_SCHEDULE in ${GPU_POOL}; ${fix}`,
      ],
    ]);
  });
  it("passes GKE's taint with another value: GPU servers tolerate the key whatever its value (near miss)", async () => {
    await expectNone([variant(gpuPool, (p) => (gpuTaintOf(p).value = "true"))], { ...seminar, only: policy });
  });
  it("passes a CPU pool without it (near miss)", async () => {
    await expectNone([userPool], { ...o, only: policy });
  });
});

describe("classhub-require-maintenance-policy", () => {
  const policy = "classhub-require-maintenance-policy";
  const fix =
    "set classhub:cluster.gke.maintenance.window to a recurring window outside class hours (maintenancePolicy() in components/cluster/gke.ts sets it, by default Saturday and Sunday 07:00-15:00 UTC)";
  it("rejects a cluster without a maintenance policy", async () => {
    await expectViolations([variant(cluster, (c) => delete c.maintenancePolicy)], o, [
      [
        policy,
        `Expected a maintenance window (maintenancePolicy.recurringWindow) but found no maintenancePolicy in ${CLUSTER}; ${fix}`,
      ],
    ]);
  });
  it("rejects exclusions without a window: GKE may upgrade at any time outside them", async () => {
    const exclusionsOnly = variant(cluster, (c) => {
      delete c.maintenancePolicy.recurringWindow;
      c.maintenancePolicy.maintenanceExclusions = [
        {
          exclusionName: "finals-fa26",
          startTime: "2026-12-07T00:00:00Z",
          endTime: "2026-12-19T00:00:00Z",
          exclusionOptions: { scope: "NO_MINOR_OR_NODE_UPGRADES" },
        },
      ];
    });
    await expectViolations([exclusionsOnly], o, [
      [
        policy,
        `Expected a maintenance window (maintenancePolicy.recurringWindow) but found a maintenancePolicy without a window in ${CLUSTER}; ${fix}`,
      ],
    ]);
  });
  it("passes a daily window instead of a recurring one (near miss)", async () => {
    const daily = variant(cluster, (c) => (c.maintenancePolicy = { dailyMaintenanceWindow: { startTime: "07:00" } }));
    await expectNone([daily], { ...o, only: policy });
  });
});
