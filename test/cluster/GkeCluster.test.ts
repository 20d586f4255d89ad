import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { GkeConfig } from "../../components/config";
import { gke, unchecked } from "./fixtures";

interface Recorded {
  type: string;
  name: string;
  /** Inputs as the engine receives them: outputs resolved, secrets unwrapped. */
  inputs: Record<string, any>;
  /** `type::name` of the parent, and the options that matter here, as the program passed them. */
  parent?: string;
  deleteBeforeReplace?: boolean;
  ignoreChanges?: string[];
  protect?: boolean;
  /** `type::name` of each explicit dependency. */
  dependsOn?: string[];
}

const recorded = new Map<string, Recorded>();
const DNS_ENDPOINT = "gke-0123456789abcdef0123456789abcdef-123456789012.us-central1.gke.goog";
const key = (type: string, name: string) => `${type}::${name}`;

/** Plausible provider outputs for what GkeCluster reads back. */
function state(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  switch (type) {
    case "gcp:container/cluster:Cluster":
      return {
        ...inputs,
        endpoint: "10.0.0.2",
        controlPlaneEndpointsConfig: { dnsEndpointConfig: { endpoint: DNS_ENDPOINT, allowExternalTraffic: true } },
        masterAuth: { ...inputs.masterAuth, clusterCaCertificate: "Q0E=" },
      };
    case "gcp:serviceaccount/account:Account":
      return {
        ...inputs,
        email: `${name}@ucb-classhub.iam.gserviceaccount.com`,
        member: `serviceAccount:${name}@ucb-classhub.iam.gserviceaccount.com`,
      };
    default:
      return inputs;
  }
}

const resolve = <T>(output: pulumi.Output<T>) => new Promise<T>((done) => output.apply(done));

let GkeCluster: typeof import("../../components/cluster/GkeCluster").GkeCluster;

/** Builds a GkeCluster in its own mock stack and waits until every child is registered. */
async function build(name: string, config: GkeConfig) {
  let cluster: InstanceType<typeof GkeCluster> | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    // Sees each resource's options as the program passed them, which the mock monitor does not report.
    pulumi.runtime.registerStackTransformation((args) => {
      const opts = args.opts as pulumi.CustomResourceOptions;
      const parent = opts.parent as (pulumi.Resource & { __pulumiType: string; __name: string }) | undefined;
      const id = (r: any) => key(r.__pulumiType, r.__name);
      const entry = recorded.get(key(args.type, args.name)) ?? {
        type: args.type,
        name: args.name,
        inputs: {},
      };
      recorded.set(key(args.type, args.name), {
        ...entry,
        parent: parent === undefined ? undefined : key(parent.__pulumiType, parent.__name),
        deleteBeforeReplace: opts.deleteBeforeReplace,
        ignoreChanges: opts.ignoreChanges,
        protect: opts.protect,
        dependsOn: ([] as pulumi.Resource[]).concat((opts.dependsOn as any) ?? []).map(id),
      });
      return undefined;
    });
    cluster = new GkeCluster(name, { config });
  });
  // The provider depends on the node pools (which wait for the node roles) and on NAT, and its kubeconfig on the
  // cluster: once its URN is known, every child has been registered.
  await resolve(cluster!.provider.urn);
  return cluster!;
}

const children = (name: string) =>
  [...recorded.values()].filter((r) => r.name.startsWith(name) && r.type !== "classhub:cluster:GkeCluster");
const find = (type: string, name: string) => {
  const r = recorded.get(key(type, name));
  assert.ok(r, `${type} ${name} was not registered`);
  return r;
};

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: ({ type, name, inputs }) => {
        const entry = recorded.get(key(type, name));
        recorded.set(key(type, name), { ...entry, type, name, inputs });
        return { id: `${name}-id`, state: state(type, name, inputs) };
      },
      call: ({ inputs }) => inputs,
    },
    "classhub",
    "platform",
    false,
  );
  ({ GkeCluster } = await import("../../components/cluster/GkeCluster"));
});

