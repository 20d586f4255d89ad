// Pure builders for the GKE cluster and its node pools. GkeCluster only wires them up, so everything that decides
// what gets created is tested without mocks. Names, APIs, network args, machine tables and the kubeconfig live in
// names.ts, apis.ts, network.ts, machines.ts and kubeconfig.ts and are re-exported here.
import { GATEWAY_API_CONFIG } from "../ingress/gcp";
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { GkeConfig } from "../config/schema";
import { CORE_NODES, extraPoolTaint, GPU_TAINT, gkeTaint, USER_NODES, USER_TAINT } from "../placement";
import { defaultBootDisk } from "./machines";
import type { GkeNames } from "./names";
import { SECONDARY_RANGES } from "./network";

export * from "./apis";
export * from "./kubeconfig";
export * from "./machines";
export * from "./names";
export * from "./network";

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
      // People and CI use the DNS endpoint below; the IP endpoint stays private to the VPC unless asked for.
      enablePrivateEndpoint: !config.publicIpEndpoint,
      masterIpv4CidrBlock: config.network.controlPlaneCidr,
    },
    controlPlaneEndpointsConfig: {
      // Reachable from anywhere, hosted CI included, but only by callers Google IAM lets through
      // (container.clusters.connect) before Kubernetes RBAC sees them. The kubeconfig points here.
      dnsEndpointConfig: { allowExternalTraffic: true },
      // Nodes and pods reach the API server on its private IP (kubernetes.default).
      ipEndpointsConfig: { enabled: true },
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
    maintenancePolicy: maintenancePolicy(config),
    // Pack students' servers onto few nodes and remove empty ones sooner; node auto-provisioning stays off.
    clusterAutoscaling: { enabled: false, autoscalingProfile: "OPTIMIZE_UTILIZATION" },
    // the shared Gateway's GatewayClasses exist only where the Gateway API is on
    ...(config.gateway ? { gatewayApiConfig: GATEWAY_API_CONFIG } : {}),
    deletionProtection: config.deletionProtection,
    enableLegacyAbac: false,
    // Access is through IAM only; a client certificate would be a credential that cannot be revoked.
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
    // Home directories are persistent disks.
    addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
  } satisfies gcp.container.ClusterArgs;
}

/** The maintenance window and exclusions (validated in config/clusterRules.ts), as GKE takes them. */
export function maintenancePolicy(config: GkeConfig) {
  const { window, exclusions } = config.maintenance;
  return {
    recurringWindow: { startTime: window.start, endTime: window.end, recurrence: window.recurrence },
    maintenanceExclusions: exclusions.map((e) => ({
      exclusionName: e.name,
      startTime: e.start,
      endTime: e.end,
      exclusionOptions: { scope: e.scope },
    })),
  } satisfies gcp.types.input.container.ClusterMaintenancePolicy;
}

/** Taints of a pool: user and GPU nodes keep everything but students' servers off; GPU nodes also CPU servers. */
export function poolTaints(kind: PoolKind) {
  return { core: [], user: [gkeTaint(USER_TAINT)], gpu: [gkeTaint(USER_TAINT), gkeTaint(GPU_TAINT)] }[kind];
}

export interface NodePoolRefs {
  cluster: pulumi.Input<string>;
  serviceAccountEmail: pulumi.Input<string>;
}

/**
 * The node pools of a cluster: core (hub, proxy, system pods), user (student servers), gpu if set, and the extra
 * user pools, each under its own name.
 */
export function nodePools(
  config: GkeConfig,
  refs: NodePoolRefs,
): { kind: PoolKind | "extra"; name: string; args: gcp.container.NodePoolArgs }[] {
  const kinds: PoolKind[] = config.gpuPool === undefined ? ["core", "user"] : ["core", "user", "gpu"];
  return [
    ...kinds.map((kind) => ({ kind, name: kind, args: nodePoolArgs(config, kind, refs) })),
    ...config.extraUserPools.map(({ name }) => ({
      kind: "extra" as const,
      name,
      args: nodePoolArgs(config, name, refs),
    })),
  ];
}

type PoolConfig = GkeConfig["corePool"] &
  Partial<Pick<NonNullable<GkeConfig["gpuPool"]>, "acceleratorType" | "acceleratorCount">> &
  Partial<Pick<GkeConfig["userPool"], "sandbox">>;

function poolConfig(config: GkeConfig, kind: PoolKind): PoolConfig {
  const pool = kind === "core" ? config.corePool : kind === "user" ? config.userPool : config.gpuPool;
  if (pool === undefined) throw new Error(`classhub:cluster.gke.gpuPool is not set; there is no ${kind} pool`);
  return pool;
}

/** The pool `name`: core, user, gpu, or one of the extra user pools, which also carry their own taint. */
export function nodePoolArgs(config: GkeConfig, name: PoolKind | string, refs: NodePoolRefs) {
  const extra = config.extraUserPools.find((pool) => pool.name === name);
  if (extra !== undefined) {
    // Sandboxed like the user pool, so that the class's runtime class fits every user node.
    const pool = { ...extra, sandbox: config.userPool.sandbox };
    return poolArgs(config, name, pool, [gkeTaint(USER_TAINT), gkeTaint(extraPoolTaint(extra))], refs);
  }
  const kind = name as PoolKind;
  return poolArgs(config, kind, poolConfig(config, kind), poolTaints(kind), refs);
}

/** A pool named `name`; every pool but core is for student servers (USER_NODES). */
function poolArgs(
  config: GkeConfig,
  name: string,
  pool: PoolConfig,
  taints: ReturnType<typeof poolTaints>,
  refs: NodePoolRefs,
) {
  // A regional cluster spreads each pool over three zones unless nodeLocations says otherwise.
  const zones = config.nodeLocations?.length ?? 3;
  return {
    project: config.project,
    location: config.region,
    cluster: refs.cluster,
    // Unique within the cluster, and readable in node names (gke-<cluster>-<pool>-...).
    name,
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
      diskType: pool.diskType ?? defaultBootDisk(pool.machineType),
      spot: pool.spot,
      labels: name === "core" ? CORE_NODES : USER_NODES,
      // GKE taints GPU nodes itself only when they join a cluster that already has other pools; declared here,
      // the GPU taint is there from the first node. Pods that request a GPU tolerate it automatically.
      ...(taints.length === 0 ? {} : { taints }),
      // GKE Sandbox needs Container-Optimized OS with containerd; GKE taints these nodes for RuntimeClass gvisor.
      ...(pool.sandbox === true ? { imageType: "COS_CONTAINERD", sandboxConfig: { type: "GVISOR" } } : {}),
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
