import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GkeConfig } from "../config/schema";
import { gkeProblems } from "../config/clusterRules";
import { FILESTORE_API, FILESTORE_SHARE, filestoreArgs } from "./filestore";
import {
  apiName,
  clusterArgs,
  kubeconfig,
  networkArgs,
  nodePools,
  nodeRoleArgs,
  nodeServiceAccountArgs,
  REQUIRED_APIS,
  resourceNames,
  routerArgs,
  routerNatArgs,
  serviceArgs,
  subnetworkArgs,
} from "./gke";

export interface GkeClusterArgs {
  /**
   * Validated classhub:cluster.gke settings: project, region, network ranges, node pools. Defaults are those of
   * the config schema (components/config/schema/), e.g. deletionProtection true and a user pool that scales from 0.
   */
  config: GkeConfig;
}

/**
 * A private, VPC-native GKE cluster for classhub: the Google APIs it needs, its own VPC with NAT, a least-privilege
 * node service account, Dataplane V2, Workload Identity and shielded nodes; core, user and optional GPU node pools;
 * and a Kubernetes provider that reaches the DNS endpoint through gke-gcloud-auth-plugin.
 */
export class GkeCluster extends pulumi.ComponentResource {
  /** The GKE cluster's name. */
  public readonly clusterName: pulumi.Output<string>;
  /** The cluster's identity, `projects/<project>/locations/<region>/clusters/<name>`; it changes only with a new cluster. */
  public readonly clusterId: pulumi.Output<string>;
  /** The control plane's DNS endpoint, e.g. gke-0123….us-central1.gke.goog. */
  public readonly endpoint: pulumi.Output<string>;
  /** A kubeconfig using gke-gcloud-auth-plugin. Secret: it reveals where the control plane is. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** A provider for the cluster, created once the node pools, NAT and node roles exist. */
  public readonly provider: k8s.Provider;
  /** The enabled APIs; anything else that calls GCP in this project should wait for them. */
  public readonly apis: gcp.projects.Service[];
  /** The GCP project id. */
  public readonly project: string;
  /** The GCP region. */
  public readonly region: string;
  /** The GPU pool's accelerator, e.g. nvidia-tesla-t4; undefined without a GPU pool. */
  public readonly gpuAcceleratorType: string | undefined;
  /** The Filestore share for classes' shared homes (classhub:cluster.gke.filestore); undefined without one. */
  public readonly filestore: { address: pulumi.Output<string>; share: string } | undefined;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:cluster:GkeCluster", name, {}, opts);
    const config = args.config;
    const problems = gkeProblems(config);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(`Invalid GKE settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`, this);
    }
    const names = resourceNames(name);

    // A fresh project has these off; every GCP resource below waits for them.
    this.apis = REQUIRED_APIS.map(
      (api) => new gcp.projects.Service(`${name}-api-${apiName(api)}`, serviceArgs(config, api), { parent: this }),
    );
    const gcpOpts = { parent: this, dependsOn: this.apis };

    const network = new gcp.compute.Network(`${name}-vpc`, networkArgs(config, names), gcpOpts);
    const subnetwork = new gcp.compute.Subnetwork(`${name}-nodes`, subnetworkArgs(config, names, network.id), gcpOpts);
    const router = new gcp.compute.Router(`${name}-router`, routerArgs(config, names, network.id), gcpOpts);
    const nat = new gcp.compute.RouterNat(`${name}-nat`, routerNatArgs(config, names, router.name), gcpOpts);
    this.filestore = config.filestore === undefined ? undefined : this.files(name, config, names, network);

    const nodeAccount = new gcp.serviceaccount.Account(`${name}-nodes`, nodeServiceAccountArgs(config, names), gcpOpts);
    const roles = nodeRoleArgs(config, nodeAccount.member).map(
      (roleArgs) =>
        new gcp.projects.IAMMember(
          `${name}-nodes-${roleArgs.role.replace(/^roles\//, "").replace(/\./g, "-")}`,
          roleArgs,
          gcpOpts,
        ),
    );

    const cluster = new gcp.container.Cluster(
      name,
      clusterArgs(config, names, {
        network: network.id,
        subnetwork: subnetwork.id,
        serviceAccountEmail: nodeAccount.email,
      }),
      {
        ...gcpOpts,
        // nodeConfig only shapes the default pool, which is removed at once; afterwards GKE reports other values.
        ignoreChanges: ["nodeConfig"],
        // The provider's deletionProtection is checked only when the cluster itself is deleted, after a destroy has
        // deleted the pools and the classes. Pulumi refuses to delete or replace a protected resource, and
        // `pulumi destroy` stops in its preview, before it deletes anything.
        protect: config.deletionProtection,
      },
    );

    const pools = nodePools(config, {
      cluster: cluster.name,
      serviceAccountEmail: nodeAccount.email,
    }).map(
      ({ name: pool, args: poolArgs }) =>
        new gcp.container.NodePool(`${name}-${pool}`, poolArgs, {
          parent: this,
          // Pools have fixed names, so a replacement must delete the old pool first.
          deleteBeforeReplace: true,
          // initialNodeCount only matters at creation, and changing it would replace the pool.
          ignoreChanges: ["initialNodeCount"],
          // Nodes write logs and pull images with these roles from their first boot.
          dependsOn: [...this.apis, ...roles],
          // Deleting a pool deletes every student server on it.
          protect: config.deletionProtection,
        }),
    );

    this.clusterName = cluster.name;
    this.clusterId = cluster.id;
    this.endpoint = cluster.controlPlaneEndpointsConfig.apply((c) => c?.dnsEndpointConfig?.endpoint ?? "");
    this.kubeconfig = pulumi.secret(
      pulumi.all([cluster.name, this.endpoint]).apply(([clusterName, endpoint]) => kubeconfig(clusterName, endpoint)),
    );
    this.provider = new k8s.Provider(
      name,
      // The cluster id only changes when the cluster is replaced, so a new endpoint updates the provider in place
      // instead of replacing every Kubernetes resource.
      { kubeconfig: this.kubeconfig, clusterIdentifier: this.clusterId },
      // Workloads need nodes to run on and NAT to pull their images; without them a hub would time out pending.
      { parent: this, dependsOn: [...pools, nat] },
    );
    this.project = config.project;
    this.region = config.region;
    this.gpuAcceleratorType = config.gpuPool?.acceleratorType;

    this.registerOutputs({
      clusterName: this.clusterName,
      clusterId: this.clusterId,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
    });
  }

  /** The Filestore instance in the cluster's VPC, after its API; protected like the cluster: it holds homes. */
  private files(
    name: string,
    config: GkeConfig,
    names: ReturnType<typeof resourceNames>,
    network: gcp.compute.Network,
  ) {
    const api = new gcp.projects.Service(`${name}-api-${apiName(FILESTORE_API)}`, serviceArgs(config, FILESTORE_API), {
      parent: this,
    });
    const instance = new gcp.filestore.Instance(`${name}-files`, filestoreArgs(config, config.filestore!, names), {
      parent: this,
      dependsOn: [...this.apis, api, network],
      protect: config.deletionProtection,
    });
    return { address: instance.networks.apply((n) => n[0].ipAddresses[0]), share: FILESTORE_SHARE };
  }
}
