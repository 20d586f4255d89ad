// The cluster's Filestore instance and its extra user pools, under Pulumi mocks: what the cluster stack creates and
// exports, and what a class on that cluster stack makes of those outputs.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { poolTaints } from "../../components/hub/servers";
import { GKE_POOL_LABEL } from "../../components/placement";
import { readStackFile } from "../../tools/harness/stackfile";
import {
  MOCK_CLUSTER_STACK_OUTPUTS,
  type RecordedResource,
  runStack,
  type StackRun,
} from "../../tools/harness/mockrun";

const id = (r: RecordedResource) => `${r.type}::${r.name}`;
const ofType = (run: StackRun, type: string) => run.resources.filter((r) => r.type === type);
const one = (run: StackRun, type: string) => {
  const found = ofType(run, type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0];
};

/** The platform example's cluster config with `change` applied. */
function platformCluster(change: (gke: any) => void) {
  const cluster = JSON.parse(readStackFile("platform").config["classhub:cluster"]);
  change(cluster.gke);
  return { cluster };
}

/** The ds100 example, a class on the platform cluster stack, with `change` applied. */
function ds100(change: (cls: any) => void) {
  const cls = JSON.parse(readStackFile("ds100-sp27").config["classhub:class"]);
  change(cls);
  return { class: cls };
}

/** The same, with its homes on the cluster's Filestore share. */
const ds100OnFilestore = () => ds100((cls) => (cls.storage.shared = { filestore: {} }));

/** What the platform stack exports once it has a Filestore instance and a highmem pool. */
const WITH_FILESTORE = {
  ...MOCK_CLUSTER_STACK_OUTPUTS,
  filestore: { address: "10.200.0.2", share: "classhub" },
  // as the cluster stack exports its pools: each pool's taint by name
  extraUserPools: poolTaints([{ name: "highmem" }]),
};

describe("the cluster stack's Filestore instance", () => {
  let platform: StackRun;
  before(async () => {
    platform = await runStack(
      "platform",
      platformCluster((gke) => (gke.filestore = { tier: "BASIC_HDD", capacityGb: 2048 })),
    );
  });

  it("is one share in the cluster's VPC that only the nodes may mount, without root squash", () => {
    const instance = one(platform, "gcp:filestore/instance:Instance");
    const [network] = ofType(platform, "gcp:compute/network:Network");
    const [nodes] = ofType(platform, "gcp:compute/subnetwork:Subnetwork");
    assert.equal(instance.inputs.project, "ucb-classhub");
    assert.equal(instance.inputs.location, "us-central1-b", "the first of nodeLocations");
    assert.equal(instance.inputs.tier, "BASIC_HDD");
    assert.deepEqual(instance.inputs.fileShares, {
      name: "classhub",
      capacityGb: 2048,
      nfsExportOptions: [
        {
          ipRanges: [nodes.inputs.ipCidrRange],
          accessMode: "READ_WRITE",
          squashMode: "NO_ROOT_SQUASH",
        },
      ],
    });
    assert.deepEqual(instance.inputs.networks, [
      { network: network.inputs.name, modes: ["MODE_IPV4"], connectMode: "DIRECT_PEERING" },
    ]);
  });

  it("waits for the Filestore API and, holding homes, is protected like the cluster", () => {
    const instance = one(platform, "gcp:filestore/instance:Instance");
    const api = ofType(platform, "gcp:projects/service:Service").find(
      (s) => s.inputs.service === "file.googleapis.com",
    );
    assert.ok(api, "the Filestore API is enabled");
    assert.equal(api.inputs.disableOnDestroy, false);
    assert.ok(instance.options.dependsOn.includes(id(api)), "the instance waits for its API");
    assert.equal(instance.options.protect, true);
    assert.equal(instance.inputs.deletionProtectionEnabled, true);
  });

  it("is exported for class stacks, as the address and share they mount", () => {
    assert.deepEqual(platform.outputs.filestore, { address: "10.200.0.2", share: "classhub" });
  });

  it("a cluster stack without one creates and exports none", async () => {
    const plain = await runStack("platform");
    assert.deepEqual(ofType(plain, "gcp:filestore/instance:Instance"), []);
    assert.equal(plain.outputs.filestore, undefined);
    assert.ok(!ofType(plain, "gcp:projects/service:Service").some((s) => s.inputs.service === "file.googleapis.com"));
  });
});

describe("a class on the cluster stack's Filestore share", () => {
  it("mounts the exported address and share, in a folder of its own", async () => {
    const run = await runStack("ds100-sp27", ds100OnFilestore(), ".", WITH_FILESTORE);
    const volume = one(run, "kubernetes:core/v1:PersistentVolume");
    assert.deepEqual(volume.inputs.spec.nfs, { server: "10.200.0.2", path: "/classhub" });
    const [settings] = ofType(run, "kubernetes:core/v1:ConfigMap").filter((c) => c.name.endsWith("hub-config"));
    const hub = JSON.parse(settings.inputs.data["hub-settings.json"]);
    for (const mount of hub.storage.shared.studentMounts) assert.match(mount.subPath, /^ds100-sp27\//);
  });

  it("fails, naming both keys, on a cluster stack that exports no Filestore share", async () => {
    await assert.rejects(runStack("ds100-sp27", ds100OnFilestore(), ".", MOCK_CLUSTER_STACK_OUTPUTS), {
      message:
        /classhub:class\.storage\.shared\.filestore: the cluster stack exports no filestore; set classhub:cluster\.gke\.filestore there/,
    });
  });
});

describe("a class on the cluster stack's extra user pools", () => {
  const highmemProfile = (cls: any) =>
    (cls.profiles = [
      { slug: "standard", displayName: "Standard", default: true },
      { slug: "big-data", displayName: "Big data", placement: { nodePool: "highmem" } },
    ]);

  it("places a profile on the pool the cluster stack exports, with its taint tolerated", async () => {
    const run = await runStack("ds100-sp27", ds100(highmemProfile), ".", WITH_FILESTORE);
    const [settings] = ofType(run, "kubernetes:core/v1:ConfigMap").filter((c) => c.name.endsWith("hub-config"));
    const [, bigData] = JSON.parse(settings.inputs.data["hub-settings.json"]).spawner.profiles;
    const taint = WITH_FILESTORE.extraUserPools.highmem;
    assert.equal(bigData.overrides.nodeSelector[GKE_POOL_LABEL], "highmem");
    assert.ok(
      bigData.overrides.tolerations.some(
        (t: any) => t.key === taint.key && t.value === taint.value && t.effect === taint.effect,
      ),
      JSON.stringify(bigData.overrides.tolerations),
    );
  });

  it("fails, naming the key and the pools there are, on a cluster stack without that pool", async () => {
    await assert.rejects(runStack("ds100-sp27", ds100(highmemProfile), ".", MOCK_CLUSTER_STACK_OUTPUTS), {
      message:
        /classhub:class\.profiles\[1\]\.placement\.nodePool = "highmem": is not one of the cluster's extra user pools/,
    });
  });
});
