import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { CLUSTER_ARGS, clusterValidation } from "../lib/gke";

/**
 * The default pool and pools declared inside the cluster resource cannot be changed without replacing the cluster,
 * and the default pool runs without classhub's labels, taints and autoscaling. Pools are separate NodePools.
 */
export const disallowDefaultNodePool: ResourceValidationPolicy = {
  name: "classhub-disallow-default-node-pool",
  description:
    "The cluster removes its default node pool and declares no node pools inline; pools are separate NodePools.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: clusterValidation((cluster, resource, _args, reportViolation) => {
    if (cluster.removeDefaultNodePool !== true) {
      reportViolation(
        `Expected removeDefaultNodePool true but found ${show(cluster.removeDefaultNodePool)} in ${resource}; ` +
          `set it to true in ${CLUSTER_ARGS}`,
      );
    }
    const inline: unknown[] = cluster.nodePools ?? [];
    if (inline.length > 0) {
      reportViolation(
        `Expected no inline nodePools but found ${inline.length} in ${resource}; ` +
          "declare them as gcp.container.NodePool resources (nodePools() in components/cluster/gke.ts)",
      );
    }
  }),
};
