import type { ResourceValidationPolicy } from "@pulumi/policy";
import { CLUSTER_ARGS, NODE_POOL_ARGS, clusterValidation, nodePoolValidation } from "../lib/gke";

const KEY = "classhub:cluster.gke.deletionProtection";
const RETIRE = "turn it off only for the one `pulumi destroy` that retires the cluster";

/** Why a deletionPolicy lets a destroy drop the resource, or undefined. pulumi-gcp 9 has it on clusters and pools. */
function abandoned(deletionPolicy: string | undefined, what: string): string | undefined {
  return deletionPolicy === "ABANDON"
    ? `deletionPolicy "ABANDON" (a destroy would drop the ${what} from the stack and leave it running)`
    : undefined;
}

/**
 * Deleting the cluster deletes every class on it at once, and deleting a pool every student server on it. classhub
 * guards both (docs/gke.md, "What protects what"): Pulumi's `protect` on the cluster and on every pool stops a
 * destroy or a replacement in its preview, before anything is deleted; the provider's deletionProtection refuses to
 * delete the cluster even without it. pulumi-gcp 9's deletionPolicy adds PREVENT, which also refuses the delete, and
 * ABANDON, which skips deletionProtection altogether and only forgets the resource.
 */
export const requireDeletionProtection: ResourceValidationPolicy = {
  name: "classhub-require-deletion-protection",
  description:
    "The cluster and its node pools are protected, the cluster keeps deletion protection, and neither is ABANDONed.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: [
    clusterValidation((cluster, resource, args, reportViolation) => {
      const abandon = abandoned(cluster.deletionPolicy, "cluster");
      if (abandon !== undefined) {
        reportViolation(
          `Expected deletionPolicy unset, DELETE or PREVENT but found ${abandon} in ${resource}; ` +
            `remove deletionPolicy from ${CLUSTER_ARGS}`,
        );
      }
      // Unset is true, the provider's default. PREVENT refuses the delete just as well.
      if (cluster.deletionProtection === false && cluster.deletionPolicy !== "PREVENT") {
        reportViolation(
          `Expected deletionProtection true but found false in ${resource}; set ${KEY} to true (${RETIRE})`,
        );
      }
      if (args.opts.protect !== true) {
        reportViolation(
          `Expected the resource option protect but found it off in ${resource}; set ${KEY} to true (${RETIRE})`,
        );
      }
    }),
    nodePoolValidation((pool, resource, args, reportViolation) => {
      const abandon = abandoned(pool.deletionPolicy, "pool");
      if (abandon !== undefined) {
        reportViolation(
          `Expected deletionPolicy unset, DELETE or PREVENT but found ${abandon} in ${resource}; ` +
            `remove deletionPolicy from ${NODE_POOL_ARGS}`,
        );
      }
      if (args.opts.protect !== true) {
        reportViolation(
          `Expected the resource option protect but found it off in ${resource}; set ${KEY} to true (${RETIRE})`,
        );
      }
    }),
  ],
};
