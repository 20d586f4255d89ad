import type { ResourceValidationPolicy } from "@pulumi/policy";
import { clusterValidation } from "../lib/gke";

/**
 * Without a maintenance window GKE upgrades whenever it likes; a node upgrade drains the node, and KubeSpawner's
 * servers, bare pods, are deleted with it, in the middle of a lecture or an exam. A window keeps upgrades out of
 * class time; exclusions alone do not, since GKE may upgrade at any time outside them.
 */
export const requireMaintenancePolicy: ResourceValidationPolicy = {
  name: "classhub-require-maintenance-policy",
  description: "The cluster has a maintenance policy with a recurring or daily window for GKE's upgrades.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateResource: clusterValidation((cluster, resource, _args, reportViolation) => {
    const policy = cluster.maintenancePolicy;
    if (
      policy?.recurringWindow !== undefined ||
      policy?.recurringMaintenanceWindow !== undefined ||
      policy?.dailyMaintenanceWindow !== undefined
    ) {
      return;
    }
    const found = policy === undefined ? "no maintenancePolicy" : "a maintenancePolicy without a window";
    reportViolation(
      `Expected a maintenance window (maintenancePolicy.recurringWindow) but found ${found} in ${resource}; ` +
        "set classhub:cluster.gke.maintenance.window to a recurring window outside class hours " +
        "(maintenancePolicy() in components/cluster/gke.ts sets it, by default Saturday and Sunday 07:00-15:00 UTC)",
    );
  }),
};
