// The GKE example stacks under Pulumi mocks: what a first `up` on a fresh project registers, and in what order.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { GCE_NAME } from "../../components/cluster/names";
import { readStackFile } from "../../tools/harness/stackfile";
import {
  MOCK_CLUSTER_STACK_OUTPUTS,
  type RecordedResource,
  runProgram,
  runStack,
  type StackRun,
} from "../../tools/harness/mockrun";

const runs = new Map<string, StackRun>();
const id = (r: RecordedResource) => `${r.type}::${r.name}`;
const gcpResources = (run: StackRun) => run.resources.filter((r) => r.type.startsWith("gcp:"));
const ofType = (run: StackRun, type: string) => run.resources.filter((r) => r.type === type);

/** A namespace of the most characters Kubernetes allows. */
const LONG_NAMESPACE = `data8-${"x".repeat(57)}`;

/** GCP resource types whose Compute Engine or GKE name Pulumi fills in when `name` is not set. */
const NAMED_TYPES = [
  "gcp:compute/address:Address",
  "gcp:compute/network:Network",
  "gcp:compute/subnetwork:Subnetwork",
  "gcp:compute/router:Router",
  "gcp:compute/routerNat:RouterNat",
  "gcp:container/cluster:Cluster",
  "gcp:container/nodePool:NodePool",
];
/** GCP resource types with no name of their own. */
const UNNAMED_TYPES = ["gcp:projects/service:Service", "gcp:projects/iAMMember:IAMMember"];

/** Every GCP resource's name as GCP will see it: the `name` input, or Pulumi's auto-name (8 characters more). */
function gcpNames(run: StackRun): string[] {
  return gcpResources(run).flatMap((r) => {
    if (UNNAMED_TYPES.includes(r.type)) return [];
    if (r.type === "gcp:serviceaccount/account:Account") return [r.inputs.accountId];
    assert.ok(NAMED_TYPES.includes(r.type), `${r.type} is neither a named nor an unnamed type here`);
    return [r.inputs.name ?? `${r.name}-abcdef0`];
  });
}

/** A class stack's config with the class namespace (and anything else) replaced. */
function withNamespace(stack: string, namespace: string) {
  const file = readStackFile(stack);
  const cls = JSON.parse(file.config["classhub:class"]);
  return { ...file, config: { ...file.config, "classhub:class": JSON.stringify({ ...cls, namespace }) } };
}

before(async () => {
  for (const stack of ["platform", "gpu-seminar-fa26", "data8-fa26", "dev"]) runs.set(stack, await runStack(stack));
});

describe("a first up on a fresh project", () => {
  for (const stack of ["platform", "gpu-seminar-fa26"]) {
    it(`${stack}: every GCP resource waits for the APIs it calls, which stay on after a destroy`, () => {
      const run = runs.get(stack)!;
      const apis = ofType(run, "gcp:projects/service:Service");
      assert.deepEqual(apis.map((r) => r.inputs.service).sort(), [
        "cloudresourcemanager.googleapis.com",
        "compute.googleapis.com",
        "container.googleapis.com",
        "iam.googleapis.com",
      ]);
      for (const api of apis) assert.equal(api.inputs.disableOnDestroy, false);
      const others = gcpResources(run).filter((r) => r.type !== "gcp:projects/service:Service");
      assert.ok(others.length >= 10);
      for (const r of others) {
        const missing = apis.map(id).filter((api) => !r.options.dependsOn.includes(api));
        assert.deepEqual(missing, [], `${id(r)} waits for every API`);
      }
    });
  }

  it("the class's reserved address on its own GKE cluster is among them", () => {
    const [address] = ofType(runs.get("gpu-seminar-fa26")!, "gcp:compute/address:Address");
    assert.ok(address, "gpu-seminar-fa26 reserves an address for its hostname");
    assert.ok(
      address.options.dependsOn.includes("gcp:projects/service:Service::classhub-gpu-seminar-fa26-api-compute"),
    );
  });

  it("on a cluster stack, the class's address waits for nothing: the cluster stack enabled the APIs", () => {
    const [address] = ofType(runs.get("data8-fa26")!, "gcp:compute/address:Address");
    assert.deepEqual(address.options.dependsOn, []);
    assert.deepEqual(ofType(runs.get("data8-fa26")!, "gcp:projects/service:Service"), []);
  });
});

