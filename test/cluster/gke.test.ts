import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import {
  clusterArgs,
  defaultBootDisk,
  kubeconfig,
  maintenancePolicy,
  nodePoolArgs,
  nodePools,
  resourceNames,
} from "../../components/cluster/gke";
import { gke } from "./fixtures";

const names = resourceNames("platform");
const clusterRefs = {
  network: "net-id",
  subnetwork: "subnet-id",
  serviceAccountEmail: "nodes@ucb-classhub.iam",
};
const poolRefs = {
  cluster: "platform",
  serviceAccountEmail: "nodes@ucb-classhub.iam",
};

const DNS = "gke-0123456789abcdef0123456789abcdef-123456789012.us-central1.gke.goog";

describe("kubeconfig", () => {
  const config = parse(kubeconfig("platform", DNS));

  it("points at the DNS endpoint over https, whose certificate is publicly trusted", () => {
    assert.deepEqual(config.clusters, [{ name: "platform", cluster: { server: `https://${DNS}` } }]);
    assert.equal(config["current-context"], "platform");
    assert.deepEqual(config.contexts, [{ name: "platform", context: { cluster: "platform", user: "platform" } }]);
  });

  it("gets tokens from gke-gcloud-auth-plugin and holds no credential", () => {
    assert.equal(config.users.length, 1);
    const user = config.users[0].user;
    assert.deepEqual(Object.keys(user), ["exec"]);
    assert.equal(user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
    assert.equal(user.exec.command, "gke-gcloud-auth-plugin");
    assert.equal(user.exec.provideClusterInfo, true);
    assert.match(user.exec.installHint, /gcloud components install gke-gcloud-auth-plugin/);
  });

  it("refuses a cluster without a DNS endpoint rather than write a kubeconfig that points nowhere", () => {
    assert.throws(() => kubeconfig("platform", ""), {
      message: "GKE reported no DNS endpoint for cluster platform; classhub's kubeconfig needs it",
    });
  });
});

describe("clusterArgs", () => {
  const args = clusterArgs(gke(), names, clusterRefs);

  it("has private nodes, a DNS endpoint open to IAM-authorized callers and a private IP endpoint", () => {
    assert.deepEqual(args.privateClusterConfig, {
      enablePrivateNodes: true,
      enablePrivateEndpoint: true,
      masterIpv4CidrBlock: "172.16.0.0/28",
    });
    assert.deepEqual(args.controlPlaneEndpointsConfig, {
      dnsEndpointConfig: { allowExternalTraffic: true },
      ipEndpointsConfig: { enabled: true },
    });
  });

  it("opens the IP endpoint to the internet only when publicIpEndpoint is set", () => {
    const open = clusterArgs(gke({ publicIpEndpoint: true }), names, clusterRefs);
    assert.equal(open.privateClusterConfig.enablePrivateEndpoint, false);
    assert.deepEqual(open.controlPlaneEndpointsConfig, args.controlPlaneEndpointsConfig);
  });

  it("packs servers onto few nodes and removes empty ones, without node auto-provisioning", () => {
    assert.deepEqual(args.clusterAutoscaling, { enabled: false, autoscalingProfile: "OPTIMIZE_UTILIZATION" });
  });

  it("lets GKE upgrade on weekend nights by default, with no exclusions", () => {
    assert.deepEqual(args.maintenancePolicy, {
      recurringWindow: {
        startTime: "2025-01-04T07:00:00Z",
        endTime: "2025-01-04T15:00:00Z",
        recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
      },
      maintenanceExclusions: [],
    });
  });

  it("is VPC-native on the named secondary ranges of its own subnetwork", () => {
    assert.equal(args.networkingMode, "VPC_NATIVE");
    assert.deepEqual(args.ipAllocationPolicy, {
      clusterSecondaryRangeName: "pods",
      servicesSecondaryRangeName: "services",
    });
    assert.equal(args.network, "net-id");
    assert.equal(args.subnetwork, "subnet-id");
  });

  it("enforces NetworkPolicy with Dataplane V2", () => {
    assert.equal(args.datapathProvider, "ADVANCED_DATAPATH");
  });

  it("uses the project's Workload Identity pool, shielded nodes and the release channel", () => {
    assert.deepEqual(args.workloadIdentityConfig, {
      workloadPool: "ucb-classhub.svc.id.goog",
    });
    assert.equal(args.enableShieldedNodes, true);
    assert.deepEqual(args.releaseChannel, { channel: "REGULAR" });
    assert.deepEqual(clusterArgs(gke({ releaseChannel: "STABLE" }), names, clusterRefs).releaseChannel, {
      channel: "STABLE",
    });
  });

  it("is protected from deletion unless the stack file says otherwise", () => {
    assert.equal(args.deletionProtection, true);
    assert.equal(clusterArgs(gke({ deletionProtection: false }), names, clusterRefs).deletionProtection, false);
  });

  it("removes the default node pool and hardens it while it exists", () => {
    assert.equal(args.removeDefaultNodePool, true);
    assert.equal(args.initialNodeCount, 1);
    assert.deepEqual(args.nodeConfig, {
      serviceAccount: "nodes@ucb-classhub.iam",
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
      workloadMetadataConfig: { mode: "GKE_METADATA" },
      shieldedInstanceConfig: {
        enableSecureBoot: true,
        enableIntegrityMonitoring: true,
      },
    });
  });

  it("turns off legacy ABAC and client certificates", () => {
    assert.equal(args.enableLegacyAbac, false);
    assert.deepEqual(args.masterAuth, {
      clientCertificateConfig: { issueClientCertificate: false },
    });
  });

  it("is regional, with zones and authorized networks only when set", () => {
    assert.equal(args.location, "us-central1");
    assert.equal(args.project, "ucb-classhub");
    assert.equal(args.name, "platform");
    assert.equal("nodeLocations" in args, false);
    assert.equal("masterAuthorizedNetworksConfig" in args, false);
    const set = clusterArgs(
      gke({
        nodeLocations: ["us-central1-b"],
        authorizedNetworks: ["198.51.100.0/24"],
      }),
      names,
      clusterRefs,
    );
    assert.deepEqual(set.nodeLocations, ["us-central1-b"]);
    assert.deepEqual(set.masterAuthorizedNetworksConfig, {
      cidrBlocks: [{ cidrBlock: "198.51.100.0/24", displayName: "198.51.100.0/24" }],
    });
  });

  it("passes the stack file's window and exclusions to GKE", () => {
    const policy = maintenancePolicy(
      gke({
        maintenance: {
          window: { start: "2026-01-06T10:00:00Z", end: "2026-01-06T16:00:00Z", recurrence: "FREQ=DAILY" },
          exclusions: [
            { name: "finals-fa26", start: "2026-12-07T00:00:00Z", end: "2026-12-19T00:00:00Z" },
            { name: "midterm", start: "2026-10-12T00:00:00Z", end: "2026-10-17T00:00:00Z", scope: "NO_UPGRADES" },
          ],
        },
      }),
    );
    assert.deepEqual(policy, {
      recurringWindow: { startTime: "2026-01-06T10:00:00Z", endTime: "2026-01-06T16:00:00Z", recurrence: "FREQ=DAILY" },
      maintenanceExclusions: [
        {
          exclusionName: "finals-fa26",
          startTime: "2026-12-07T00:00:00Z",
          endTime: "2026-12-19T00:00:00Z",
          exclusionOptions: { scope: "NO_MINOR_OR_NODE_UPGRADES" },
        },
        {
          exclusionName: "midterm",
          startTime: "2026-10-12T00:00:00Z",
          endTime: "2026-10-17T00:00:00Z",
          exclusionOptions: { scope: "NO_UPGRADES" },
        },
      ],
    });
  });

  it("enables the persistent disk CSI driver for home directories", () => {
    assert.deepEqual(args.addonsConfig, {
      gcePersistentDiskCsiDriverConfig: { enabled: true },
    });
  });
});

describe("node pools", () => {
  it("user pool is labelled and tainted for student servers and scales from 0", () => {
    const user = nodePoolArgs(gke(), "user", poolRefs);
    assert.equal(user.name, "user");
    assert.deepEqual(user.nodeConfig.labels, {
      "hub.jupyter.org/node-purpose": "user",
    });
    assert.deepEqual(user.nodeConfig.taints, [
      {
        key: "hub.jupyter.org/dedicated",
        value: "user",
        effect: "NO_SCHEDULE",
      },
    ]);
    assert.deepEqual(user.autoscaling, {
      totalMinNodeCount: 0,
      totalMaxNodeCount: 10,
    });
    assert.equal(user.initialNodeCount, 0);
    assert.equal(user.nodeConfig.machineType, "n2-highmem-4");
    assert.equal(user.nodeConfig.diskSizeGb, 100);
  });

  it("core pool is labelled core, untainted, and starts with its minimum", () => {
    const core = nodePoolArgs(gke(), "core", poolRefs);
    assert.deepEqual(core.nodeConfig.labels, {
      "hub.jupyter.org/node-purpose": "core",
    });
    assert.equal("taints" in core.nodeConfig, false);
    assert.deepEqual(core.autoscaling, {
      totalMinNodeCount: 1,
      totalMaxNodeCount: 3,
    });
    assert.equal(core.initialNodeCount, 1);
  });

  it("spreads a pool's minimum over its zones", () => {
    const config = gke({
      nodeLocations: ["us-central1-b", "us-central1-c"],
      userPool: { minNodes: 5 },
    });
    assert.equal(nodePoolArgs(config, "user", poolRefs).initialNodeCount, 3);
  });

  it("every pool uses the node account, the GKE metadata server and shielded VMs, and repairs itself", () => {
    for (const { kind, args } of nodePools(gke({ gpuPool: {}, userPool: { spot: true } }), poolRefs)) {
      const pool = nodePoolArgs(gke({ gpuPool: {}, userPool: { spot: true } }), kind, poolRefs);
      assert.deepEqual(args, pool);
      assert.equal(pool.nodeConfig.serviceAccount, "nodes@ucb-classhub.iam", kind);
      assert.deepEqual(pool.nodeConfig.oauthScopes, ["https://www.googleapis.com/auth/cloud-platform"], kind);
      assert.deepEqual(pool.nodeConfig.workloadMetadataConfig, { mode: "GKE_METADATA" }, kind);
      assert.deepEqual(
        pool.nodeConfig.shieldedInstanceConfig,
        { enableSecureBoot: true, enableIntegrityMonitoring: true },
        kind,
      );
      assert.equal(pool.nodeConfig.diskType, "pd-balanced", kind);
      assert.equal(pool.nodeConfig.spot, kind === "user", kind);
      assert.deepEqual(pool.management, { autoRepair: true, autoUpgrade: true }, kind);
      assert.equal(pool.cluster, "platform", kind);
      assert.equal(pool.location, "us-central1", kind);
    }
  });

  it("GPU pool carries the accelerator with GKE-installed drivers and the user label and taint", () => {
    const config = gke({
      gpuPool: {
        acceleratorType: "nvidia-l4",
        acceleratorCount: 2,
        machineType: "g2-standard-24",
      },
    });
    const gpu = nodePoolArgs(config, "gpu", poolRefs);
    assert.deepEqual(gpu.nodeConfig.guestAccelerators, [
      {
        type: "nvidia-l4",
        count: 2,
        gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" },
      },
    ]);
    assert.equal(gpu.nodeConfig.machineType, "g2-standard-24");
    assert.deepEqual(gpu.nodeConfig.labels, {
      "hub.jupyter.org/node-purpose": "user",
    });
    assert.deepEqual(gpu.nodeConfig.taints, [
      {
        key: "hub.jupyter.org/dedicated",
        value: "user",
        effect: "NO_SCHEDULE",
      },
      // GKE's own GPU taint, declared: GKE adds it only to a GPU pool that joins an existing cluster.
      { key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" },
    ]);
    assert.deepEqual(gpu.autoscaling, {
      totalMinNodeCount: 0,
      totalMaxNodeCount: 2,
    });
    assert.equal("guestAccelerators" in nodePoolArgs(config, "user", poolRefs).nodeConfig, false);
  });

  it("has a GPU pool only when gpuPool is set", () => {
    assert.deepEqual(
      nodePools(gke(), poolRefs).map((p) => p.kind),
      ["core", "user"],
    );
    assert.deepEqual(
      nodePools(gke({ gpuPool: {} }), poolRefs).map((p) => p.kind),
      ["core", "user", "gpu"],
    );
    assert.throws(() => nodePoolArgs(gke(), "gpu", poolRefs), {
      message: "classhub:cluster.gke.gpuPool is not set; there is no gpu pool",
    });
  });

  it("boots from pd-balanced unless set, or from Hyperdisk on families that take nothing else", () => {
    assert.equal(nodePoolArgs(gke(), "user", poolRefs).nodeConfig.diskType, "pd-balanced");
    const n4 = gke({ userPool: { machineType: "n4-highmem-8" } });
    assert.equal(nodePoolArgs(n4, "user", poolRefs).nodeConfig.diskType, "hyperdisk-balanced");
    const ssd = gke({ corePool: { diskType: "pd-ssd" } });
    assert.equal(nodePoolArgs(ssd, "core", poolRefs).nodeConfig.diskType, "pd-ssd");
    assert.equal(defaultBootDisk("c3-standard-8"), "pd-balanced");
    assert.equal(defaultBootDisk("x9-unknown-4"), "pd-balanced");
  });

  it("runs the user pool in GKE Sandbox only when asked, on Container-Optimized OS", () => {
    const plain = nodePoolArgs(gke(), "user", poolRefs).nodeConfig;
    assert.equal("sandboxConfig" in plain, false);
    assert.equal("imageType" in plain, false);
    const config = gke({ userPool: { sandbox: true }, gpuPool: {} });
    const sandboxed = nodePoolArgs(config, "user", poolRefs).nodeConfig;
    assert.deepEqual(sandboxed.sandboxConfig, { type: "GVISOR" });
    assert.equal(sandboxed.imageType, "COS_CONTAINERD");
    for (const kind of ["core", "gpu"] as const) {
      assert.equal("sandboxConfig" in nodePoolArgs(config, kind, poolRefs).nodeConfig, false, kind);
    }
  });
});
