import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { clusterArgs, kubeconfig, nodePoolArgs, nodePools, resourceNames } from "../../components/cluster/gke";
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

describe("kubeconfig", () => {
  const config = parse(kubeconfig("platform", "10.0.0.2", "Q0E="));

  it("points at the endpoint over https and trusts the cluster CA", () => {
    assert.deepEqual(config.clusters, [
      {
        name: "platform",
        cluster: {
          server: "https://10.0.0.2",
          "certificate-authority-data": "Q0E=",
        },
      },
    ]);
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
});

describe("clusterArgs", () => {
  const args = clusterArgs(gke(), names, clusterRefs);

  it("has private nodes and a public, IAM-authenticated endpoint", () => {
    assert.deepEqual(args.privateClusterConfig, {
      enablePrivateNodes: true,
      enablePrivateEndpoint: false,
      masterIpv4CidrBlock: "172.16.0.0/28",
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
});
