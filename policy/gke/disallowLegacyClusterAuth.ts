import type { ResourceValidationPolicy } from "@pulumi/policy";
import { CLUSTER_ARGS, clusterValidation } from "../lib/gke";

/**
 * Legacy ABAC grants every service account broad rights regardless of RBAC; a client certificate is a credential
 * that cannot be revoked short of rotating the cluster's CA. Access goes through IAM only. (Basic authentication is
 * gone from GKE and from pulumi-gcp 9, whose masterAuth has no username or password: nothing to check.)
 */
export const disallowLegacyClusterAuth: ResourceValidationPolicy = {
  name: "classhub-disallow-legacy-cluster-auth",
  description: "The cluster has no legacy ABAC and issues no client certificate.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: clusterValidation((cluster, resource, _args, reportViolation) => {
    if (cluster.enableLegacyAbac === true) {
      reportViolation(
        `Expected enableLegacyAbac false but found true in ${resource}; set it to false in ${CLUSTER_ARGS}`,
      );
    }
    if (cluster.masterAuth?.clientCertificateConfig?.issueClientCertificate === true) {
      reportViolation(
        `Expected masterAuth.clientCertificateConfig.issueClientCertificate false but found true in ${resource}; ` +
          `set it to false in ${CLUSTER_ARGS}`,
      );
    }
  }),
};
