// GKE resources as classhub's policies read them, and the stack-file keys that set them.
import * as gcp from "@pulumi/gcp";
import type { Unwrap } from "@pulumi/pulumi";
import {
  type ReportViolation,
  type ResourceValidation,
  type ResourceValidationArgs,
  validateResourceOfType,
} from "@pulumi/policy";
import { describe } from "./describe";
import { skipUnknown } from "./unknown";

/** Where classhub builds the cluster: most GKE settings are fixed there, not in the stack file. */
export const CLUSTER_ARGS = "clusterArgs() in components/cluster/gke.ts";
export const NODE_POOL_ARGS = "nodePoolArgs() in components/cluster/gke.ts";

/**
 * A cluster's and a node pool's inputs as pulumi-gcp types them, so that reading a field the provider no longer has
 * (masterAuth.username, say) fails to compile instead of quietly reading undefined.
 */
export type ClusterProps = Unwrap<gcp.container.ClusterArgs>;
export type NodePoolProps = Unwrap<gcp.container.NodePoolArgs>;

type Check<P> = (props: P, resource: string, args: ResourceValidationArgs, reportViolation: ReportViolation) => void;

export function clusterValidation(check: Check<ClusterProps>): ResourceValidation {
  return validateResourceOfType(gcp.container.Cluster, (cluster, args, report) =>
    skipUnknown(check)(cluster, describe(args), args, report),
  );
}

export function nodePoolValidation(check: Check<NodePoolProps>): ResourceValidation {
  return validateResourceOfType(gcp.container.NodePool, (pool, args, report) =>
    skipUnknown(check)(pool, describe(args), args, report),
  );
}

/** The stack-file key of a node pool, from its GKE name (core, user or gpu; see nodePools() in components/cluster/gke.ts). */
export function poolKey(name: string): string {
  const kind = ["core", "user", "gpu"].find((k) => name === k || name.endsWith(`-${k}`));
  // Any other pool is one of the extra user pools, which the stack file lists by name.
  return kind === undefined ? `classhub:cluster.gke.extraUserPools[name=${name}]` : `classhub:cluster.gke.${kind}Pool`;
}

/** Whether a GKE location is a zone (`us-central1-b`) rather than a region (`us-central1`). */
export function isZone(location: string): boolean {
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(location);
}

/**
 * How many zones of a regional cluster GKE spreads a pool over when neither the pool nor the cluster lists them:
 * GKE's documented default for regional clusters is three zones of the region, whatever the region's zone count.
 */
export const DEFAULT_REGIONAL_ZONES = 3;
