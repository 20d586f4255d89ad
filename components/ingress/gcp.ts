// Pure builders for the shared Gateway's Google Cloud side: its global address and Certificate Manager map (once per
// cluster stack), and each class's Google-managed certificate and map entry. Types only: no @pulumi/gcp is loaded.
import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { gcpName, reservedAddressName } from "../cluster/names";

/** The API the certificates and the map live in; the cluster stack enables it with the Gateway. */
export const CERTIFICATE_MANAGER_API = "certificatemanager.googleapis.com";

/**
 * GKE's Gateway API CRDs and GatewayClasses, which a cluster has only when asked. Spread into the cluster's args
 * (cluster/gke.ts clusterArgs) when classhub:cluster.gke.gateway is set.
 */
export const GATEWAY_API_CONFIG = {
  channel: "CHANNEL_STANDARD",
} satisfies gcp.types.input.container.ClusterGatewayApiConfig;

/** GCP names of the cluster stack's Gateway resources, from its cluster component's name; the Gateway names both. */
export function gatewayNames(clusterName: string) {
  return { address: gcpName(clusterName, 63, "-gateway"), certificateMap: gcpName(clusterName, 63, "-classes") };
}

/** The Gateway's address: global, as Google's global external Application Load Balancer needs. */
export function globalAddressArgs(project: pulumi.Input<string>, name: string) {
  return {
    project,
    name,
    addressType: "EXTERNAL",
    description: "classhub shared Gateway: every class hostname's DNS record points here",
  } satisfies gcp.compute.GlobalAddressArgs;
}

export function certificateMapArgs(project: pulumi.Input<string>, name: string) {
  return {
    project,
    name,
    description: "classhub: one entry per class hostname",
  } satisfies gcp.certificatemanager.CertificateMapArgs;
}

/**
 * GCP names for a class's certificate and map entry. Pulumi's auto-name is kept while it fits, as for the class's
 * reserved address (cluster/names.ts); a long namespace gets a shortened one with a hash of the stack.
 */
export function classCertificateNames(resourceName: string, stack: string) {
  return {
    certificate: reservedAddressName(`${resourceName}-certificate`, stack),
    entry: reservedAddressName(`${resourceName}-certificate-entry`, stack),
  };
}

/**
 * A Google-managed certificate for the class hostname. Load balancer authorization: Google issues it once the
 * hostname's DNS record points at the Gateway's address, and renews it with no one acting.
 */
export function certificateArgs(project: pulumi.Input<string>, hostname: string, name: string | undefined) {
  return {
    project,
    ...(name === undefined ? {} : { name }),
    scope: "DEFAULT",
    managed: { domains: [hostname] },
    description: `classhub ${hostname}`,
  } satisfies gcp.certificatemanager.CertificateArgs;
}

/** The map entry that serves the certificate for the class hostname on the Gateway. */
export function certificateMapEntryArgs(
  project: pulumi.Input<string>,
  map: pulumi.Input<string>,
  hostname: string,
  certificate: pulumi.Input<string>,
  name: string | undefined,
) {
  return {
    project,
    ...(name === undefined ? {} : { name }),
    map,
    hostname,
    certificates: [certificate],
    description: `classhub ${hostname}`,
  } satisfies gcp.certificatemanager.CertificateMapEntryArgs;
}
