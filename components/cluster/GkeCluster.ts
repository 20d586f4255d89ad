import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GkeConfig } from "../config";
import { gkeProblems } from "./checks";
import {
  clusterArgs,
  kubeconfig,
  networkArgs,
  nodePools,
  nodeRoleArgs,
  nodeServiceAccountArgs,
  resourceNames,
  routerArgs,
  routerNatArgs,
  subnetworkArgs,
} from "./gke";

export interface GkeClusterArgs {
  /**
   * Validated classhub:cluster.gke settings: project, region, network ranges, node pools. Defaults are those of
   * the config schema (components/config.ts), e.g. deletionProtection true and a user pool that scales from 0.
   */
  config: GkeConfig;
}

/**
 * A private, VPC-native GKE cluster for classhub: its own VPC with NAT, a least-privilege node service account,
 * Dataplane V2, Workload Identity and shielded nodes; core, user and optional GPU node pools; and a Kubernetes
 * provider that authenticates through gke-gcloud-auth-plugin.
 */
export class GkeCluster extends pulumi.ComponentResource {
  /** The GKE cluster's name. */
  public readonly clusterName: pulumi.Output<string>;
  /** The control plane's public IP address. */
  public readonly endpoint: pulumi.Output<string>;
  /** A kubeconfig using gke-gcloud-auth-plugin. Secret: it reveals where the control plane is. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** A provider for the cluster, created once the node pools, NAT and node roles exist. */
  public readonly provider: k8s.Provider;
  /** The GCP project id. */
  public readonly project: string;
  /** The GCP region. */
  public readonly region: string;
  /** The GPU pool's accelerator, e.g. nvidia-tesla-t4; undefined without a GPU pool. */
  public readonly gpuAcceleratorType: string | undefined;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("classhub:cluster:GkeCluster", name, {}, opts);
    const config = args.config;
    const problems = gkeProblems(config);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(`Invalid GKE settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`, this);
    }
    const names = resourceNames(name);
    const parent = { parent: this };

    const network = new gcp.compute.Network(`${name}-vpc`, networkArgs(config, names), parent);
    const subnetwork = new gcp.compute.Subnetwork(`${name}-nodes`, subnetworkArgs(config, names, network.id), parent);
    const router = new gcp.compute.Router(`${name}-router`, routerArgs(config, names, network.id), parent);
    const nat = new gcp.compute.RouterNat(`${name}-nat`, routerNatArgs(config, names, router.name), parent);

    const nodeAccount = new gcp.serviceaccount.Account(`${name}-nodes`, nodeServiceAccountArgs(config, names), parent);
    const roles = nodeRoleArgs(config, nodeAccount.member).map(
      (roleArgs) =>
        new gcp.projects.IAMMember(
          `${name}-nodes-${roleArgs.role.replace(/^roles\//, "").replace(/\./g, "-")}`,
          roleArgs,
          parent,
        ),
    );

    const cluster = new gcp.container.Cluster(
      name,
      clusterArgs(config, names, {
        network: network.id,
        subnetwork: subnetwork.id,
        serviceAccountEmail: nodeAccount.email,
      }),
      // nodeConfig only shapes the default pool, which is removed at once; afterwards GKE reports other values.
      { parent: this, ignoreChanges: ["nodeConfig"] },
    );

    const pools = nodePools(config, {
      cluster: cluster.name,
      serviceAccountEmail: nodeAccount.email,
    }).map(
      ({ kind, args: poolArgs }) =>
        new gcp.container.NodePool(`${name}-${kind}`, poolArgs, {
          parent: this,
          // Pools have fixed names, so a replacement must delete the old pool first.
          deleteBeforeReplace: true,
          // initialNodeCount only matters at creation, and changing it would replace the pool.
          ignoreChanges: ["initialNodeCount"],
          // Nodes write logs and pull images with these roles from their first boot.
          dependsOn: roles,
        }),
    );

    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.masterAuth])
        .apply(([clusterName, endpoint, auth]) => kubeconfig(clusterName, endpoint, auth.clusterCaCertificate ?? "")),
    );
    this.provider = new k8s.Provider(
      name,
      // The cluster id only changes when the cluster is replaced, so a new endpoint or CA updates the provider
      // in place instead of replacing every Kubernetes resource.
      { kubeconfig: this.kubeconfig, clusterIdentifier: cluster.id },
      // Workloads need nodes to run on and NAT to pull their images; without them a hub would time out pending.
      { parent: this, dependsOn: [...pools, nat] },
    );
    this.project = config.project;
    this.region = config.region;
    this.gpuAcceleratorType = config.gpuPool?.acceleratorType;

    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
    });
  }
}
