import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { CLUSTER_ARGS, NODE_POOL_ARGS, clusterValidation, nodePoolValidation } from "../lib/gke";

/**
 * Without Workload Identity and the GKE metadata server, every pod (students' servers included) can fetch the node
 * service account's token from the metadata server and act in the project as the node.
 */
export const requireWorkloadIdentity: ResourceValidationPolicy = {
  name: "classhub-require-workload-identity",
  description:
    "The cluster enables Workload Identity and every node pool serves pods the GKE metadata server (GKE_METADATA).",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: [
    clusterValidation((cluster, resource, _args, reportViolation) => {
      const pool = cluster.workloadIdentityConfig?.workloadPool;
      if (typeof pool !== "string" || pool === "") {
        reportViolation(
          `Expected workloadIdentityConfig.workloadPool <project>.svc.id.goog but found ${show(pool)} in ${resource}; ` +
            `set it in ${CLUSTER_ARGS}`,
        );
      }
      // The default pool is removed at once, but it runs while the cluster is created.
      const mode = cluster.nodeConfig?.workloadMetadataConfig?.mode;
      if (cluster.nodeConfig !== undefined && mode !== "GKE_METADATA") {
        reportViolation(
          `Expected nodeConfig.workloadMetadataConfig.mode GKE_METADATA but found ${show(mode)} in ${resource}; ` +
            `set it in ${CLUSTER_ARGS}`,
        );
      }
    }),
    nodePoolValidation((pool, resource, _args, reportViolation) => {
      const mode = pool.nodeConfig?.workloadMetadataConfig?.mode;
      if (mode !== "GKE_METADATA") {
        reportViolation(
          `Expected nodeConfig.workloadMetadataConfig.mode GKE_METADATA but found ${show(mode)} in ${resource}; ` +
            `set it in ${NODE_POOL_ARGS}`,
        );
      }
    }),
  ],
};
