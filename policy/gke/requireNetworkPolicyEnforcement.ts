import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { CLUSTER_ARGS, type ClusterProps, clusterValidation } from "../lib/gke";

/** What, besides Dataplane V2, the cluster says about NetworkPolicy, or undefined if Calico enforces it. */
function calicoGap(cluster: ClusterProps): string | undefined {
  const policy = cluster.networkPolicy;
  const addon = cluster.addonsConfig?.networkPolicyConfig;
  if (policy?.enabled !== true) {
    // The add-on flag only installs Calico's control-plane parts; nodes enforce nothing until networkPolicy is on.
    return addon?.disabled === false
      ? "only the add-on flag addonsConfig.networkPolicyConfig.disabled false, without networkPolicy.enabled"
      : "no networkPolicy";
  }
  if (policy.provider !== "CALICO") return `networkPolicy.provider ${show(policy.provider)}`;
  if (addon?.disabled === true) return "networkPolicy on CALICO with its add-on disabled";
  return undefined;
}

/**
 * Without an enforcer, NetworkPolicies are accepted and silently ignored: classes could reach each other's hubs
 * and students' servers the metadata server. Dataplane V2 enforces them; so does Calico, when networkPolicy is
 * enabled with provider CALICO (the add-on flag alone enforces nothing).
 */
export const requireNetworkPolicyEnforcement: ResourceValidationPolicy = {
  name: "classhub-require-network-policy-enforcement",
  description:
    "The cluster enforces NetworkPolicy: Dataplane V2 (ADVANCED_DATAPATH), or networkPolicy enabled with provider CALICO.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: clusterValidation((cluster, resource, _args, reportViolation) => {
    const datapath = cluster.datapathProvider;
    if (datapath === "ADVANCED_DATAPATH") return;
    const gap = calicoGap(cluster);
    if (gap !== undefined) {
      reportViolation(
        `Expected datapathProvider ADVANCED_DATAPATH (Dataplane V2), or networkPolicy enabled with provider CALICO, ` +
          `but found datapathProvider ${show(datapath)} and ${gap} in ${resource}; ` +
          `set datapathProvider to ADVANCED_DATAPATH in ${CLUSTER_ARGS}`,
      );
    }
  }),
};
