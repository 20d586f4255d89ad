import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { CLUSTER_ARGS, clusterValidation } from "../lib/gke";

/**
 * Without an enforcer, NetworkPolicies are accepted and silently ignored: classes could reach each other's hubs
 * and students' servers the metadata server. Dataplane V2 enforces them (Calico, networkPolicy.enabled, also does).
 */
export const requireNetworkPolicyEnforcement: ResourceValidationPolicy = {
  name: "classhub-require-network-policy-enforcement",
  description:
    "The cluster enforces NetworkPolicy: Dataplane V2 (ADVANCED_DATAPATH), or the Calico network policy add-on.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: clusterValidation((cluster, resource, _args, reportViolation) => {
    const datapath = cluster.datapathProvider;
    if (datapath !== "ADVANCED_DATAPATH" && cluster.networkPolicy?.enabled !== true) {
      reportViolation(
        `Expected datapathProvider ADVANCED_DATAPATH (Dataplane V2) but found ${show(datapath)} and no networkPolicy in ` +
          `${resource}; set datapathProvider to ADVANCED_DATAPATH in ${CLUSTER_ARGS}`,
      );
    }
  }),
};
