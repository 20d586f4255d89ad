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
}

const recorded = new Map<string, Recorded>();
const key = (type: string, name: string) => `${type}::${name}`;

/** Plausible provider outputs for what GkeCluster reads back. */
function state(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  switch (type) {
    case "gcp:container/cluster:Cluster":
      return {
        ...inputs,
        endpoint: "10.0.0.2",
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

  it("registers the VPC, NAT, node account and roles, cluster, two pools and a provider", () => {
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
        "gcp:projects/iAMMember:IAMMember platform-nodes-logging-logWriter",
        "gcp:projects/iAMMember:IAMMember platform-nodes-monitoring-metricWriter",
        "gcp:projects/iAMMember:IAMMember platform-nodes-monitoring-viewer",
        "gcp:projects/iAMMember:IAMMember platform-nodes-stackdriver-resourceMetadata-writer",
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
      enablePrivateEndpoint: false,
      masterIpv4CidrBlock: "172.16.0.0/28",
    });
    assert.equal(cluster.datapathProvider, "ADVANCED_DATAPATH");
    assert.equal(cluster.deletionProtection, true);
    assert.deepEqual(find("gcp:container/cluster:Cluster", "platform").ignoreChanges, ["nodeConfig"]);
  });

  it("binds the roles to the node account", () => {
    const role = find("gcp:projects/iAMMember:IAMMember", "platform-nodes-logging-logWriter").inputs;
    assert.deepEqual(role, {
      project: "ucb-classhub",
      role: "roles/logging.logWriter",
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

  it("exposes the kubeconfig as a secret built from the cluster's endpoint and CA", async () => {
    assert.equal(await pulumi.isSecret(platform.kubeconfig), true);
    const text = await resolve(platform.kubeconfig);
    assert.match(text, /server: https:\/\/10\.0\.0\.2\n/);
    assert.match(text, /certificate-authority-data: Q0E=\n/);
    assert.match(text, /command: gke-gcloud-auth-plugin\n/);
    assert.equal(await resolve(platform.endpoint), "10.0.0.2");
    assert.equal(await resolve(platform.clusterName), "platform");
  });

  it("gives the provider the kubeconfig, still secret, and the cluster id as its identity", () => {
    const provider = find("pulumi:providers:kubernetes", "platform").inputs;
    assert.equal(provider.clusterIdentifier, "platform-id");
    // The mock monitor hands secret inputs over in their wire form.
    assert.equal(provider.kubeconfig[pulumi.runtime.specialSigKey], pulumi.runtime.specialSecretSig);
    assert.match(provider.kubeconfig.value, /server: https:\/\/10\.0\.0\.2\n/);
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
