import * as gcp from "@pulumi/gcp";
import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { configWithDefaults } from "../lib/config";
import { describe } from "../lib/describe";
import { type ClusterProps, DEFAULT_REGIONAL_ZONES, isZone, type NodePoolProps, poolKey } from "../lib/gke";
import { known, skipUnknown } from "../lib/unknown";

interface Config {
  maxUserNodes: number;
  maxGpuNodes: number;
}

const configSchema: PolicyConfigSchema = {
  properties: {
    maxUserNodes: {
      type: "integer",
      minimum: 1,
      default: 100,
      description: "Most nodes the autoscaler may run in a node pool for students' servers.",
    },
    maxGpuNodes: {
      type: "integer",
      minimum: 0,
      default: 8,
      description: "Most nodes the autoscaler may run in a GPU node pool.",
    },
  },
};

/** The node label classhub puts on its pools (components/placement.ts; test/policy/contract.test.ts). */
export const USER_LABEL = "hub.jupyter.org/node-purpose";

/** The last part of a cluster reference: a pool names its cluster by name or by `projects/.../clusters/<name>`. */
const clusterName = (ref: string) => ref.split("/").pop()!;

/**
 * How many zones a pool's nodes run in, or undefined while that is unknown: the pool's nodeLocations; else its
 * cluster's (a zonal cluster's list leaves out its own zone); else one for a zonal cluster, or GKE's default of
 * three zones for a regional one. A pool whose cluster is not in the stack is judged by its own location.
 */
function zonesOf(pool: NodePoolProps, clusters: ClusterProps[]): number | undefined {
  const own = pool.nodeLocations ?? [];
  if (own.length > 0) return new Set(own).size;
  const ref = known(() => pool.cluster);
  if (ref === undefined) return undefined;
  const names = clusters.map((c) => known(() => c.name));
  const cluster = clusters[names.indexOf(clusterName(ref))];
  // A cluster whose name is not known yet may be this pool's.
  if (cluster === undefined && names.includes(undefined)) return undefined;
  const location = cluster === undefined ? pool.location : cluster.location;
  if (location === undefined) return undefined;
  const listed = cluster?.nodeLocations ?? [];
  if (isZone(location)) return new Set([location, ...listed]).size;
  return listed.length > 0 ? new Set(listed).size : DEFAULT_REGIONAL_ZONES;
}

/** The autoscaler adds nodes for every pending student's server; maxNodes is what caps the bill when something spins. */
export const enforceNodePoolCeilings: StackValidationPolicy = {
  name: "classhub-enforce-node-pool-ceilings",
  description: "User and GPU node pools autoscale to at most the pack config's ceilings, counted over all their zones.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema,
  validateStack: (args, reportViolation) => {
    const config = configWithDefaults<Config>(configSchema, args);
    const clusters = args.resources.filter((r) => r.isType(gcp.container.Cluster)).map((r) => r.props as ClusterProps);
    for (const r of args.resources.filter((r) => r.isType(gcp.container.NodePool))) {
      skipUnknown(() => {
        const pool = r.props as NodePoolProps;
        const gpu = (pool.nodeConfig?.guestAccelerators ?? []).length > 0;
        const user = pool.nodeConfig?.labels?.[USER_LABEL] === "user";
        if (!gpu && !user) return;
        const ceiling = gpu ? config.maxGpuNodes : config.maxUserNodes;
        const kind = gpu ? "GPU" : "user";
        const key = `${poolKey(pool.name ?? r.name)}.maxNodes`;
        const resource = describe(r);
        const autoscaling = pool.autoscaling ?? {};
        let max: number | undefined;
        let how = "";
        if (autoscaling.totalMaxNodeCount !== undefined) {
          max = autoscaling.totalMaxNodeCount;
        } else if (autoscaling.maxNodeCount !== undefined) {
          // A per-zone limit applies in every zone of the pool.
          const zones = zonesOf(pool, clusters);
          if (zones === undefined) return;
          max = autoscaling.maxNodeCount * zones;
          how = ` (${autoscaling.maxNodeCount} per zone in ${zones} zone${zones === 1 ? "" : "s"})`;
        }
        if (max === undefined) {
          reportViolation(
            `Expected autoscaling to at most ${ceiling} nodes in a ${kind} node pool but found no autoscaling limit in ${resource}; ` +
              `set ${key} to ${ceiling} or less`,
            r.urn,
          );
        } else if (max > ceiling) {
          reportViolation(
            `Expected at most ${ceiling} nodes in a ${kind} node pool but found ${max}${how} in ${resource}; ` +
              `set ${key} to ${ceiling} or less`,
            r.urn,
          );
        }
      })();
    }
  },
};