describe("GkeCluster", () => {
  let platform: InstanceType<typeof GkeCluster>;
  before(async () => {
    platform = await build("platform", gke());
  });

  it("registers the APIs, VPC, NAT, node account and roles, cluster, two pools and a provider", () => {
    assert.deepEqual(
      children("platform")
        .map((r) => `${r.type} ${r.name}`)
        .sort(),
      [
        "gcp:compute/network:Network platform-vpc",
        "gcp:compute/router:Router platform-router",
        "gcp:compute/routerNat:RouterNat platform-nat",
        "gcp:compute/subnetwork:Subnetwork platform-nodes",
        "gcp:container/cluster:Cluster platform",
        "gcp:container/nodePool:NodePool platform-core",
        "gcp:container/nodePool:NodePool platform-user",
        "gcp:projects/iAMMember:IAMMember platform-nodes-artifactregistry-reader",
        "gcp:projects/iAMMember:IAMMember platform-nodes-container-defaultNodeServiceAccount",
        "gcp:projects/service:Service platform-api-cloudresourcemanager",
        "gcp:projects/service:Service platform-api-compute",
        "gcp:projects/service:Service platform-api-container",
        "gcp:projects/service:Service platform-api-iam",
        "gcp:serviceaccount/account:Account platform-nodes",
        "pulumi:providers:kubernetes platform",
      ],
    );
  });

  it("parents every child to the component", async () => {
    for (const r of children("platform")) assert.equal(r.parent, "classhub:cluster:GkeCluster::platform", r.name);
    assert.equal(
      await resolve(platform.provider.urn),
      "urn:pulumi:platform::classhub::classhub:cluster:GkeCluster$pulumi:providers:kubernetes::platform",
    );
  });

  it("wires the cluster to its subnetwork and node account", () => {
    const cluster = find("gcp:container/cluster:Cluster", "platform").inputs;
    assert.equal(cluster.network, "platform-vpc-id");
    assert.equal(cluster.subnetwork, "platform-nodes-id");
    assert.equal(cluster.nodeConfig.serviceAccount, "platform-nodes@ucb-classhub.iam.gserviceaccount.com");
    assert.deepEqual(cluster.privateClusterConfig, {
      enablePrivateNodes: true,
      enablePrivateEndpoint: true,
      masterIpv4CidrBlock: "172.16.0.0/28",
    });
    assert.equal(cluster.datapathProvider, "ADVANCED_DATAPATH");
    assert.equal(cluster.deletionProtection, true);
    assert.deepEqual(find("gcp:container/cluster:Cluster", "platform").ignoreChanges, ["nodeConfig"]);
  });

  it("binds the roles to the node account", () => {
    const role = find("gcp:projects/iAMMember:IAMMember", "platform-nodes-container-defaultNodeServiceAccount").inputs;
    assert.deepEqual(role, {
      project: "ucb-classhub",
      role: "roles/container.defaultNodeServiceAccount",
      member: "serviceAccount:platform-nodes@ucb-classhub.iam.gserviceaccount.com",
    });
  });

  it("node pools use the GKE metadata server and the node account", () => {
    for (const pool of ["platform-core", "platform-user"]) {
      const { inputs } = find("gcp:container/nodePool:NodePool", pool);
      assert.deepEqual(inputs.nodeConfig.workloadMetadataConfig, { mode: "GKE_METADATA" }, pool);
      assert.equal(inputs.nodeConfig.serviceAccount, "platform-nodes@ucb-classhub.iam.gserviceaccount.com", pool);
      assert.equal(inputs.cluster, "platform", pool);
    }
  });

  it("the user pool carries the user label and taint and scales from 0", () => {
    const { inputs, deleteBeforeReplace, ignoreChanges } = find("gcp:container/nodePool:NodePool", "platform-user");
    assert.deepEqual(inputs.nodeConfig.labels, {
      "hub.jupyter.org/node-purpose": "user",
    });
    assert.deepEqual(inputs.nodeConfig.taints, [
      {
        key: "hub.jupyter.org/dedicated",
        value: "user",
        effect: "NO_SCHEDULE",
      },
    ]);
    assert.deepEqual(inputs.autoscaling, {
      totalMinNodeCount: 0,
      totalMaxNodeCount: 10,
    });
    assert.equal(deleteBeforeReplace, true);
    assert.deepEqual(ignoreChanges, ["initialNodeCount"]);
  });

  it("exposes the kubeconfig as a secret that points at the DNS endpoint, not the IP", async () => {
    assert.equal(await pulumi.isSecret(platform.kubeconfig), true);
    const text = await resolve(platform.kubeconfig);
    assert.match(text, new RegExp(`server: https://${DNS_ENDPOINT.replace(/\./g, "\\.")}\n`));
    assert.doesNotMatch(text, /10\.0\.0\.2|certificate-authority/);
    assert.match(text, /command: gke-gcloud-auth-plugin\n/);
    assert.equal(await resolve(platform.endpoint), DNS_ENDPOINT);
    assert.equal(await resolve(platform.clusterName), "platform");
    assert.equal(await resolve(platform.clusterId), "platform-id");
  });

  it("gives the provider the kubeconfig, still secret, and the cluster id as its identity", () => {
    const provider = find("pulumi:providers:kubernetes", "platform").inputs;
    assert.equal(provider.clusterIdentifier, "platform-id");
    // The mock monitor hands secret inputs over in their wire form.
    assert.equal(provider.kubeconfig[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
    assert.match(provider.kubeconfig.value, /server: https:\/\/gke-0123456789abcdef/);
  });

  it("enables the APIs it calls and leaves them on when destroyed", () => {
    const apis = children("platform").filter((r) => r.type === "gcp:projects/service:Service");
    assert.deepEqual(apis.map((r) => r.inputs.service).sort(), [
      "cloudresourcemanager.googleapis.com",
      "compute.googleapis.com",
      "container.googleapis.com",
      "iam.googleapis.com",
    ]);
    for (const { inputs } of apis) {
      assert.equal(inputs.project, "ucb-classhub");
      assert.equal(inputs.disableOnDestroy, false, inputs.service);
      assert.equal(inputs.disableDependentServices, false, inputs.service);
    }
  });

  it("every other GCP resource waits for every API", () => {
    const apis = children("platform")
      .filter((r) => r.type === "gcp:projects/service:Service")
      .map((r) => key(r.type, r.name));
    const others = children("platform").filter((r) => r.type.startsWith("gcp:") && !apis.includes(key(r.type, r.name)));
    assert.equal(others.length, 10);
    for (const r of others) {
      for (const api of apis) assert.ok(r.dependsOn?.includes(api), `${r.name} waits for ${api}`);
    }
  });

  it("protects the cluster and its pools in Pulumi, unless deletionProtection is false", async () => {
    const protectedOnes = (name: string) =>
      children(name)
        .filter((r) => r.protect === true)
        .map((r) => r.type)
        .sort();
    assert.deepEqual(protectedOnes("platform"), [
      "gcp:container/cluster:Cluster",
      "gcp:container/nodePool:NodePool",
      "gcp:container/nodePool:NodePool",
    ]);
    await build("retiring", gke({ deletionProtection: false }));
    assert.deepEqual(protectedOnes("retiring"), []);
    assert.equal(find("gcp:container/cluster:Cluster", "retiring").inputs.deletionProtection, false);
  });

  it("has no GPU pool without gpuPool", () => {
    assert.equal(recorded.has(key("gcp:container/nodePool:NodePool", "platform-gpu")), false);
    assert.equal(platform.gpuAcceleratorType, undefined);
    assert.equal(platform.project, "ucb-classhub");
    assert.equal(platform.region, "us-central1");
  });

  it("creates a GPU pool with the accelerator when gpuPool is set", async () => {
    const seminar = await build("seminar", gke({ gpuPool: { maxNodes: 4 } }));
    const { inputs, parent } = find("gcp:container/nodePool:NodePool", "seminar-gpu");
    assert.deepEqual(inputs.nodeConfig.guestAccelerators, [
      {
        type: "nvidia-tesla-t4",
        count: 1,
        gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" },
      },
    ]);
    assert.equal(inputs.nodeConfig.machineType, "n1-standard-8");
    assert.deepEqual(inputs.nodeConfig.taints, [
      {
        key: "hub.jupyter.org/dedicated",
        value: "user",
        effect: "NO_SCHEDULE",
      },
      { key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" },
    ]);
    assert.deepEqual(inputs.autoscaling, {
      totalMinNodeCount: 0,
      totalMaxNodeCount: 4,
    });
    assert.equal(parent, "classhub:cluster:GkeCluster::seminar");
    assert.equal(seminar.gpuAcceleratorType, "nvidia-tesla-t4");
  });

  it("rejects settings GKE would refuse before registering any GCP resource", async () => {
    assert.throws(
      () =>
        new GkeCluster("broken", {
          config: unchecked({ corePool: { minNodes: 4 } }),
        }),
      (e: Error) =>
        e instanceof pulumi.ResourceError &&
        e.message ===
          "Invalid GKE settings:\n" +
            "  - classhub:cluster.gke.corePool.minNodes = 4: exceeds maxNodes 3; set minNodes at most maxNodes",
    );
    await new Promise((done) => setTimeout(done, 10));
    assert.deepEqual(children("broken"), []);
  });
});
