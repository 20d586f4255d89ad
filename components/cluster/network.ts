// Pure builders for the cluster's VPC, NAT and node service account.
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { GkeConfig } from "../config/schema";
import type { GkeNames } from "./names";

/** Secondary ranges of the node subnetwork, named so the cluster can refer to them. */
export const SECONDARY_RANGES = { pods: "pods", services: "services" };

/**
 * What nodes need: GKE's documented node role (write logs and metrics, read monitoring, report resource metadata)
 * and reading images from Artifact Registry. Nothing else.
 */
export const NODE_ROLES = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"];

export function networkArgs(config: GkeConfig, names: GkeNames) {
  return {
    project: config.project,
    name: names.network,
    description: "classhub GKE nodes",
    // The subnetwork is created explicitly so that its ranges match the cluster's config.
    autoCreateSubnetworks: false,
  } satisfies gcp.compute.NetworkArgs;
}

export function subnetworkArgs(config: GkeConfig, names: GkeNames, network: pulumi.Input<string>) {
  return {
    project: config.project,
    region: config.region,
    name: names.subnetwork,
    network,
    ipCidrRange: config.network.nodesCidr,
    secondaryIpRanges: [
      {
        rangeName: SECONDARY_RANGES.pods,
        ipCidrRange: config.network.podsCidr,
      },
      {
        rangeName: SECONDARY_RANGES.services,
        ipCidrRange: config.network.servicesCidr,
      },
    ],
    // Private nodes reach Google APIs (logging, Artifact Registry) without NAT.
    privateIpGoogleAccess: true,
  } satisfies gcp.compute.SubnetworkArgs;
}

export function routerArgs(config: GkeConfig, names: GkeNames, network: pulumi.Input<string>) {
  return {
    project: config.project,
    region: config.region,
    name: names.router,
    network,
  } satisfies gcp.compute.RouterArgs;
}

/** Private nodes have no public address; NAT is how they pull images from quay.io and other registries. */
export function routerNatArgs(config: GkeConfig, names: GkeNames, router: pulumi.Input<string>) {
  return {
    project: config.project,
    region: config.region,
    name: names.nat,
    router,
    natIpAllocateOption: "AUTO_ONLY",
    // The VPC exists only for this cluster, so every range of it may leave through NAT.
    sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
    // Hundreds of servers starting at lecture start pull images at once; let busy nodes take more ports.
    enableDynamicPortAllocation: true,
    enableEndpointIndependentMapping: false,
    logConfig: { enable: true, filter: "ERRORS_ONLY" },
  } satisfies gcp.compute.RouterNatArgs;
}

export function nodeServiceAccountArgs(config: GkeConfig, names: GkeNames) {
  return {
    project: config.project,
    accountId: names.serviceAccount,
    displayName: `classhub GKE nodes (${names.cluster})`,
    description: "Used by the nodes instead of the default compute service account, which can edit the project.",
  } satisfies gcp.serviceaccount.AccountArgs;
}

/** One project binding per role in NODE_ROLES; member is the account's `serviceAccount:<email>`. */
export function nodeRoleArgs(config: GkeConfig, member: pulumi.Input<string>) {
  return NODE_ROLES.map(
    (role) =>
      ({
        project: config.project,
        role,
        member,
      }) satisfies gcp.projects.IAMMemberArgs,
  );
}
