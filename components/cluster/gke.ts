// Pure builders for the GKE cluster, its node pools and its kubeconfig. GkeCluster only wires them up, so
// everything that decides what gets created is tested without mocks. Names and network args live in
// names.ts and network.ts and are re-exported here.
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { GkeConfig } from "../config";
import type { GkeNames } from "./names";
import { SECONDARY_RANGES } from "./network";

export * from "./names";
export * from "./network";

/** The node label the hub's pods select on (z2jh's convention, which KubeSpawner's settings follow). */
export const NODE_PURPOSE_LABEL = "hub.jupyter.org/node-purpose";

/**
 * Keeps everything but student servers off user nodes. In Kubernetes this is the taint
 * hub.jupyter.org/dedicated=user:NoSchedule, which the spawner tolerates.
 */
export const USER_TAINT = {
  key: "hub.jupyter.org/dedicated",
  value: "user",
  effect: "NO_SCHEDULE",
};

/** Full API scope; the node service account's IAM roles are what actually limit access. */
export const NODE_OAUTH_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"];

export type PoolKind = "core" | "user" | "gpu";

/** Node settings every pool shares, the default pool included: own service account, metadata server, shielded VM. */
function secureNodeConfig(serviceAccount: pulumi.Input<string>) {
  return {
    serviceAccount,
    oauthScopes: NODE_OAUTH_SCOPES,
    // Pods see the Workload Identity metadata server, never the node's own credentials.
    workloadMetadataConfig: { mode: "GKE_METADATA" },
    shieldedInstanceConfig: {
      enableSecureBoot: true,
      enableIntegrityMonitoring: true,
    },
  };
}

export interface ClusterRefs {
  network: pulumi.Input<string>;
  subnetwork: pulumi.Input<string>;
  serviceAccountEmail: pulumi.Input<string>;
}

export function clusterArgs(config: GkeConfig, names: GkeNames, refs: ClusterRefs) {
  return {
    project: config.project,
    name: names.cluster,
    // A regional cluster: its control plane survives a zone outage in the middle of an exam.
    location: config.region,
    ...(config.nodeLocations === undefined ? {} : { nodeLocations: config.nodeLocations }),
    // Node pools are separate resources so that changing one never recreates the cluster. GKE still needs a
    // first pool to create a cluster; it is removed straight away but gets the same hardened node settings.
    removeDefaultNodePool: true,
    initialNodeCount: 1,
    nodeConfig: secureNodeConfig(refs.serviceAccountEmail),
    network: refs.network,
    subnetwork: refs.subnetwork,
    networkingMode: "VPC_NATIVE",
    ipAllocationPolicy: {
      clusterSecondaryRangeName: SECONDARY_RANGES.pods,
      servicesSecondaryRangeName: SECONDARY_RANGES.services,
    },
    privateClusterConfig: {
      enablePrivateNodes: true,
      // The public endpoint stays so that the platform team and CI can reach it; IAM authenticates them.
      enablePrivateEndpoint: false,
      masterIpv4CidrBlock: config.network.controlPlaneCidr,
    },
    ...(config.authorizedNetworks.length === 0
      ? {}
      : {
          masterAuthorizedNetworksConfig: {
            cidrBlocks: config.authorizedNetworks.map((cidrBlock) => ({
              cidrBlock,
              displayName: cidrBlock,
            })),
          },
        }),
    // Dataplane V2 enforces NetworkPolicy, which the class namespaces rely on for isolation.
    datapathProvider: "ADVANCED_DATAPATH",
    workloadIdentityConfig: { workloadPool: `${config.project}.svc.id.goog` },
    enableShieldedNodes: true,
    releaseChannel: { channel: config.releaseChannel },
    deletionProtection: config.deletionProtection,
    enableLegacyAbac: false,
    // Access is through IAM only; a client certificate would be a credential that cannot be revoked.
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
    // Home directories are persistent disks.
    addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
  } satisfies gcp.container.ClusterArgs;
}

export interface NodePoolRefs {
  cluster: pulumi.Input<string>;
  serviceAccountEmail: pulumi.Input<string>;
}

