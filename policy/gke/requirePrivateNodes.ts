import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { CLUSTER_ARGS, NODE_POOL_ARGS, clusterValidation, nodePoolValidation } from "../lib/gke";

/** Nodes with public addresses expose kubelets and node ports to the internet; classhub's nodes reach out through NAT. */
export const requirePrivateNodes: ResourceValidationPolicy = {
  name: "classhub-require-private-nodes",
  description: "GKE nodes have no public IP addresses: the cluster enables private nodes and no node pool opts out.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: [
    clusterValidation((cluster, resource, _args, reportViolation) => {
      const enabled = cluster.privateClusterConfig?.enablePrivateNodes;
      if (enabled !== true) {
        reportViolation(
          `Expected privateClusterConfig.enablePrivateNodes true but found ${show(enabled)} in ${resource}; ` +
            `set it to true in ${CLUSTER_ARGS}`,
        );
      }
    }),
    nodePoolValidation((pool, resource, _args, reportViolation) => {
      if (pool.networkConfig?.enablePrivateNodes === false) {
        reportViolation(
          `Expected private nodes but found networkConfig.enablePrivateNodes false in ${resource}; ` +
            `remove it from ${NODE_POOL_ARGS}`,
        );
      }
    }),
  ],
};