describe("GCP names", () => {
  it("every GCP name of the example stacks is a valid Compute Engine name", () => {
    for (const [stack, run] of runs) {
      for (const name of gcpNames(run)) assert.match(name, GCE_NAME, `${stack}: ${name}`);
    }
  });

  it("keeps the auto-named addresses of existing classes, which a new name would replace", () => {
    for (const stack of ["data8-fa26", "gpu-seminar-fa26"]) {
      const [address] = ofType(runs.get(stack)!, "gcp:compute/address:Address");
      assert.equal(address.inputs.name, undefined, stack);
    }
  });

  for (const stack of ["data8-fa26", "gpu-seminar-fa26"]) {
    it(`${stack} with a 63-character namespace: every GCP name fits in 63 characters`, async () => {
      assert.equal(LONG_NAMESPACE.length, 63);
      const file = withNamespace(stack, LONG_NAMESPACE);
      const { loadConfig } = await import("../../components/config");
      const { buildStack } = await import("../../components/stack");
      // A long stack name too: the cluster's own names derive from it.
      const name = `${stack}-${"y".repeat(80)}`;
      const run = await runProgram(name, file.config, file.secretKeys, () => buildStack(loadConfig()));
      const [address] = ofType(run, "gcp:compute/address:Address");
      assert.ok(address.inputs.name, "the long namespace's address gets an explicit name");
      for (const gcpName of gcpNames(run)) {
        assert.ok(gcpName.length <= 63, `${gcpName} has ${gcpName.length} characters`);
        assert.match(gcpName, GCE_NAME);
      }
    });
  }
});

describe("deletion protection", () => {
  for (const stack of ["platform", "gpu-seminar-fa26"]) {
    it(`${stack}: Pulumi protects the cluster and its pools, and nothing else`, () => {
      const run = runs.get(stack)!;
      const pools = ofType(run, "gcp:container/nodePool:NodePool").length;
      assert.deepEqual(
        run.resources
          .filter((r) => r.options.protect === true)
          .map((r) => r.type)
          .sort(),
        ["gcp:container/cluster:Cluster", ...Array(pools).fill("gcp:container/nodePool:NodePool")],
      );
    });
  }
});

describe("the autoscaler and the class's own pods", () => {
  for (const stack of ["dev", "data8-fa26", "gpu-seminar-fa26"]) {
    it(`${stack}: the hub and the proxy are never evicted to empty a node; placeholders are`, () => {
      const deployments = runs.get(stack)!.resources.filter((r) => r.inputs.kind === "Deployment");
      const platform = deployments.filter((d) => ["hub", "proxy"].includes(d.inputs.metadata.name));
      assert.equal(platform.length, 2);
      for (const d of deployments.filter((d) => !platform.includes(d))) {
        assert.equal(d.inputs.metadata.name, "user-placeholder");
        assert.equal(d.inputs.spec.template.metadata.annotations, undefined, "placeholders yield to scale-down");
      }
      for (const d of platform) {
        assert.equal(
          d.inputs.spec.template.metadata.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"],
          "false",
          d.inputs.metadata.name,
        );
      }
    });
  }
});

describe("the cluster's identity", () => {
  it("the cluster stack exports its cluster's id and a kubeconfig for the DNS endpoint", () => {
    const run = runs.get("platform")!;
    assert.equal(run.outputs.clusterId, "classhub-platform-id");
    const [provider] = ofType(run, "pulumi:providers:kubernetes");
    assert.equal(provider.inputs.clusterIdentifier, run.outputs.clusterId);
    const kubeconfig = run.outputs.kubeconfig as string;
    assert.match(kubeconfig, /server: https:\/\/gke-[0-9a-f]{32}-123456789012\.us-central1\.gke\.goog\n/);
    assert.doesNotMatch(kubeconfig, /203\.0\.113\.1|certificate-authority-data/);
  });

  it("a class on a cluster stack gives its Kubernetes provider that identity", () => {
    const [provider] = ofType(runs.get("data8-fa26")!, "pulumi:providers:kubernetes");
    assert.equal(provider.inputs.clusterIdentifier, MOCK_CLUSTER_STACK_OUTPUTS.clusterId);
  });

  it("a class on a cluster stack from before clusterId derives the same identity from its other outputs", async () => {
    const { clusterIdentity } = await import("../../components/stack");
    const { clusterId, ...older } = MOCK_CLUSTER_STACK_OUTPUTS;
    assert.equal(clusterIdentity(older), clusterId);
    assert.equal(
      clusterIdentity({ ...older, clusterId: "projects/p/locations/l/clusters/c" }),
      "projects/p/locations/l/clusters/c",
    );
  });
});
