import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { CLUSTER_ARGS, NODE_POOL_ARGS, clusterValidation, nodePoolValidation } from "../lib/gke";
import { isKnown, known } from "../lib/unknown";

const POOL_SUFFIX = ".svc.id.goog";

/** Whether a value has the form of a workload pool: a project id followed by .svc.id.goog. */
function isPoolName(pool: string | undefined): boolean {
  return pool !== undefined && pool.endsWith(POOL_SUFFIX) && pool.length > POOL_SUFFIX.length;
}

/**
 * Without Workload Identity and the GKE metadata server, every pod (students' servers included) can fetch the node
 * service account's token from the metadata server and act in the project as the node.
 */
export const requireWorkloadIdentity: ResourceValidationPolicy = {
  name: "classhub-require-workload-identity",
  description:
    "The cluster uses its own project's Workload Identity pool and every node pool serves pods the GKE metadata server.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: [
    clusterValidation((cluster, resource, _args, reportViolation) => {
      // GKE has one workload pool per project, `<project>.svc.id.goog`; another project's pool would let that
      // project's identities act as this cluster's pods. Without a known project (the provider's default project, or
      // one unknown during preview) only the pool's form is checked.
      const project = known(() => cluster.project);
      if (isKnown(() => cluster.workloadIdentityConfig?.workloadPool)) {
        const pool = cluster.workloadIdentityConfig?.workloadPool;
        if (project !== undefined && pool !== `${project}${POOL_SUFFIX}`) {
          const expected = show(`${project}${POOL_SUFFIX}`);
          reportViolation(
            `Expected workloadIdentityConfig.workloadPool ${expected} (the cluster's own project) but found ` +
              `${show(pool)} in ${resource}; set it to ${expected} in ${CLUSTER_ARGS}`,
          );
        } else if (project === undefined && !isPoolName(pool)) {
          reportViolation(
            `Expected workloadIdentityConfig.workloadPool <project>${POOL_SUFFIX} but found ${show(pool)} in ` +
              `${resource}; set it in ${CLUSTER_ARGS}`,
          );
        }
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
