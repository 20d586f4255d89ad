import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { CLUSTER_ARGS, NODE_POOL_ARGS, clusterValidation, nodePoolValidation } from "../lib/gke";

/**
 * Shielded nodes prove their identity to the control plane and boot only signed software (Secure Boot); integrity
 * monitoring compares each boot with the known-good one and reports a tampered node.
 */
export const requireShieldedNodes: ResourceValidationPolicy = {
  name: "classhub-require-shielded-nodes",
  description:
    "The cluster enables shielded nodes; every node pool boots with Secure Boot and keeps integrity monitoring on.",
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
      // Unset means true: the provider's default (node_config.go in terraform-provider-google).
      const integrity = pool.nodeConfig?.shieldedInstanceConfig?.enableIntegrityMonitoring;
      if (integrity === false) {
        reportViolation(
          `Expected nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring true but found false in ${resource}; ` +
            `set it to true in ${NODE_POOL_ARGS}`,
        );
      }
    }),
  ],
};
