import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { CLUSTER_ARGS, NODE_POOL_ARGS, clusterValidation, nodePoolValidation } from "../lib/gke";

/** Shielded nodes prove their identity to the control plane and boot only signed software. */
export const requireShieldedNodes: ResourceValidationPolicy = {
  name: "classhub-require-shielded-nodes",
  description: "The cluster enables shielded nodes and every node pool boots with Secure Boot.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: [
    clusterValidation((cluster, resource, _args, reportViolation) => {
      if (cluster.enableShieldedNodes !== true) {
        reportViolation(
          `Expected enableShieldedNodes true but found ${show(cluster.enableShieldedNodes)} in ${resource}; ` +
            `set it to true in ${CLUSTER_ARGS}`,
        );
      }
    }),
    nodePoolValidation((pool, resource, _args, reportViolation) => {
      const secureBoot = pool.nodeConfig?.shieldedInstanceConfig?.enableSecureBoot;
      if (secureBoot !== true) {
        reportViolation(
          `Expected nodeConfig.shieldedInstanceConfig.enableSecureBoot true but found ${show(secureBoot)} in ${resource}; ` +
            `set it to true in ${NODE_POOL_ARGS}`,
        );
      }
    }),
  ],
};
