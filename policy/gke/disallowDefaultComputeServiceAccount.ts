import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { CLUSTER_ARGS, NODE_POOL_ARGS, clusterValidation, nodePoolValidation } from "../lib/gke";
import { isKnown } from "../lib/unknown";

/** The Compute Engine default service account: `<project number>-compute@developer.gserviceaccount.com`. */
const DEFAULT_COMPUTE_ACCOUNT = /^\d+-compute@developer\.gserviceaccount\.com$/i;

/** How a message names a node service account that is the default one, or undefined if it is another. */
function defaultAccount(serviceAccount: string | undefined): string | undefined {
  const what = "the Compute Engine default service account";
  // GKE gives nodes without a service account the default one, and takes "default" to mean it too.
  if (serviceAccount === undefined || serviceAccount === "") return `unset (${what})`;
  if (serviceAccount === "default" || DEFAULT_COMPUTE_ACCOUNT.test(serviceAccount)) {
    return `${show(serviceAccount)} (${what})`;
  }
  return undefined;
}

const EXPECTED = "the nodes' own service account";

/**
 * The Compute Engine default service account has Editor on the project in most projects. Nodes that run as it hand
 * that to anything that reaches the node's credentials; classhub's nodes have an account of their own with only
 * the roles nodes need (nodeRoleArgs() in components/cluster/network.ts).
 */
export const disallowDefaultComputeServiceAccount: ResourceValidationPolicy = {
  name: "classhub-disallow-default-compute-service-account",
  description:
    "GKE nodes never run as the Compute Engine default service account: not in a pool, the default pool or auto-provisioned pools.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: [
    clusterValidation((cluster, resource, _args, reportViolation) => {
      // The default pool is removed at once, but its nodes run while the cluster is created.
      if (isKnown(() => cluster.nodeConfig?.serviceAccount)) {
        const found = defaultAccount(cluster.nodeConfig?.serviceAccount);
        if (found !== undefined) {
          reportViolation(
            `Expected nodeConfig.serviceAccount to be ${EXPECTED} but found ${found} in ${resource}; ` +
              `set it in ${CLUSTER_ARGS}`,
          );
        }
      }
      // Node auto-provisioning creates pools of its own, with these defaults.
      const autoscaling = cluster.clusterAutoscaling;
      if (autoscaling?.enabled === true) {
        const found = defaultAccount(autoscaling.autoProvisioningDefaults?.serviceAccount);
        if (found !== undefined) {
          reportViolation(
            `Expected clusterAutoscaling.autoProvisioningDefaults.serviceAccount to be ${EXPECTED} but found ` +
              `${found} in ${resource}; set it in ${CLUSTER_ARGS}, or turn node auto-provisioning off`,
          );
        }
      }
    }),
    nodePoolValidation((pool, resource, _args, reportViolation) => {
      const found = defaultAccount(pool.nodeConfig?.serviceAccount);
      if (found !== undefined) {
        reportViolation(
          `Expected nodeConfig.serviceAccount to be ${EXPECTED} but found ${found} in ${resource}; ` +
            `set it in ${NODE_POOL_ARGS}`,
        );
      }
    }),
  ],
};
