import type { ResourceValidationPolicy } from "@pulumi/policy";
import { show } from "../lib/describe";
import { type ClusterProps, clusterValidation } from "../lib/gke";

/** Whether an authorized network admits every address of its family: 0.0.0.0/0, ::/0 or any other /0. */
function admitsEveryone(cidrBlock: string): boolean {
  return /\/0+$/.test(cidrBlock.trim());
}

/** Why the cluster's IP endpoint is open to the internet, or undefined if it is closed. */
function openIpEndpoint(cluster: ClusterProps): string | undefined {
  // Only the DNS endpoint, which Google IAM gates before Kubernetes sees a request.
  if (cluster.controlPlaneEndpointsConfig?.ipEndpointsConfig?.enabled === false) return undefined;
  // The IP endpoint has no public address: only the VPC reaches it.
  if (cluster.privateClusterConfig?.enablePrivateEndpoint === true) return undefined;
  const authorized = cluster.masterAuthorizedNetworksConfig;
  if (authorized === undefined) return "a public IP endpoint that any address may reach";
  if (authorized.gcpPublicCidrsAccessEnabled === true) {
    return "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled true, which admits every Google Cloud VM";
  }
  const open = (authorized.cidrBlocks ?? []).find((b) => admitsEveryone(b.cidrBlock));
  if (open !== undefined) return `the authorized network ${show(open.cidrBlock)}, which admits every address`;
  // Authorized networks with no block admit no address from outside the VPC.
  return undefined;
}

/**
 * A control plane that the internet can reach is one leaked or guessed credential away from every class on the
 * cluster, and exposed to the API server's own vulnerabilities. classhub's IP endpoint is private to the VPC; people
 * and CI use the DNS endpoint, which IAM gates. An IP endpoint that is public must be limited to authorized networks.
 */
export const requireClosedControlPlane: ResourceValidationPolicy = {
  name: "classhub-require-closed-control-plane",
  description:
    "The control plane's IP endpoint is private, limited to authorized networks, or off in favour of the DNS endpoint.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: clusterValidation((cluster, resource, _args, reportViolation) => {
    const open = openIpEndpoint(cluster);
    if (open !== undefined) {
      reportViolation(
        `Expected a closed control plane (a private IP endpoint, authorized networks, or only the DNS endpoint) but ` +
          `found ${open} in ${resource}; set classhub:cluster.gke.publicIpEndpoint to false, or list the networks ` +
          "that need the IP endpoint in classhub:cluster.gke.authorizedNetworks",
      );
    }
  }),
};