/** The node pools of a cluster: core (hub, proxy, system pods), user (student servers) and, if set, gpu. */
export function nodePools(
  config: GkeConfig,
  refs: NodePoolRefs,
): { kind: PoolKind; args: gcp.container.NodePoolArgs }[] {
  const pools: { kind: PoolKind; args: gcp.container.NodePoolArgs }[] = [
    { kind: "core", args: nodePoolArgs(config, "core", refs) },
    { kind: "user", args: nodePoolArgs(config, "user", refs) },
  ];
  if (config.gpuPool !== undefined) pools.push({ kind: "gpu", args: nodePoolArgs(config, "gpu", refs) });
  return pools;
}

type PoolConfig = GkeConfig["corePool"] &
  Partial<Pick<NonNullable<GkeConfig["gpuPool"]>, "acceleratorType" | "acceleratorCount">>;

function poolConfig(config: GkeConfig, kind: PoolKind): PoolConfig {
  const pool = kind === "core" ? config.corePool : kind === "user" ? config.userPool : config.gpuPool;
  if (pool === undefined) throw new Error(`classhub:cluster.gke.gpuPool is not set; there is no ${kind} pool`);
  return pool;
}

export function nodePoolArgs(config: GkeConfig, kind: PoolKind, refs: NodePoolRefs) {
  const pool = poolConfig(config, kind);
  // A regional cluster spreads each pool over three zones unless nodeLocations says otherwise.
  const zones = config.nodeLocations?.length ?? 3;
  return {
    project: config.project,
    location: config.region,
    cluster: refs.cluster,
    // Unique within the cluster, and readable in node names (gke-<cluster>-<pool>-...).
    name: kind,
    // Per zone. Enough nodes to meet minNodes from the start: the autoscaler adds nodes only for pending pods.
    initialNodeCount: Math.ceil(pool.minNodes / zones),
    // Totals across zones, as the stack file's minNodes and maxNodes mean.
    autoscaling: {
      totalMinNodeCount: pool.minNodes,
      totalMaxNodeCount: pool.maxNodes,
    },
    management: { autoRepair: true, autoUpgrade: true },
    nodeConfig: {
      ...secureNodeConfig(refs.serviceAccountEmail),
      machineType: pool.machineType,
      diskSizeGb: pool.diskSizeGb,
      diskType: "pd-balanced",
      spot: pool.spot,
      labels: { [NODE_PURPOSE_LABEL]: kind === "core" ? "core" : "user" },
      // GKE also taints GPU nodes with nvidia.com/gpu, which pods requesting a GPU tolerate automatically.
      ...(kind === "core" ? {} : { taints: [USER_TAINT] }),
      ...(pool.acceleratorType === undefined
        ? {}
        : {
            guestAccelerators: [
              {
                type: pool.acceleratorType,
                count: pool.acceleratorCount ?? 1,
                // GKE installs the driver matching the node image, so no privileged installer DaemonSet is needed.
                gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" },
              },
            ],
          }),
    },
  } satisfies gcp.container.NodePoolArgs;
}

/**
 * A kubeconfig for the cluster whose user gets short-lived tokens from gke-gcloud-auth-plugin, so the text holds
 * no credential. caCertificate is base64, as GKE returns it.
 */
export function kubeconfig(clusterName: string, endpoint: string, caCertificate: string): string {
  return stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: clusterName,
          cluster: {
            server: `https://${endpoint}`,
            "certificate-authority-data": caCertificate,
          },
        },
      ],
      contexts: [
        {
          name: clusterName,
          context: { cluster: clusterName, user: clusterName },
        },
      ],
      "current-context": clusterName,
      users: [
        {
          name: clusterName,
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "gke-gcloud-auth-plugin",
              installHint:
                "Install gke-gcloud-auth-plugin for kubectl: gcloud components install gke-gcloud-auth-plugin " +
                "(https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin)",
              provideClusterInfo: true,
            },
          },
        },
      ],
    },
    // No line folding: people read and grep this file.
    { lineWidth: 0 },
  );
}
