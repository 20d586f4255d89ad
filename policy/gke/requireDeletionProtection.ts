import type { ResourceValidationPolicy } from "@pulumi/policy";
import { clusterValidation } from "../lib/gke";

/** Deleting the cluster deletes every class on it at once; GKE's deletion protection makes that a deliberate act. */
export const requireDeletionProtection: ResourceValidationPolicy = {
  name: "classhub-require-deletion-protection",
  description: "The cluster keeps deletion protection on (the provider's default when unset).",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: clusterValidation((cluster, resource, _args, reportViolation) => {
    if (cluster.deletionProtection === false) {
      reportViolation(
        `Expected deletionProtection true but found false in ${resource}; ` +
          "set classhub:cluster.gke.deletionProtection to true (turn it off only for the one `pulumi destroy` that retires the cluster)",
      );
    }
  }),
};
