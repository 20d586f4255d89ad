import type { ResourceValidationPolicy } from "@pulumi/policy";
import { CLUSTER_ARGS, clusterValidation } from "../lib/gke";

/**
 * Legacy ABAC grants every service account broad rights regardless of RBAC; basic auth and client certificates are
 * credentials that cannot be revoked short of rotating the cluster's CA. Access goes through IAM only.
 */
export const disallowLegacyClusterAuth: ResourceValidationPolicy = {
  name: "classhub-disallow-legacy-cluster-auth",
  description: "The cluster has no legacy ABAC, no basic authentication and issues no client certificate.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: clusterValidation((cluster, resource, _args, reportViolation) => {
    if (cluster.enableLegacyAbac === true) {
      reportViolation(
        `Expected enableLegacyAbac false but found true in ${resource}; set it to false in ${CLUSTER_ARGS}`,
      );
    }
    const masterAuth = cluster.masterAuth ?? {};
    if (masterAuth.username || masterAuth.password) {
      reportViolation(
        `Expected no basic authentication but found masterAuth.username/password in ${resource}; remove them from ${CLUSTER_ARGS}`,
      );
    }
    if (masterAuth.clientCertificateConfig?.issueClientCertificate === true) {
      reportViolation(
        `Expected masterAuth.clientCertificateConfig.issueClientCertificate false but found true in ${resource}; ` +
          `set it to false in ${CLUSTER_ARGS}`,
      );
    }
  }),
};
